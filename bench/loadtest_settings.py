"""Bench-only settings for the load and memory benchmarks: exactly capil.settings.production, plus the bare
view /bench/bare (bench/loadtest_urls.py), the baseline for the status page's throughput. Never used by a
deployment: bench/ is not part of the installed package."""

from capil.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.loadtest_urls"
