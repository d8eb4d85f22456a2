"""bench/run [NAME ...]: each benchmark runs in its own process (a clean Django set-up and memory)."""

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(HERE)])
                  if m.name.startswith("bench_"))


def run_one(name: str) -> None:
    from bench.harness import Bench

    module = importlib.import_module(f"bench.bench_{name}")
    module.run(Bench(name))


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--one":
        run_one(argv[1])
        return 0
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available())}", file=sys.stderr)
        return 2
    rows, failed = [], []
    for name in names:
        proc = subprocess.Popen([sys.executable, "-m", "bench", "--one", name], stdout=subprocess.PIPE, text=True,
                                cwd=HERE.parent)
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if "figure" in obj:
                rows.append(obj)
            elif "skipped" in obj:
                rows.append({"bench": name, "figure": "(skipped) " + obj["skipped"], "value": None, "unit": "",
                             "baseline": None, "ratio": None, "target": None, "ok": None})
        if proc.wait() != 0:
            failed.append(name)
    print()
    header = f"{'bench':<14} {'figure':<44} {'value':>12} {'unit':<6} {'baseline':>10} {'ratio':>7} {'target':<16} ok"
    print(header)
    print("-" * len(header))
    for r in rows:
        def fmt(v, w):
            return f"{'' if v is None else v:>{w}}"
        ok = {True: "yes", False: "NO", None: "-"}[r["ok"]]
        print(f"{r['bench']:<14} {r['figure'][:44]:<44} {fmt(r['value'], 12)} {r['unit']:<6} "
              f"{fmt(r['baseline'], 10)} {fmt(r['ratio'], 7)} {r['target'] or '':<16} {ok}")
    if failed:
        print(f"\nBenchmarks that crashed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
