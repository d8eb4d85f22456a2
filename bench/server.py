"""A production-like web server for the load and memory benchmarks.

gunicorn with sync workers runs `capil.wsgi:application` with the production settings on PostgreSQL (pooled
connections through psycopg_pool, CAPIL_DB_POOL=true), Redis as the shared cache when it answers, and the static
files collected into a temporary STATIC_ROOT and served by WhiteNoise (compressed + cached manifest storage).

Two things differ from a real deployment, both because the benchmark runs on plain-HTTP localhost:
CAPIL_SSL_REDIRECT=false and ALLOWED_HOSTS=127.0.0.1. The settings module is `bench.loadtest_settings`, which is
`capil.settings.production` plus one URL, /bench/bare (a bare Django view through the same middleware), the
baseline of the status page's throughput. That URL exists only in this bench-only settings module, never in
production.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def redis_url() -> str | None:
    """Redis database 8 (the benchmarks' own) when a server answers at 127.0.0.1:6379, else None."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    host, _, port = url.split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return url
    except OSError:
        pass
    return None


def default_workers() -> int:
    # gunicorn's documented starting point: (2 x cores) + 1 sync workers.
    return 2 * (os.cpu_count() or 1) + 1


class ProductionServer:
    """Context manager: prepares the environment, migrates, collects static files, starts gunicorn on a free
    port (a socket bound by this process and handed to gunicorn, so there is no race for the port)."""

    def __init__(self, *, database_url: str, workers: int | None = None, pool: bool = True,
                 extra_env: dict[str, str] | None = None):
        self.database_url = database_url
        self.workers = workers or default_workers()
        self.pool = pool
        self.tmp = Path(tempfile.mkdtemp(prefix="capil-loadtest-"))
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.redis = redis_url()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.loadtest_settings",
            "CAPIL_SECRET_KEY": secrets.token_urlsafe(50),
            "CAPIL_SSL_REDIRECT": "false",
            "CAPIL_ALLOWED_HOSTS": "127.0.0.1",
            "CAPIL_SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
            "CAPIL_DB_POOL": "true" if pool else "false",
            "CAPIL_DB_CONN_MAX_AGE": "60",
            "CAPIL_VAR_DIR": str(self.tmp),
            "CAPIL_LOG_LEVEL": "WARNING",
            "REDIS_URL": self.redis or "",
            "PYTHONPATH": str(ROOT),
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, capture: bool = False) -> str:
        result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT,
                                check=True, text=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        return result.stdout or ""

    def python(self, module: str, *args: str) -> str:
        """Run `python -m module args` in the server's environment and return what it printed."""
        result = subprocess.run([sys.executable, "-m", module, *args], env=self.env, cwd=ROOT, check=True,
                                text=True, stdout=subprocess.PIPE)
        return result.stdout

    def prepare(self) -> None:
        self.manage("migrate", "--no-input")
        self.manage("createcachetable")
        self.manage("collectstatic", "--no-input")

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)
        self.port = sock.getsockname()[1]
        cmd = [sys.executable, "-m", "gunicorn", "capil.wsgi:application", "--bind", f"fd://{sock.fileno()}",
               "--workers", str(self.workers), "--worker-class", "sync", "--backlog", "2048",
               # --preload: the app is imported once, before forking (on a busy machine five workers importing
               # Django and WeasyPrint each can outlast the worker timeout and be killed while booting).
               "--preload", "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning",
               "--chdir", str(ROOT),
               "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else str(self.tmp)]
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, pass_fds=[sock.fileno()],
                                     start_new_session=True)
        sock.close()
        # Generous: on a shared, busy machine, five workers importing Django and WeasyPrint take a while.
        deadline = time.monotonic() + float(os.environ.get("BENCH_SERVER_START_TIMEOUT", "240"))
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=5) as resp:
                    if resp.status == 200 and json.loads(resp.read()).get("status") == "ok":
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz (exit code {self.proc.poll()})")
            time.sleep(0.2)
        # Every worker must be up before measuring, or the first requests measure worker start-up.
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn's master and its live workers."""
        pids = ([self.proc.pid] if self.proc else []) + self.worker_pids()
        return sum(process_cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "ProductionServer":
        try:
            self.prepare()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def rss_kib(pid: int) -> int | None:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, KiB)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads), from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command name, which may contain spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (every process: the server, PostgreSQL, Redis, the load
    generator, and whatever else runs), from /proc/stat: all but idle and iowait."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
