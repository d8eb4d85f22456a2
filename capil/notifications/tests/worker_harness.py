"""A scratch database shared by the test and the real task workers it starts as subprocesses: a SQLite file
(when the suite runs on SQLite) or a PostgreSQL database beside the test database."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
TABLES = ["notifications_notificationattachment", "notifications_notification", "notifications_sweeplease",
          "django_tasks_database_dbtaskresult"]


class ScratchDatabase:
    def __init__(self):
        if connection.vendor == "postgresql":
            params = connection.settings_dict
            self.name = f"{params['NAME']}_worker"[:63]
            auth = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
            self.server = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
            self.url = f"{self.server}/{self.name}"
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.folder = tempfile.mkdtemp(prefix="capil-worker-db-")
            self.url = f"sqlite:///{self.folder}/worker.sqlite3"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capil.notifications.tests.worker_settings",
                    "DATABASE_URL": self.url, "PYTHONUNBUFFERED": "1"}
        self.manage("migrate", "--no-input", "-v", "0")
        # The tasks table's real name (django_tasks_db may rename it between versions).
        self.tasks_table = self.scalar_text(
            "SELECT name FROM sqlite_master WHERE name LIKE 'django_tasks_%'" if self.is_sqlite else
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'django_tasks_%%'")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def manage(self, *args, env=None):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env={**self.env, **(env or {})},
                       check=True, cwd=ROOT, timeout=180)

    def enqueue(self, count: int, first: int = 0, *, env=None):
        subprocess.run([sys.executable, "-m", "capil.notifications.tests.scenario", "enqueue", str(count),
                        str(first)], env={**self.env, **(env or {})}, check=True, cwd=ROOT, timeout=120)

    def start_worker(self, *, env=None) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--queue-name", "*", "--interval", "0.05",
             "--no-reload", "--no-startup-delay", "-v", "0"],
            env={**self.env, **(env or {})}, cwd=ROOT, start_new_session=True,
        )

    def _connect(self):
        if self.is_sqlite:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=20)
            conn.execute("PRAGMA busy_timeout = 20000")
            return conn
        return psycopg.connect(self.url, autocommit=True)

    def rows(self, sql: str, params=()):
        conn = self._connect()
        try:
            cur = conn.execute(sql.replace("%s", "?") if self.is_sqlite else sql, params)
            return cur.fetchall()
        finally:
            conn.close()

    def scalar_text(self, sql: str) -> str:
        return self.rows(sql)[0][0]

    def clean(self):
        conn = self._connect()
        try:
            for table in [*TABLES[:-1], self.tasks_table]:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608
            if self.is_sqlite:
                conn.commit()
        finally:
            conn.close()

    def states(self) -> dict[str, int]:
        return dict(self.rows("SELECT state, COUNT(*) FROM notifications_notification GROUP BY state"))

    def wait_for(self, condition, *, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; states: {self.states()}")
            time.sleep(0.05)

    def drop(self):
        if not self.is_sqlite:
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def stop(process: subprocess.Popen, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
