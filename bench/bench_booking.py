"""KTP-el recording bookings on PostgreSQL with 50 concurrent clients (threads, each with its own database
connection, calling the booking service), beside a bare INSERT of a booking-sized row with the same
concurrency in the same run.

A booking is one transaction: the active-booking check, the slot row (conditional UPDATE under its lock),
the day's number (sequence row lock), the booking and its event row, and the SMS in the notifications
outbox (with the database task backend, as in production). Clients spread over the slots of one day, so
they contend on the day's number row, as real citizens booking the same day do."""

import datetime
import threading
import time

from bench.harness import median, p95, postgres_url, setup_django

CLIENTS = 50
PER_CLIENT = 12


def _run_clients(work) -> tuple[float, list[float], list]:
    """Start CLIENTS threads together; each calls work(client, i) PER_CLIENT times. Returns the wall time in
    seconds, every call's latency in ms, and the errors."""
    from django.db import connections

    barrier = threading.Barrier(CLIENTS + 1)
    latencies: list[float] = []
    errors: list = []
    lock = threading.Lock()

    def client(c: int) -> None:
        mine, failed = [], []
        try:
            barrier.wait()
            for i in range(PER_CLIENT):
                start = time.perf_counter()
                try:
                    work(c, i)
                except Exception as exc:  # counted and reported: a refused booking is a finding
                    failed.append(exc)
                mine.append((time.perf_counter() - start) * 1000)
        finally:
            connections.close_all()
            with lock:
                latencies.extend(mine)
                errors.extend(failed)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors


def run(bench):
    url = postgres_url()
    if url is None:
        bench.skip("PostgreSQL unavailable")
        return
    setup_django(database_url=url)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from capil.notifications.models import Notification
    from capil.queueing import services
    from capil.queueing.models import Booking, BookingEvent, BookingSlot, DailySequence
    from capil.queueing.officehours import slot_times

    day = timezone.localdate() + datetime.timedelta(days=1)
    while not slot_times(day, 60):
        day += datetime.timedelta(days=1)
    slots = [start for start, _end in slot_times(day, 60)]

    def clean():
        Notification.objects.filter(subject_type="queueing.booking").delete()
        BookingEvent.objects.all().delete()
        Booking.objects.all().delete()
        BookingSlot.objects.all().delete()
        DailySequence.objects.all().delete()

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_bare_booking")
        cur.execute("CREATE TABLE bench_bare_booking (id bigserial PRIMARY KEY, phone varchar(20), day date, "
                    "start time, number integer, created_at timestamptz)")

    def bare(c: int, i: int) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO bench_bare_booking (phone, day, start, number, created_at) "
                        "VALUES (%s, %s, %s, %s, now())", [f"+62813{c:04d}{i:04d}", day, slots[i % len(slots)], i])

    def book(c: int, i: int) -> None:
        services.booking_create(phone=f"0813{c:04d}{i:04d}", day=day, start=slots[(c + i) % len(slots)],
                                statement_accepted=True)

    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}}
    queueing = {**settings.CAPIL_QUEUEING, "slot_capacity": CLIENTS * PER_CLIENT}
    with override_settings(TASKS=tasks, CAPIL_QUEUEING=queueing):
        clean()
        bare_seconds, bare_ms, bare_errors = _run_clients(bare)
        ours_seconds, ours_ms, ours_errors = _run_clients(book)
        made = Booking.objects.count()
        numbers = list(Booking.objects.values_list("number", flat=True))
        sms = Notification.objects.filter(subject_type="queueing.booking").count()
        clean()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_bare_booking")

    total = CLIENTS * PER_CLIENT
    assert not bare_errors, bare_errors[:3]
    assert not ours_errors and made == total == sms, (ours_errors[:3], made, sms)
    assert len(set(numbers)) == total  # every booking its own number under contention
    bench.figure(f"bookings per second, {CLIENTS} concurrent clients", total / ours_seconds, "per s",
                 baseline=total / bare_seconds, target="value >= 50")
    bench.figure("booking latency under that load, median", median(ours_ms), "ms", baseline=median(bare_ms))
    bench.figure("booking latency under that load, p95", p95(ours_ms), "ms", baseline=p95(bare_ms),
                 target="value <= 2000")
