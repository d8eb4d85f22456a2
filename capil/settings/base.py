"""Settings shared by every environment. Everything that differs between machines comes from the
environment; see .env.example for each variable and its default."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env_bool, env_int, env_list, env_str, secret_from_env_or_file

VAR_DIR = Path(env_str("CAPIL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("CAPIL_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "capil.core",
    "capil.audit",
    "capil.accounts",
    "capil.catalog",
    "capil.notifications",
    "capil.documents",
    "capil.applications",
    "capil.archive",
    "capil.queueing",
    "capil.scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "capil.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "capil.urls"
WSGI_APPLICATION = "capil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "capil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "capil.core.context_processors.office",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'capil.sqlite3'}"),
        conn_max_age=env_int("CAPIL_DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes; a busy timeout instead of
    # "database is locked" when both write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["capil.accounts.backends.PhoneOrEmailBackend"]
# Argon2id with parameters for this deployment: see capil/accounts/hashers.py.
PASSWORD_HASHERS = [
    "capil.accounts.hashers.Argon2idPasswordHasher",
]
CAPIL_ARGON2 = {
    "memory_cost": env_int("CAPIL_ARGON2_MEMORY_KIB", 32768),
    "time_cost": env_int("CAPIL_ARGON2_TIME_COST", 2),
    "parallelism": env_int("CAPIL_ARGON2_PARALLELISM", 1),
}
if CAPIL_ARGON2["memory_cost"] < 19456 or CAPIL_ARGON2["time_cost"] < 2 or CAPIL_ARGON2["parallelism"] < 1:
    raise ImproperlyConfigured("Argon2id parameters below the OWASP minimum (19456 KiB, 2 passes, 1 lane).")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia first; English for those who choose it. Source strings are written in Bahasa
# Indonesia, so a string that lacks an English translation still reads correctly for most users.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8: Balikpapan
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "private"  # never served by URL; files are streamed by views that check access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "capil_cache",
    }
}
if env_str("REDIS_URL", "-") != "-":
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications"],
    }
}

# Django 6.1 mailers. Production: SMTP from the environment. dev.py and test.py replace the default mailer.
MAILERS = {
    "default": {
        "BACKEND": env_str("CAPIL_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("CAPIL_EMAIL_HOST", "localhost"),
            "port": env_int("CAPIL_EMAIL_PORT", 25),
            "username": env_str("CAPIL_EMAIL_USER", "") or None,
            "password": env_str("CAPIL_EMAIL_PASSWORD", "") or None,
            "use_tls": env_str("CAPIL_EMAIL_TLS", "false").lower() == "true",
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("CAPIL_EMAIL_FROM", "Disdukcapil Kota Balikpapan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The office this installation serves. Only data: nothing in the code is specific to Balikpapan.
CAPIL_OFFICE = {
    "name": env_str("CAPIL_OFFICE_NAME", "Dinas Kependudukan dan Pencatatan Sipil Kota Balikpapan"),
    "short_name": env_str("CAPIL_OFFICE_SHORT_NAME", "Disdukcapil Kota Balikpapan"),
    "city": env_str("CAPIL_OFFICE_CITY", "Balikpapan"),
    "code": env_str("CAPIL_OFFICE_CODE", "BPN"),
    "address": env_str("CAPIL_OFFICE_ADDRESS", "Jl. Jenderal Sudirman No. 1, Balikpapan"),
}
CAPIL_SITE_URL = env_str("CAPIL_SITE_URL", "http://127.0.0.1:8000")
# Step 10's data entry (SIAK) behind one interface: the office's own record by default.
CAPIL_SIAK_BACKEND = env_str("CAPIL_SIAK_BACKEND", "capil.applications.siak.LocalRecordRegistry")

# Output documents and electronic signatures (capil.documents). See .env.example.
CAPIL_DOCUMENTS = {
    "REGION_CODE": env_str("CAPIL_DOCUMENTS_REGION_CODE", "6471"),  # Kemendagri code of the regency/city
    "GOVERNMENT": env_str("CAPIL_DOCUMENTS_GOVERNMENT", "Pemerintah Kota Balikpapan"),
    "SIGNER_TITLE": env_str("CAPIL_DOCUMENTS_SIGNER_TITLE", ""),
    "LOGO": env_str("CAPIL_DOCUMENTS_LOGO", ""),
    "SIGNING_BACKEND": env_str("CAPIL_SIGNING_BACKEND", "local"),
    "KEY_DIR": Path(env_str("CAPIL_SIGNING_KEY_DIR", str(VAR_DIR / "pki"))),
    "TRUST_ROOTS": env_list("CAPIL_SIGNING_TRUST_ROOTS", str(VAR_DIR / "pki" / "dev-ca.pem")),
    "TSA_URL": env_str("CAPIL_SIGNING_TSA_URL", ""),
    "TSA_TIMEOUT": env_int("CAPIL_SIGNING_TSA_TIMEOUT", 10),
    "REMOTE_URL": env_str("CAPIL_SIGNING_REMOTE_URL", ""),
    "REMOTE_CLIENT_ID": env_str("CAPIL_SIGNING_REMOTE_CLIENT_ID", ""),
    "REMOTE_CLIENT_SECRET": secret_from_env_or_file("CAPIL_SIGNING_REMOTE_CLIENT_SECRET") or "",
    "REMOTE_TIMEOUT": env_int("CAPIL_SIGNING_REMOTE_TIMEOUT", 15),
    "PKCS11_MODULE": env_str("CAPIL_SIGNING_PKCS11_MODULE", ""),
    "PKCS11_TOKEN_LABEL": env_str("CAPIL_SIGNING_PKCS11_TOKEN_LABEL", ""),
    "PKCS11_KEY_LABEL": env_str("CAPIL_SIGNING_PKCS11_KEY_LABEL", "tte-{nip}"),
    # Public verification: attempts per IP address and minute (code look-ups; PDF uploads).
    "VERIFY_CODE_PER_MINUTE": env_int("CAPIL_VERIFY_CODE_PER_MINUTE", 30),
    "VERIFY_UPLOAD_PER_MINUTE": env_int("CAPIL_VERIFY_UPLOAD_PER_MINUTE", 10),
    "VERIFY_UPLOAD_MAX_BYTES": env_int("CAPIL_VERIFY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
}
CAPIL_SOP_DOCUMENT = env_str("CAPIL_SOP_DOCUMENT", str(BASE_DIR / "capil" / "catalog" / "data" / "sop.txt"))

# Working-day calendar (capil.core.workdays), in WITA. Office hours per weekday (0 = Monday … 6 = Sunday) as
# ("HH:MM" opening, "HH:MM" closing); a weekday not listed is closed. Policy, not environment: change it here
# when the office changes its service hours (the Balikpapan office serves Mon–Thu 08.00–16.00 and
# Fri 08.00–16.30). SLA due times count only these hours.
CAPIL_OFFICE_HOURS = {
    0: ("08:00", "16:00"),
    1: ("08:00", "16:00"),
    2: ("08:00", "16:00"),
    3: ("08:00", "16:00"),
    4: ("08:00", "16:30"),
}
# Public holidays come from the `holidays` library (country ID). "Cuti bersama" (joint leave of civil
# servants) is decreed yearly by an SKB of three ministers: by default the library's "government" category,
# which follows those decrees, is used; dates the office adds (ISO dates, comma-separated) close it too, and
# dates in CAPIL_OFFICE_OPEN_DAYS open it even on a holiday (a decreed service day).
CAPIL_CUTI_BERSAMA_FROM_LIBRARY = env_bool("CAPIL_CUTI_BERSAMA_FROM_LIBRARY", True)
CAPIL_CUTI_BERSAMA = env_list("CAPIL_CUTI_BERSAMA", "")
CAPIL_OFFICE_OPEN_DAYS = env_list("CAPIL_OFFICE_OPEN_DAYS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "capil.core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env_str("CAPIL_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler on "django" (active when DEBUG) printed every record a second time,
        # without the personal-data mask: "django" records go only through the handlers above.
        "django": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Queue tickets, KTP-el recording bookings and pick-up (capil.queueing.conf lists every key and default).
CAPIL_QUEUEING = {
    "slot_minutes": env_int("CAPIL_BOOKING_SLOT_MINUTES", 60),
    "slot_capacity": env_int("CAPIL_BOOKING_SLOT_CAPACITY", 10),
    "days_ahead": env_int("CAPIL_BOOKING_DAYS_AHEAD", 14),
    "no_show_grace_minutes": env_int("CAPIL_BOOKING_NO_SHOW_GRACE_MINUTES", 30),
    "reminder_hour": env_int("CAPIL_BOOKING_REMINDER_HOUR", 10),
    "bookings_per_ip_per_hour": env_int("CAPIL_BOOKING_PER_IP_PER_HOUR", 10),
    "bookings_per_phone_per_day": env_int("CAPIL_BOOKING_PER_PHONE_PER_DAY", 3),
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Notifications (issue 3). Channels by name: the HTTP SMS gateway and SMTP e-mail here (production);
# dev.py and test.py use the development channel, which writes every message under var/outbox/.
# Every CAPIL_SMS_GATEWAY_* variable is described in .env.example.
CAPIL_NOTIFICATION_CHANNELS = {
    "sms": {
        "BACKEND": "capil.notifications.channels.http_sms.HttpSmsChannel",
        "OPTIONS": {
            "url": env_str("CAPIL_SMS_GATEWAY_URL", ""),
            "method": env_str("CAPIL_SMS_GATEWAY_METHOD", "POST"),
            "auth": env_str("CAPIL_SMS_GATEWAY_AUTH", "none"),
            "username": env_str("CAPIL_SMS_GATEWAY_USERNAME", ""),
            "password": secret_from_env_or_file("CAPIL_SMS_GATEWAY_PASSWORD") or "",
            "token": secret_from_env_or_file("CAPIL_SMS_GATEWAY_TOKEN") or "",
            "auth_header": env_str("CAPIL_SMS_GATEWAY_AUTH_HEADER", "X-API-Key"),
            "sender": env_str("CAPIL_SMS_GATEWAY_SENDER", "DUKCAPIL"),
            "body_format": env_str("CAPIL_SMS_GATEWAY_BODY_FORMAT", "json"),
            "body_template": env_str(
                "CAPIL_SMS_GATEWAY_BODY",
                '{"to": "{to}", "from": "{sender}", "text": "{text}", "reference": "{reference}"}',
            ),
            "headers": env_str("CAPIL_SMS_GATEWAY_HEADERS", "{}"),
            "response_id_path": env_str("CAPIL_SMS_GATEWAY_RESPONSE_ID_PATH", "id"),
            "response_status_path": env_str("CAPIL_SMS_GATEWAY_RESPONSE_STATUS_PATH", ""),
            "response_ok_values": env_list("CAPIL_SMS_GATEWAY_RESPONSE_OK_VALUES", ""),
            "response_error_path": env_str("CAPIL_SMS_GATEWAY_RESPONSE_ERROR_PATH", ""),
            "connect_timeout": env_int("CAPIL_SMS_GATEWAY_CONNECT_TIMEOUT", 5),
            "read_timeout": env_int("CAPIL_SMS_GATEWAY_READ_TIMEOUT", 15),
        },
    },
    "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel", "OPTIONS": {"mailer": "default"}},
}
CAPIL_NOTIFICATIONS = {
    "MAX_ATTEMPTS": env_int("CAPIL_NOTIFY_MAX_ATTEMPTS", 8),
    "BACKOFF_BASE": env_int("CAPIL_NOTIFY_BACKOFF_BASE", 30),
    "BACKOFF_MAX": env_int("CAPIL_NOTIFY_BACKOFF_MAX", 3600),
    "SENDING_TIMEOUT": env_int("CAPIL_NOTIFY_SENDING_TIMEOUT", 300),
    "SWEEP_INTERVAL": env_int("CAPIL_NOTIFY_SWEEP_INTERVAL", 30),
    "ENQUEUE_GRACE": env_int("CAPIL_NOTIFY_ENQUEUE_GRACE", 60),
    "LOST_TASK_AFTER": env_int("CAPIL_NOTIFY_LOST_TASK_AFTER", 900),
    "SMS_MAX_SEGMENTS": env_int("CAPIL_NOTIFY_SMS_MAX_SEGMENTS", 3),
    "OUTBOX_DIR": str(VAR_DIR / "outbox"),
}
