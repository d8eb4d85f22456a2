"""First page of each work queue with 100,000 applications in PostgreSQL, beside a bare indexed
SELECT … LIMIT 20 on the same table in the same run. Target: p95 ≤ 50 ms."""

import random
from datetime import timedelta

from bench.harness import median, p95, postgres_url, setup_django, timings_ms

ROWS = 100_000


def run(bench):
    url = postgres_url()
    if url is None:
        bench.skip("PostgreSQL unavailable")
        return
    setup_django(database_url=url)
    from django.db import connection
    from django.utils import timezone

    from capil.accounts.models import Role, User
    from capil.applications.models import Application, State
    from capil.applications.selectors import QUEUE_STATES, work_queue, work_queue_count
    from capil.applications.tests.factories import catalog_load

    if Application.objects.count() < ROWS:
        catalog_load()
        from capil.catalog.selectors import service_list_public

        versions = [v for v in service_list_public() if v.channel == "ONLINE"]
        applicant, _ = User.objects.get_or_create(email="bench-applicant@contoh.id",
                                                  defaults={"full_name": "Bench", "role": Role.CITIZEN})
        staff, _ = User.objects.get_or_create(email="bench-operator@contoh.id",
                                              defaults={"full_name": "Bench Operator", "role": Role.OPERATOR})
        states = list(State.values)
        now = timezone.now()
        rng = random.Random(6)
        batch = []
        start = Application.objects.count()
        for i in range(start, ROWS):
            entered = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
            batch.append(Application(
                tracking_number=f"BEN-2026-{i:07d}", service_version=rng.choice(versions), applicant=applicant,
                state=rng.choice(states), sop_step=8, state_entered_at=entered,
                due_at=entered + timedelta(minutes=5), claimed_by=staff if rng.random() < 0.2 else None,
                answers={"nama_anak": "NAYLA PUTRI PRATAMA", "no_kk": "6471031204190007"}))
            if len(batch) == 5000:
                Application.objects.bulk_create(batch)
                batch = []
        if batch:
            Application.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE applications_application")

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, tracking_number, state, state_entered_at FROM applications_application "
                           "WHERE state = %s ORDER BY state_entered_at, id LIMIT 20", [State.VERIFICATION])
            cursor.fetchall()

    bare_samples = timings_ms(bare, repeat=200)
    baseline = p95(bare_samples)
    bench.figure("bare indexed SELECT … LIMIT 20, p95", baseline, "ms")
    bench.figure("bare indexed SELECT … LIMIT 20, median", median(bare_samples), "ms")
    for role in QUEUE_STATES:
        # What the queue page reads: the first 20 rows (with service version and claimant) and the count.
        def page(role=role):
            work_queue(role=role)
            work_queue_count(role=role)

        samples = timings_ms(page, repeat=200)
        bench.figure(f"work queue first page + count ({role}), p95", p95(samples), "ms", baseline=baseline,
                     target="value <= 50")
        bench.figure(f"work queue first page + count ({role}), median", median(samples), "ms",
                     baseline=median(bare_samples))
        rows_only = timings_ms(lambda role=role: work_queue(role=role), repeat=200)
        bench.figure(f"work queue first page rows only ({role}), p95", p95(rows_only), "ms", baseline=baseline)
