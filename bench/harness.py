"""The benchmark harness: figures with a baseline measured in the same run, and their targets.

A benchmark is a module bench/bench_<name>.py with a function `run(bench: Bench)`. It measures, and calls
`bench.figure(...)` once per figure. The baseline is a bare operation of the same kind, measured in the
same run, so that the ratio means something on a shared, noisy machine.
"""

import json
import operator
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

_COMPARE = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass
class Figure:
    bench: str
    figure: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    target: str | None
    ok: bool | None


def check_target(target: str | None, value: float, ratio: float | None) -> bool | None:
    """`target` reads "value <= 150" or "ratio <= 1.5" (also >=, <, >)."""
    if not target:
        return None
    subject, op, limit = target.split()
    measured = value if subject == "value" else ratio
    if measured is None:
        return None
    return _COMPARE[op](measured, float(limit))


class Bench:
    def __init__(self, name: str):
        self.name = name
        self.figures: list[Figure] = []

    def figure(self, figure: str, value: float, unit: str, *, baseline: float | None = None,
               target: str | None = None) -> Figure:
        ratio = (value / baseline) if baseline else None
        fig = Figure(self.name, figure, round(value, 4), unit, None if baseline is None else round(baseline, 4),
                     None if ratio is None else round(ratio, 3), target, check_target(target, value, ratio))
        self.figures.append(fig)
        print(json.dumps(asdict(fig), ensure_ascii=False), flush=True)
        return fig

    def skip(self, reason: str) -> None:
        print(json.dumps({"bench": self.name, "skipped": reason}), flush=True)


def timings_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def setup_django(*, database_url: str | None = None) -> None:
    """Configure Django for a benchmark: a fresh SQLite file (default) or the given database, migrated."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "capil.settings.test"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.conf import settings

    django.setup()
    if not database_url:
        path = tempfile.mkstemp(prefix="capil-bench-", suffix=".sqlite3")[1]
        settings.DATABASES["default"]["NAME"] = path
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def postgres_url() -> str | None:
    """The PostgreSQL database for benchmarks, created if missing; None (with the reason) when unreachable."""
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/capil_bench")
    try:
        import psycopg

        base, _, dbname = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{dbname}"')
        return url
    except Exception as exc:  # unreachable server: the benchmark says so and is skipped
        print(json.dumps({"postgres": "unavailable", "reason": str(exc).splitlines()[0]}), flush=True)
        return None
