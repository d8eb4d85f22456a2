"""Memory of a web worker: one gunicorn sync worker (production set-up, bench/server.py) serves 10,000 mixed
requests — the load test's pages, tracking and submissions, without think time — while its resident set size
is read from /proc/<pid>/status at intervals. Reports RSS after warm-up, at the end, the peak, and the slope
of its floor over the second half (MB per 1,000 requests), beside the idle worker's RSS measured before the
first request.

Environment: BENCH_MEMORY_REQUESTS [10000], BENCH_MEMORY_CLIENTS [4], BENCH_MEMORY_SECONDS [900: the run
stops there even short of the request count, and says how many it served].
"""

import json
import os
import threading
import time

from bench.bench_load import citizen_visitor
from bench.harness import postgres_url
from bench.loadgen import run_visitors
from bench.server import ProductionServer, rss_kib

RSS_LIMIT_MB = 150
SLOPE_LIMIT_MB_PER_1000 = 0.5


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of (requests, MB) points, in MB per 1,000 requests."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return 1000 * sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def window_floors(points: list[tuple[int, float]], width: int) -> list[tuple[int, float]]:
    """(first request count of the window, least MB in it) for each complete window of `width` requests (the
    last one, cut short by the end of the run, may hold a single sample taken while a photo was decoded)."""
    floors: dict[int, tuple[int, float]] = {}
    last = max((n for n, _ in points), default=0)
    for n, mb in points:
        key = n // width
        if (key + 1) * width > last:
            continue
        if key not in floors or mb < floors[key][1]:
            floors[key] = (key * width, mb)
    return [floors[key] for key in sorted(floors)]


def run(bench):
    url = postgres_url()
    if not url:
        bench.skip("needs PostgreSQL (the production server set-up): set BENCH_DATABASE_URL or start it")
        return
    total = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))
    clients = int(os.environ.get("BENCH_MEMORY_CLIENTS", "4"))
    with ProductionServer(database_url=url, workers=1) as server:
        plan = json.loads(server.python("bench.loadtest_seed", "50").splitlines()[-1])
        (pid,) = server.worker_pids()
        idle_mb = rss_kib(pid) / 1024
        samples: list[tuple[int, float]] = []
        stop = threading.Event()
        holder: dict = {}

        def sample() -> None:
            while not stop.is_set():
                recorder = holder.get("recorder")
                kib = rss_kib(pid)
                if recorder is not None and kib:
                    samples.append((recorder.requests, kib / 1024))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        visitor = citizen_visitor(server.base_url, plan, (0.0, 0.0))

        def tracked(index, recorder):
            holder["recorder"] = recorder
            visitor(index, recorder)

        recorder = run_visitors(clients, tracked, seconds=float(os.environ.get("BENCH_MEMORY_SECONDS", "900")),
                                budget=total)
        stop.set()
        sampler.join()
        end_mb = rss_kib(pid) / 1024
        if server.worker_pids() != [pid]:
            raise RuntimeError("the worker was replaced during the run (crash or timeout); RSS is meaningless")
    milestones, step = [], max(1, total // 10)
    for n, mb in samples:
        if n >= step * (len(milestones) + 1):
            milestones.append((n, round(mb, 1)))
    print(json.dumps({"bench": bench.name, "rss_mb_by_requests": milestones}), flush=True)
    warm = [(n, mb) for n, mb in samples if n >= total * 0.05] or samples
    second_half = [(n, mb) for n, mb in samples if n >= recorder.requests / 2]
    print(json.dumps({"bench": bench.name, "requests": recorder.requests, "errors": recorder.error_count,
                      "kinds": {k: len(v) for k, v in recorder.timings.items()}, "samples": len(samples)}),
          flush=True)
    bench.figure(f"worker RSS after warm-up ({warm[0][0]} requests)", warm[0][1], "MB", baseline=idle_mb)
    bench.figure(f"worker RSS after {recorder.requests} mixed requests", end_mb, "MB", baseline=idle_mb,
                 target=f"value <= {RSS_LIMIT_MB}")
    bench.figure("worker RSS peak", max(mb for _, mb in samples), "MB", baseline=idle_mb,
                 target=f"value <= {RSS_LIMIT_MB}")
    # Growth is read from the floor: the least RSS in each window of 500 requests, when no photo is being
    # decoded. A leak lifts the floor; a photo's decoding buffers (+25 MB for a 12-MP one, returned to the
    # system afterwards) only make spikes, which a slope through every sample mistakes for growth or
    # shrinkage depending on where the last spikes fall.
    floors = window_floors(second_half, 500)
    print(json.dumps({"bench": bench.name, "rss_floor_mb_by_500_requests": [[n, round(mb, 1)] for n, mb in
                                                                            window_floors(samples, 500)]}),
          flush=True)
    bench.figure("RSS floor slope over the second half (least RSS per 500 requests)", slope(floors),
                 "MB/1k req", target=f"value <= {SLOPE_LIMIT_MB_PER_1000}")
    bench.figure("RSS slope over the second half, every sample (spikes included)", slope(second_half),
                 "MB/1k req")
    bench.figure("errors during the memory run", recorder.error_count, "count", target="value <= 0")
