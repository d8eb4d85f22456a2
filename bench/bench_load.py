"""Load test on the production server set-up (bench/server.py): simulated citizens browse the services, track
their applications and submit new ones with uploads, for a bounded time; then the public status page's
throughput beside a bare Django view served by the same gunicorn in the same run.

Environment (defaults in brackets): BENCH_LOAD_CITIZENS [200], BENCH_LOAD_SECONDS [60],
BENCH_LOAD_WORKERS [2 x cores + 1], BENCH_LOAD_THINK ["4.0,15.0" seconds between a visitor's pages],
BENCH_LOAD_STRESS_THINK ["1.0,3.0": a second round of the same citizens at that pace, to show where the machine
saturates; "0,0" skips it],
BENCH_LOAD_MAX_REQUESTS [60000], BENCH_RPS_SECONDS [4 per round, 3 rounds each].
"""

import json
import os
import random
import time

from bench.harness import median, p95, postgres_url
from bench.loadgen import Browser, Recorder, run_visitors, think
from bench.server import ProductionServer, machine_cpu_seconds

PAGE_TARGET_MS = 300
SUBMIT_TARGET_MS = 1500
# The requests that carry a submission's files or complete it; every other request is a page.
SUBMIT_KINDS = ("submission: upload one photo", "submission: submit", "submission with uploads")


def _env_float_pair(name: str, default: str) -> tuple[float, float]:
    low, high = (float(x) for x in os.environ.get(name, default).split(","))
    return low, high


def citizen_visitor(base_url: str, plan: dict, think_range: tuple[float, float]):
    from bench.loadtest_flows import submit_flow, track_flow, warm_photos

    warm_photos(plan)
    pages = plan["pages"]
    service_pages = plan.get("service_pages", [])
    searches = pages.get("search", [])

    def visit(index: int, recorder: Recorder) -> None:
        rng = random.Random(index)
        citizen = plan["citizens"][index % len(plan["citizens"])]
        browser = Browser(base_url, recorder, cookies=citizen["cookies"])
        # Arrival is spread over the first think interval, as real visitors do not all click at once.
        think(recorder, 0, think_range[1], rng)
        for path in plan["static"]:
            browser.get("static", path)
        while True:
            roll = rng.random()
            if roll < 0.08:
                browser.get("bare view (baseline)", "/bench/bare")
            elif roll < 0.50 or not citizen.get("track"):
                choice = rng.random()
                if service_pages and choice < 0.45:
                    browser.get("service page", rng.choice(service_pages))
                elif "home" in pages and choice < 0.70:
                    browser.get("home (services by category)", pages["home"])
                elif searches and choice < 0.85:
                    browser.get("search", rng.choice(searches))
                else:
                    browser.get("status page", rng.choice(pages.get("status_all") or [pages["status"]]))
            elif roll < 0.88 or not plan.get("submit"):
                track_flow(browser, citizen, rng, recorder, think_range)
            else:
                submit_flow(browser, plan, citizen, rng, recorder, think_range)
            think(recorder, *think_range, rng)

    return visit


def closed_loop_rps(base_url: str, path: str, *, clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second of one URL with `clients` visitors each sending the next request as soon as the
    previous answer arrived. Returns (rps, errors)."""
    def loop(index: int, recorder: Recorder) -> None:
        browser = Browser(base_url, recorder)
        while True:
            browser.get("rps", path)

    start = time.monotonic()
    recorder = run_visitors(clients, loop, seconds=seconds, budget=10**7)
    elapsed = time.monotonic() - start
    return len(recorder.timings["rps"]) / elapsed, recorder.error_count


def run(bench):
    url = postgres_url()
    if not url:
        bench.skip("needs PostgreSQL (the production server set-up): set BENCH_DATABASE_URL or start it")
        return
    citizens = int(os.environ.get("BENCH_LOAD_CITIZENS", "200"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    budget = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "60000"))
    # A person reads a page, types a form or picks a photo between two requests: 4-15 s is a brisk human pace.
    think_range = _env_float_pair("BENCH_LOAD_THINK", "4.0,15.0")
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", "0")) or None
    with ProductionServer(database_url=url, workers=workers) as server:
        plan = json.loads(server.python("bench.loadtest_seed", str(citizens)).splitlines()[-1])
        print(json.dumps({"bench": bench.name, "server": f"gunicorn sync x{server.workers}", "pool": True,
                          "redis": bool(server.redis), "citizens": citizens, "seconds": seconds,
                          "status_page": plan["status_kind"], "missing": plan["missing"]}), flush=True)
        check_static(server.base_url, plan["static"])
        recorder, elapsed, cpu = citizens_round(server, plan, citizens, seconds, budget, think_range)
        report(bench, recorder, elapsed, citizens)
        report_cpu(bench, recorder, elapsed, cpu, "")
        stress = _env_float_pair("BENCH_LOAD_STRESS_THINK", "1.0,3.0")
        if stress[1] > 0:
            # The same citizens clicking every 1-3 s: about five times a human pace, past what two cores
            # serve. Reported to show where the machine saturates, beside the whole machine's CPU.
            recorder, elapsed, cpu = citizens_round(server, plan, citizens, seconds, budget, stress)
            report_stress(bench, recorder, elapsed, citizens, stress)
            report_cpu(bench, recorder, elapsed, cpu, f"stress {stress[0]:g}-{stress[1]:g} s: ")

        clients = int(os.environ.get("BENCH_RPS_CLIENTS", str(2 * server.workers)))
        round_seconds = float(os.environ.get("BENCH_RPS_SECONDS", "4"))
        status_rps, bare_rps, rps_errors = [], [], 0
        for _ in range(3):  # alternate, so that a noisy neighbour hits both sides alike
            rps, errors = closed_loop_rps(server.base_url, plan["pages"]["status"], clients=clients,
                                          seconds=round_seconds)
            status_rps.append(rps)
            rps_errors += errors
            rps, errors = closed_loop_rps(server.base_url, "/bench/bare", clients=clients, seconds=round_seconds)
            bare_rps.append(rps)
            rps_errors += errors
        bench.figure(f"status page req/s ({plan['status_kind'].split(' (')[0]})", median(status_rps), "req/s",
                     baseline=median(bare_rps), target="ratio >= 0.5")
        bench.figure("errors in throughput rounds", rps_errors, "count", target="value <= 0")


def citizens_round(server, plan, citizens, seconds, budget, think_range):
    started, server_cpu, own_cpu = time.monotonic(), server.cpu_seconds(), time.process_time()
    machine_cpu = machine_cpu_seconds()
    recorder = run_visitors(citizens, citizen_visitor(server.base_url, plan, think_range), seconds=seconds,
                            budget=budget)
    elapsed = time.monotonic() - started
    cpu = (server.cpu_seconds() - server_cpu, time.process_time() - own_cpu, machine_cpu_seconds() - machine_cpu)
    return recorder, elapsed, cpu


def report_cpu(bench, recorder: Recorder, elapsed: float, cpu: tuple, prefix: str) -> None:
    """Where the machine's cores went: a p95 far above the pages' own cost means the cores were all busy."""
    server_cpu, own_cpu, machine_cpu = cpu
    cores = os.cpu_count() or 1
    served = max(1, sum(len(v) for v in recorder.timings.values()))
    bench.figure(f"{prefix}server CPU during the citizens' run (cores busy)", server_cpu / elapsed, "cores",
                 baseline=cores)
    bench.figure(f"{prefix}load generator CPU (cores busy)", own_cpu / elapsed, "cores", baseline=cores)
    bench.figure(f"{prefix}whole machine CPU (cores busy: server, PostgreSQL, Redis, generator)",
                 machine_cpu / elapsed, "cores", baseline=cores)
    bench.figure(f"{prefix}server CPU per request, mean", 1000 * server_cpu / served, "ms")


def report_stress(bench, recorder: Recorder, elapsed: float, citizens: int, think_range) -> None:
    bare = recorder.timings.get("bare view (baseline)") or [0.0]
    pages = [t for kind, v in recorder.timings.items() if kind != "bare view (baseline)" and kind != "static"
             and not kind.startswith(SUBMIT_KINDS) for t in v]
    uploads = [t for kind, v in recorder.timings.items() if kind.startswith("submission: upload") for t in v]
    label = f"stress {think_range[0]:g}-{think_range[1]:g} s"
    total = sum(len(v) for v in recorder.timings.values())
    bench.figure(f"{label}: requests/s, {citizens} citizens for {elapsed:.0f} s", total / elapsed, "req/s")
    bench.figure(f"{label}: pages p95 (n={len(pages)})", p95(pages), "ms", baseline=p95(bare))
    bench.figure(f"{label}: pages median", median(pages), "ms", baseline=median(bare))
    if uploads:
        bench.figure(f"{label}: upload one photo p95 (n={len(uploads)})", p95(uploads), "ms", baseline=p95(bare))
    bench.figure(f"{label}: errors", recorder.error_count, "count", target="value <= 0")


def report(bench, recorder: Recorder, elapsed: float, citizens: int) -> None:
    bare = recorder.timings.get("bare view (baseline)") or [0.0]
    for kind in sorted(recorder.timings):
        if kind == "bare view (baseline)":
            continue
        samples = recorder.timings[kind]
        limit = SUBMIT_TARGET_MS if kind.startswith(SUBMIT_KINDS) else PAGE_TARGET_MS
        bench.figure(f"{kind} p95 (n={len(samples)})", p95(samples), "ms", baseline=p95(bare),
                     target=f"value <= {limit}")
        bench.figure(f"{kind} median", median(samples), "ms", baseline=median(bare))
    bench.figure(f"bare view p95 under the same load (n={len(bare)})", p95(bare), "ms")
    total = sum(len(v) for v in recorder.timings.values())
    bench.figure(f"requests/s, {citizens} citizens for {elapsed:.0f} s", total / elapsed, "req/s")
    for kind, causes in sorted(recorder.errors.items()):
        print(json.dumps({"bench": bench.name, "errors": kind, "count": len(causes), "first": causes[:5]}),
              flush=True)
    bench.figure("errors during the citizens' run", recorder.error_count, "count", target="value <= 0")


def check_static(base_url: str, paths: list[str]) -> None:
    """WhiteNoise serves the collected files pre-compressed and cacheable for a year: say so, or fail."""
    recorder = Recorder(deadline=time.monotonic() + 30, budget=len(paths))
    browser = Browser(base_url, recorder)
    for path in paths:
        response = browser.get("static", path)
        if response is None:
            raise RuntimeError(f"static file {path} not served")
        encoding, cache = response.headers.get("content-encoding"), response.headers.get("cache-control", "")
        if encoding not in {"br", "gzip"} or "max-age" not in cache:
            raise RuntimeError(f"static file {path} not compressed and cached: {encoding!r}, {cache!r}")
        print(json.dumps({"static": path, "content-encoding": encoding, "cache-control": cache}), flush=True)
