"""Notifications: the time from the commit of the change that causes an SMS to the HTTP gateway receiving it,
through the outbox and one real task worker (`manage.py db_worker --interval 0.5`, as ./start runs it), on
SQLite and on PostgreSQL. Baseline: one bare HTTP POST to the same gateway, measured in the same run.

500 messages arrive at a steady 5 per second (far above an office's peak), each in its own transaction.
Each database is measured in a driver subprocess (one Django set-up per database)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import median, p95, postgres_url

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_NOTIFY_MESSAGES", "500"))
SPACING = 0.2  # seconds between commits
WORKER_INTERVAL = "0.5"


def run(bench):
    databases = [("SQLite", f"sqlite:///{tempfile.mkdtemp(prefix='capil-bench-notify-')}/bench.sqlite3")]
    pg = _own_postgres_database(postgres_url())
    if pg:
        databases.append(("PostgreSQL", pg))
    else:
        bench.skip("PostgreSQL unreachable: only SQLite measured")
    for label, url in databases:
        out = subprocess.run([sys.executable, "-m", "bench.bench_notifications", "--driver", url], cwd=ROOT,
                             capture_output=True, text=True, timeout=1800)
        if out.returncode != 0:
            sys.stderr.write(out.stderr[-3000:])
            raise RuntimeError(f"driver for {label} failed")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        latencies, bare = result["latencies_ms"], result["bare_post_ms"]
        bench.figure(f"commit→gateway {label}, median ({len(latencies)} SMS)", median(latencies), "ms",
                     baseline=median(bare))
        bench.figure(f"commit→gateway {label}, p95", p95(latencies), "ms", baseline=p95(bare),
                     target="value <= 2000")
        bench.figure(f"commit→gateway {label}, max", max(latencies), "ms", baseline=max(bare))


def _own_postgres_database(url: str | None) -> str | None:
    """A database of this benchmark's own beside the shared bench database: other benchmarks may run a
    worker on that one at the same time, and a worker of theirs must not take our tasks."""
    if not url:
        return None
    import psycopg

    base, _, name = url.rpartition("/")
    own = f"{name}_notifications"
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [own]).fetchone():
            conn.execute(f'CREATE DATABASE "{own}"')
    return f"{base}/{own}"


def driver(database_url: str) -> None:
    """Runs in its own process: gateway, migrated database, one worker, 500 paced commits."""
    sys.path.insert(0, str(ROOT))
    from capil.notifications.tests.servers import GatewayServer

    gateway = GatewayServer()
    gateway.start()
    received: dict[str, float] = {}
    original = gateway.handle

    def timed(body, headers):
        received.setdefault(body.get("reference", ""), time.perf_counter())
        return original(body, headers)

    gateway.handle = timed

    import requests

    session = requests.Session()
    bare = []
    for n in range(250):
        start = time.perf_counter()
        session.post(gateway.url, json={"to": "+6281200000000", "text": "baseline", "reference": f"bare-{n}"},
                     timeout=10).raise_for_status()
        bare.append((time.perf_counter() - start) * 1000)
    bare = bare[50:]
    received.clear()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capil.notifications.tests.worker_settings",
           "DATABASE_URL": database_url, "CAPIL_TEST_GATEWAY_URL": gateway.url,
           "CAPIL_TEST_SWEEP_INTERVAL": "30"}  # the production default
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cur:
        for table in ("notifications_notificationattachment", "notifications_notification",
                      "notifications_sweeplease", "django_tasks_database_dbtaskresult"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608  (a scratch database of the benchmark)
    connection.close()
    from capil.notifications.models import Notification
    from capil.notifications.services import notification_enqueue

    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval",
                               WORKER_INTERVAL, "--no-reload", "--no-startup-delay", "-v", "0"], cwd=ROOT, env=env)
    try:
        time.sleep(3)  # the worker is up and idle, as it would be in service
        committed: dict[int, float] = {}
        for n in range(MESSAGES):
            due = time.perf_counter() + SPACING
            with transaction.atomic():
                stamp: list[float] = []
                transaction.on_commit(lambda s=stamp: s.append(time.perf_counter()))
                [row] = notification_enqueue(event="otp", subject=("accounts.otp", f"bench-{n}"),
                                             phone=f"+62812{n:08d}", channels=["sms"],
                                             context={"code": f"{n:06d}", "minutes": 5})
            committed[row.pk] = stamp[0]
            time.sleep(max(0.0, due - time.perf_counter()))
        deadline = time.monotonic() + 120
        while len(received) < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        gateway.close()
    references = dict(Notification.objects.values_list("pk", "reference"))
    latencies = [(received[references[pk].hex] - t) * 1000 for pk, t in committed.items()
                 if references[pk].hex in received]
    if len(latencies) != MESSAGES:
        states = list(Notification.objects.values_list("state", "attempts", "last_error"))
        raise SystemExit(f"only {len(latencies)} of {MESSAGES} messages reached the gateway: {states}")
    print(json.dumps({"latencies_ms": latencies, "bare_post_ms": bare}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--driver":
        driver(sys.argv[2])
    else:
        raise SystemExit("usage: python -m bench.bench_notifications --driver DATABASE_URL")
