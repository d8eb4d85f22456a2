"""The catalog: parsing the SOP document, importing it, and serving the public pages.

Baselines, measured in the same run: splitting the same text into tab-separated cells (the least any parser of
this file must do) for parsing and importing; the /healthz view (one SELECT 1, no template) for the pages.
"""

import time

from bench.harness import median, p95, setup_django, timings_ms


def run(bench):
    setup_django()
    from django.test import Client

    from capil.catalog.definitions import build_definitions, load_overlay
    from capil.catalog.parser import parse_document
    from capil.catalog.services import catalog_import, default_overlay_path
    from capil.catalog.tests.factories import sop_text

    text = sop_text()
    overlay = load_overlay(default_overlay_path())

    def bare_split():
        return [line.split("\t") for line in text.splitlines()]

    split = timings_ms(bare_split, repeat=50)
    parse = timings_ms(lambda: parse_document(text), repeat=20)
    bench.figure(
        "parse SOP document (1229 lines, 31 SOPs), median",
        median(parse),
        "ms",
        baseline=median(split),
        target="value <= 500",
    )
    definitions = timings_ms(lambda: build_definitions(parse_document(text), overlay), repeat=10)
    bench.figure(
        "parse + merge overlay + hash, median", median(definitions), "ms", baseline=median(parse), target="ratio <= 3"
    )

    start = time.perf_counter()
    result = catalog_import(text=text, overlay=overlay)
    first = (time.perf_counter() - start) * 1000
    assert len(result.created) == 31
    bench.figure(
        "first import (31 services, 524 steps)", first, "ms", baseline=median(definitions), target="value <= 3000"
    )
    again = timings_ms(lambda: catalog_import(text=text, overlay=overlay), repeat=5, warmup=1)
    bench.figure(
        "re-import unchanged document, median", median(again), "ms", baseline=median(definitions), target="ratio <= 2"
    )

    client = Client(HTTP_HOST="localhost")
    for path in ("/", "/layanan/akta-kelahiran/", "/layanan/akta-kelahiran/standar-pelayanan/", "/healthz"):
        assert client.get(path).status_code == 200, path
    health = timings_ms(lambda: client.get("/healthz"), repeat=100)
    home = timings_ms(lambda: client.get("/"), repeat=50)
    detail = timings_ms(lambda: client.get("/layanan/akta-kelahiran/"), repeat=50)
    search = timings_ms(lambda: client.get("/", {"q": "akta lahir"}), repeat=50)
    standard = timings_ms(lambda: client.get("/layanan/akta-kelahiran/standar-pelayanan/"), repeat=50)
    bench.figure("home page (31 services), median", median(home), "ms", baseline=median(health), target="value <= 150")
    bench.figure("home page search, median", median(search), "ms", baseline=median(health), target="value <= 150")
    bench.figure(
        "service page (18 steps), median", median(detail), "ms", baseline=median(health), target="value <= 150"
    )
    bench.figure("service page, p95", p95(detail), "ms", baseline=p95(health), target="value <= 300")
    bench.figure(
        "Standar Pelayanan page, median", median(standard), "ms", baseline=median(health), target="value <= 150"
    )
