"""Appending to the hash-chained audit log, beside a bare INSERT of a row of the same width."""

from bench.harness import median, p95, setup_django, timings_ms


def run(bench):
    setup_django()
    from django.db import connection

    from capil.audit.services import audit_chain_verify, audit_record

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bare_event (id INTEGER PRIMARY KEY, action TEXT, target TEXT, data TEXT)")

    def bare():
        with connection.cursor() as cur:
            cur.execute("INSERT INTO bare_event (action, target, data) VALUES (%s, %s, %s)",
                        ["application.view", "applications.application:1", '{"step": 8}'])

    def append():
        audit_record(actor=None, action="application.view", target_type="applications.application",
                     target_id=1, data={"step": 8})

    base = timings_ms(bare, repeat=500)
    ours = timings_ms(append, repeat=500)
    bench.figure("audit append, median", median(ours), "ms", baseline=median(base), target="value <= 5")
    bench.figure("audit append, p95", p95(ours), "ms", baseline=p95(base), target="value <= 10")
    import time

    start = time.perf_counter()
    assert audit_chain_verify() is None
    bench.figure("verify chain of 503 events", (time.perf_counter() - start) * 1000, "ms", target="value <= 500")
