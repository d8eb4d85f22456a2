"""bench/run [--strict] [NAME ...]: each benchmark runs in its own process (a clean Django set-up and memory).

Exit status: 1 when a benchmark crashed; with --strict also when a figure missed its target. Figures that
miss their target are listed after the table either way.
"""

import importlib
import json
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(HERE)])
                  if m.name.startswith("bench_"))


def run_one(name: str) -> None:
    from bench.harness import Bench

    module = importlib.import_module(f"bench.bench_{name}")
    module.run(Bench(name))


def parse_line(name: str, line: str) -> dict | None:
    """The table row for one line a benchmark printed: a figure, a skip (with its reason), or None."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    if "figure" in obj:
        return obj
    if "skipped" in obj:
        return {"bench": name, "figure": "(skipped) " + obj["skipped"], "value": None, "unit": "",
                "baseline": None, "ratio": None, "target": None, "ok": None}
    return None


def render_table(rows: list[dict]) -> str:
    header = f"{'bench':<14} {'figure':<52} {'value':>11} {'unit':<9} {'baseline':>10} {'ratio':>7} {'target':<16} ok"
    lines = [header, "-" * len(header)]

    def fmt(v, w):
        return f"{'' if v is None else v:>{w}}"

    for r in rows:
        ok = {True: "yes", False: "NO", None: "-"}[r["ok"]]
        lines.append(f"{r['bench']:<14} {r['figure'][:52]:<52} {fmt(r['value'], 11)} {r['unit']:<9} "
                     f"{fmt(r['baseline'], 10)} {fmt(r['ratio'], 7)} {r['target'] or '':<16} {ok}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--one":
        run_one(argv[1])
        return 0
    strict = "--strict" in argv
    names = [a for a in argv if a != "--strict"] or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available())}", file=sys.stderr)
        return 2
    rows, failed, durations = [], [], {}
    started = time.monotonic()
    for name in names:
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bench", "--one", name], stdout=subprocess.PIPE, text=True,
                                cwd=HERE.parent)
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            row = parse_line(name, line)
            if row is not None:
                rows.append(row)
        if proc.wait() != 0:
            failed.append(name)
        durations[name] = time.monotonic() - began
    print()
    print(render_table(rows))
    print("\nTime per benchmark: " + ", ".join(f"{n} {s:.0f} s" for n, s in durations.items())
          + f"; total {time.monotonic() - started:.0f} s")
    missed = [r for r in rows if r["ok"] is False]
    if missed:
        print(f"\n{len(missed)} figure(s) missed their target:")
        for r in missed:
            print(f"  {r['bench']}: {r['figure']} = {r['value']} {r['unit']} (target {r['target']})")
    if failed:
        print(f"\nBenchmarks that crashed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 1 if strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
