"""The benchmark harness (bench/): the JSON line of each figure, target checking, and the table bench/run
prints. The benchmarks themselves are not part of the test suite; this checks only their plumbing."""

import json

import pytest

from bench.__main__ import parse_line, render_table
from bench.harness import Bench, check_target, median, p95


def test_figure_prints_one_json_line_with_ratio_and_verdict(capsys):
    bench = Bench("demo")

    bench.figure("page p95", 30.0, "ms", baseline=12.0, target="value <= 50")

    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    assert json.loads(line) == {"bench": "demo", "figure": "page p95", "value": 30.0, "unit": "ms",
                                "baseline": 12.0, "ratio": 2.5, "target": "value <= 50", "ok": True}


def test_figure_without_baseline_has_no_ratio(capsys):
    Bench("demo").figure("rss", 140.0, "MB", target="value <= 150")

    obj = json.loads(capsys.readouterr().out)
    assert obj["baseline"] is None and obj["ratio"] is None and obj["ok"] is True


@pytest.mark.parametrize(("target", "value", "ratio", "ok"), [
    ("value <= 150", 150.0, None, True),
    ("value <= 150", 150.1, None, False),
    ("value < 1", 1.0, None, False),
    ("ratio >= 0.5", 10.0, 0.5, True),
    ("ratio >= 0.5", 10.0, 0.49, False),
    ("ratio <= 1.5", 10.0, 1.6, False),
    ("value > 0", 0.0, None, False),
    ("ratio >= 0.5", 10.0, None, None),  # no baseline: the target cannot be judged
    (None, 10.0, 1.0, None),
])
def test_target_checking(target, value, ratio, ok):
    assert check_target(target, value, ratio) is ok


def test_missed_target_is_reported_as_not_ok(capsys):
    fig = Bench("load").figure("status page req/s", 100.0, "req/s", baseline=400.0, target="ratio >= 0.5")

    assert fig.ratio == 0.25 and fig.ok is False
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_median_and_p95():
    samples = [float(n) for n in range(1, 101)]
    assert median(samples) == 50.5
    assert p95(samples) == 95.0
    assert p95([7.0]) == 7.0


def test_run_reads_figures_and_skips_and_ignores_other_lines():
    figure = {"bench": "scale", "figure": "queue p95", "value": 12.5, "unit": "ms", "baseline": 3.1,
              "ratio": 4.032, "target": "value <= 50", "ok": True}

    assert parse_line("scale", json.dumps(figure)) == figure
    skipped = parse_line("scale", json.dumps({"bench": "scale", "skipped": "needs PostgreSQL"}))
    assert skipped["figure"] == "(skipped) needs PostgreSQL" and skipped["ok"] is None
    assert parse_line("scale", '{"postgres": "unavailable"}') is None
    assert parse_line("scale", "Operations to perform: migrate") is None
    assert parse_line("scale", "[1, 2]") is None


def test_table_marks_missed_targets():
    rows = [
        {"bench": "load", "figure": "pages p95", "value": 250.0, "unit": "ms", "baseline": 20.0, "ratio": 12.5,
         "target": "value <= 300", "ok": True},
        {"bench": "load", "figure": "submit p95", "value": 1900.0, "unit": "ms", "baseline": 20.0, "ratio": 95.0,
         "target": "value <= 1500", "ok": False},
    ]

    table = render_table(rows).splitlines()

    assert table[0].split()[:3] == ["bench", "figure", "value"]
    assert table[2].rstrip().endswith("yes") and table[3].rstrip().endswith("NO")
