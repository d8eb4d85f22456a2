"""Test settings: in-memory SQLite by default, PostgreSQL when DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

VAR_DIR = Path(tempfile.mkdtemp(prefix="capil-test-"))
MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default", "notifications"]}}
# Argon2 with its production parameters costs ~50 ms per hash; tests that measure nothing about hashing
# use a fast hasher. Tests about password storage override this.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CAPIL_SITE_URL = "http://testserver"

# SMS through the development channel (files under the temporary VAR_DIR, read with
# capil.notifications.selectors.dev_messages); e-mail through the locmem mailer (django.core.mail.outbox).
# Short backoff so retry tests are fast.
CAPIL_NOTIFICATION_CHANNELS = {
    "sms": {"BACKEND": "capil.notifications.channels.development.DevelopmentChannel",
            "OPTIONS": {"address_kind": "phone"}},
    "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel", "OPTIONS": {"mailer": "default"}},
}
CAPIL_NOTIFICATIONS = {
    **CAPIL_NOTIFICATIONS,  # noqa: F405
    "BACKOFF_BASE": 0.02,
    "BACKOFF_MAX": 0.1,
    "ENQUEUE_GRACE": 0,
    "SENDING_TIMEOUT": 60,
    "OUTBOX_DIR": str(VAR_DIR / "outbox"),
}
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
CAPIL_DOCUMENTS = {**CAPIL_DOCUMENTS, "KEY_DIR": VAR_DIR / "pki", "TRUST_ROOTS": [str(VAR_DIR / "pki" / "dev-ca.pem")],  # noqa: F405
                   "TSA_URL": "", "SIGNING_BACKEND": "local"}
