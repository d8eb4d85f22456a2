"""Settings for the real task worker that tests start as a subprocess (`manage.py db_worker`): the
database-backed task backend, the HTTP gateway the test started, short timings."""

import os

from capil.settings.test import *  # noqa: F403
from capil.settings.test import CAPIL_NOTIFICATIONS

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}}
CAPIL_NOTIFICATION_CHANNELS = {
    "sms": {"BACKEND": "capil.notifications.channels.http_sms.HttpSmsChannel",
            "OPTIONS": {"url": os.environ.get("CAPIL_TEST_GATEWAY_URL", ""), "response_id_path": "id",
                        "connect_timeout": 1, "read_timeout": 1.5}},
    "email": {"BACKEND": "capil.notifications.channels.development.DevelopmentChannel",
              "OPTIONS": {"address_kind": "email"}},
}
CAPIL_NOTIFICATIONS = {
    **CAPIL_NOTIFICATIONS,
    "MAX_ATTEMPTS": 100,
    "BACKOFF_BASE": 0.1,
    "BACKOFF_MAX": 0.5,
    "SENDING_TIMEOUT": 2,
    # The benchmark sets the production interval; crash-recovery tests want a fast sweep.
    "SWEEP_INTERVAL": float(os.environ.get("CAPIL_TEST_SWEEP_INTERVAL", "0.5")),
    "ENQUEUE_GRACE": 1,
    "LOST_TASK_AFTER": 30,
}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": os.environ.get("CAPIL_TEST_LOG_LEVEL", "WARNING")}}
# The worker checks for tasks many times a second; with CONN_MAX_AGE 0 each check would open a new
# PostgreSQL connection (a new server process). Production uses 60 (CAPIL_DB_CONN_MAX_AGE).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
