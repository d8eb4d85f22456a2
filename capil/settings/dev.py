"""The embedded default: SQLite under var/, files under var/, the development notification channel."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_str

DEBUG = env_bool("CAPIL_DEBUG", True)


def _local_secret_key() -> str:
    # A development key made once per checkout and kept under var/, never in the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("CAPIL_SECRET_KEY", "") or _local_secret_key()
# Each e-mail is written as a file under var/mail, where a tester can open it.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Notifications stay on this machine: every SMS and e-mail is written under var/outbox/ and listed on the
# staff page /notifikasi/dev/ (the OTP a newcomer needs is there). CAPIL_SMS_CHANNEL=http uses the gateway.
if env_str("CAPIL_SMS_CHANNEL", "development") == "development":
    CAPIL_NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "capil.notifications.channels.development.DevelopmentChannel",
                "OPTIONS": {"address_kind": "phone"}},
        "email": {"BACKEND": "capil.notifications.channels.development.DevelopmentChannel",
                  "OPTIONS": {"address_kind": "email"}},
    }
# WhiteNoise serves static files straight from the apps in development (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
