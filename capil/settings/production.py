"""Production: every secret from the environment, HTTPS only, shared cache in Redis, PostgreSQL."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str, secret_from_env_or_file

SECRET_KEY = secret_from_env_or_file("CAPIL_SECRET_KEY") or env_str("CAPIL_SECRET_KEY")
DEBUG = False

SECURE_SSL_REDIRECT = env_bool("CAPIL_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("CAPIL_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CAPIL_DB_CONN_MAX_AGE", 60)  # noqa: F405

# Pooled connections (psycopg_pool through Django's "pool" option) instead of one persistent connection per
# worker: a sync gunicorn worker serves one request at a time, so a small pool per process is enough, and it
# hands a connection that has already been checked out and back. Django refuses CONN_MAX_AGE with a pool.
if env_bool("CAPIL_DB_POOL", False) and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": env_int("CAPIL_DB_POOL_MIN_SIZE", 1),
        "max_size": env_int("CAPIL_DB_POOL_MAX_SIZE", 4),
        "timeout": env_int("CAPIL_DB_POOL_TIMEOUT", 10),
    }
