"""Pages and figures at city scale, on PostgreSQL: each work queue's first page, a citizen's application list
and timeline, a tracking-number lookup, archive search by NIK, and the office's SLA figures for this month.

The database (BENCH_SCALE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/capil_scale) is filled by
`manage.py scale_data` up to BENCH_SCALE_APPLICATIONS applications (default 100,000; the 1,000,000 run is
opt-in: BENCH_SCALE_APPLICATIONS=1000000, about 20 minutes to fill on a 2-core machine, once — later runs reuse
the data). Pages are requested in-process through Django's test client (full middleware, templates,
sessions), each beside /healthz through the same client as the baseline (a request that does one trivial
query); queries beside a bare indexed primary-key read.

Plans: for each page and query figure, one more request is made with its SQL captured, and the slowest
statement is run again under EXPLAIN (ANALYZE, BUFFERS). The plans go to var/bench/scale-plans-<size>.txt
(BENCH_SCALE_PLANS names another file); the path is printed at the end.
"""

import os
import random
import time

from bench.harness import median, p95, timings_ms

PAGE_TARGET_MS = 50
SLA_TARGET_MS = 1000
REPEAT = int(os.environ.get("BENCH_SCALE_REPEAT", "40"))


class Plans:
    """The slowest statement behind each figure, with its plan: what the note shows for the slow ones."""

    def __init__(self):
        self.sections: list[str] = []
        self.last_request = None  # (client, path) of the last timed request, replayed under capture

    def capture(self, name: str, fn) -> None:
        """Run fn with its SQL captured; explain every SELECT and keep the plan of the slowest by execution."""
        import re

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            fn()
        explained = []
        for query in captured.captured_queries:
            # .iterator() reads through a server-side cursor: the statement is the one the cursor is declared for.
            sql = re.sub(r'^\s*DECLARE\s+"[^"]+"\s+.*?\bCURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+', "", query["sql"],
                         flags=re.IGNORECASE | re.DOTALL)
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cur.fetchall())
            found = re.search(r"Execution Time: ([0-9.]+) ms", plan)
            explained.append((float(found.group(1)) if found else 0.0, sql, plan))
        if not explained:
            self.sections.append(f"== {name}: no SELECT statement\n")
            return
        slowest = max(explained)
        self.sections.append(
            f"== {name}\n{len(captured.captured_queries)} statements; their SELECTs run again under EXPLAIN "
            f"ANALYZE: {sum(e[0] for e in explained):.2f} ms of execution in all, the slowest {slowest[0]:.2f} ms:\n"
            f"{slowest[1]}\n\n{slowest[2]}\n")

    def capture_last_request(self, name: str) -> None:
        if self.last_request:
            client, path = self.last_request
            self.capture(name, lambda: client.get(path))

    def write(self, label: str) -> str:
        from pathlib import Path

        path = Path(os.environ.get("BENCH_SCALE_PLANS") or Path(__file__).resolve().parent.parent / "var" / "bench"
                    / f"scale-plans-{label}.txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.sections))
        return str(path)


PLANS = Plans()


def scale_url() -> str | None:
    from bench.harness import postgres_url

    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/capil_scale")
    url = os.environ.get("BENCH_SCALE_DATABASE_URL")
    if url:
        os.environ["BENCH_DATABASE_URL"] = url
    else:
        base = os.environ["BENCH_DATABASE_URL"].rpartition("/")[0]
        os.environ["BENCH_DATABASE_URL"] = base + "/capil_scale"
    return postgres_url()


def fill(bench, wanted: int) -> None:
    from django.core.management import call_command

    from capil.applications.models import Application
    from capil.catalog.selectors import service_list_public

    if not service_list_public():
        import io

        call_command("catalog", "import", quiet_report=True, stdout=io.StringIO())
    have = Application.objects.count()
    if have >= wanted:
        print(f'{{"bench": "{bench.name}", "data": "reusing {have} applications"}}', flush=True)
        return
    started = time.monotonic()
    call_command("scale_data", applications=wanted - have)
    elapsed = time.monotonic() - started
    bench.figure(f"scale_data: {wanted - have} applications filled", (wanted - have) / elapsed, "apps/s")


def staff_client(role: str):
    from django.test import Client

    from capil.accounts.access import _SECOND_FACTOR_SESSION_KEY
    from capil.accounts.models import User
    from capil.scale.generate import SCALE_DOMAIN

    user = User.objects.filter(role=role, email__endswith=SCALE_DOMAIN).order_by("pk").first()
    client = Client()
    client.force_login(user)
    session = client.session
    session[_SECOND_FACTOR_SESSION_KEY] = {"user": user.pk, "at": "bench"}  # the TOTP step, passed
    session.save()
    return client


def timed_get(client, path_fn, *, repeat: int = REPEAT) -> list[float]:
    rng = random.Random(7)

    def one():
        path = path_fn(rng)
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {response.request['PATH_INFO']}")
        PLANS.last_request = (client, path)

    return timings_ms(one, repeat=repeat, warmup=3)


def run(bench):
    url = scale_url()
    if not url:
        bench.skip("needs PostgreSQL: scale figures are measured on PostgreSQL only (set BENCH_SCALE_DATABASE_URL)")
        return
    from bench.harness import setup_django

    setup_django(database_url=url)
    from django.apps import apps

    if not apps.is_installed("capil.applications"):
        bench.skip("capil.applications is not installed")
        return
    wanted = int(os.environ.get("BENCH_SCALE_APPLICATIONS", "100000"))
    fill(bench, wanted)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host name
    from django.urls import reverse
    from django.utils import timezone

    from capil.accounts.models import Role
    from capil.applications import selectors
    from capil.applications.models import Application, ApplicationEvent

    total = Application.objects.count()
    label = f"{total // 1000}k"
    anonymous = Client()
    healthz = timed_get(anonymous, lambda rng: "/healthz")
    bare_p95, bare_median = p95(healthz), median(healthz)

    def page(name: str, samples: list[float]) -> None:
        bench.figure(f"{name} p95 @{label}", p95(samples), "ms", baseline=bare_p95, target=f"value <= {PAGE_TARGET_MS}")
        bench.figure(f"{name} median @{label}", median(samples), "ms", baseline=bare_median)
        PLANS.capture_last_request(name)

    # ---- work queues: the first page of each role's queue, and a deep page
    queue_url = reverse("applications:queue")
    for role in (Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS):
        client = staff_client(role)
        page(f"queue {role.lower()} first page", timed_get(client, lambda rng: queue_url))
    client = staff_client(Role.OPERATOR)
    cursor = ""
    for _ in range(49):  # walk to page 50 by its cursors, as a desk pressing "Berikutnya" would
        cursor = selectors.work_queue_page(role=Role.OPERATOR, after=cursor).next_cursor or cursor
    page("queue operator page 50 (keyset)",
         timed_get(client, lambda rng: queue_url + "?after=" + cursor, repeat=REPEAT // 2))

    # ---- a citizen's list and timeline: the citizens with the most applications, and ordinary ones
    from django.db.models import Count

    from capil.accounts.models import User

    busiest = list(Application.objects.values("applicant").annotate(n=Count("id")).order_by("-n")
                   .values_list("applicant", flat=True)[:5])
    sample = _random_rows(Application, 30)
    clients: dict[int, Client] = {}

    def client_of(user_pk: int) -> Client:
        if user_pk not in clients:
            clients[user_pk] = Client()
            clients[user_pk].force_login(User.objects.get(pk=user_pk))
        return clients[user_pk]

    mine_url = reverse("applications:mine")
    page("citizen application list", _timed_requests(
        [(client_of(pk), mine_url) for pk in busiest + [a for _, a in sample[:10]]]))
    page("citizen timeline (application page)", _timed_requests(
        [(client_of(a), reverse("applications:detail", kwargs={"pk": pk})) for pk, a in sample[:15]]))

    # ---- tracking-number lookup and archive search by NIK (query level)
    numbers = list(Application.objects.filter(pk__in=[pk for pk, _ in sample]).values_list("tracking_number",
                                                                                             flat=True))
    pks = [pk for pk, _ in sample]
    bare_q = timings_ms(lambda: Application.objects.only("id").get(pk=random.choice(pks)), repeat=REPEAT * 2)
    lookup = timings_ms(lambda: _tracking_lookup(random.choice(numbers)), repeat=REPEAT * 2)
    bench.figure(f"tracking-number lookup p95 @{label}", p95(lookup), "ms", baseline=p95(bare_q),
                 target=f"value <= {PAGE_TARGET_MS}")
    PLANS.capture("tracking-number lookup", lambda: _tracking_lookup(numbers[0]))
    from capil.archive.selectors import archive_search

    archived = list(Application.objects.filter(pk__in=pks, state="archived").select_related("applicant")
                    .values_list("tracking_number", "applicant__nik"))
    if archived:
        search_nik = timings_ms(lambda: list(archive_search(person_number=random.choice(archived)[1])[:20]),
                                repeat=REPEAT)
        bench.figure(f"archive search by NIK p95 @{label}", p95(search_nik), "ms", baseline=p95(bare_q),
                     target=f"value <= {PAGE_TARGET_MS}")
        PLANS.capture("archive search by NIK", lambda: list(archive_search(person_number=archived[0][1])[:20]))
        search_no = timings_ms(lambda: list(archive_search(number=random.choice(archived)[0])[:20]),
                               repeat=REPEAT // 2)
        bench.figure(f"archive search by tracking number p95 @{label}", p95(search_no), "ms",
                     baseline=p95(bare_q), target=f"value <= {PAGE_TARGET_MS}")
        PLANS.capture("archive search by tracking number",
                      lambda: list(archive_search(number=archived[0][0])[:20]))
        arsip = staff_client(Role.ARSIPARIS)
        search_url = reverse("archive:search")
        page("archive search page by NIK", timed_get(
            arsip, lambda rng: search_url + "?person_number=" + rng.choice(archived)[1], repeat=REPEAT // 2))
        page("archive search page by a part of a number", timed_get(
            arsip, lambda rng: search_url + "?number=" + rng.choice(archived)[0][-6:], repeat=REPEAT // 2))
        page("archive page, newest (no search)", timed_get(arsip, lambda rng: search_url, repeat=REPEAT // 2))
        from capil.core.pagination import cursor_encode

        # The position of the 50,000th newest record: what "Berikutnya" pressed 2,000 times would reach.
        deep = archive_search().only("id", "archived_at")[50_000 - 1:50_000].first() or archive_search().last()
        deep_cursor = cursor_encode(deep.archived_at, deep.pk)
        page("archive page 2,000 deep (keyset)",
             timed_get(arsip, lambda rng: search_url + "?after=" + deep_cursor, repeat=REPEAT // 2))

    # ---- the delivery log (outbox), newest first, with its per-state counts
    admin_log = staff_client(Role.KASI)
    log_url = reverse("notifications:log")
    page("notification log first page", timed_get(admin_log, lambda rng: log_url, repeat=REPEAT // 2))
    page("notification log, dead letters", timed_get(admin_log, lambda rng: log_url + "?state=dead",
                                                     repeat=REPEAT // 2))

    # ---- SLA figures for this month (late per step), the selector and the page
    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime(today.year, today.month, 1))

    def bare_sla():
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {ApplicationEvent._meta.db_table} WHERE created_at >= %s", [start])  # noqa: S608
            return cur.fetchone()

    from capil.applications import sla as sla_sums

    events = ApplicationEvent.objects.filter(created_at__gte=start).count()
    base = timings_ms(bare_sla, repeat=7, warmup=1)
    last = (today.replace(day=1) - timezone.timedelta(days=1))
    last_events = ApplicationEvent.objects.filter(created_at__gte=start - timezone.timedelta(days=last.day),
                                                  created_at__lt=start).count()
    # Cold: last month's closed days summed up from scratch (what `manage.py sla_rollup` or the first page
    # of a fresh install pays once), beside reading every event of the month with the exact median.
    sla_sums.sla_rollup_forget(since=last.replace(day=1))
    cold_start = time.perf_counter()
    sla_sums.sla_month(year=last.year, month=last.month)
    cold = (time.perf_counter() - cold_start) * 1000
    exact_start = time.perf_counter()
    sla_sums.sla_month_exact(year=last.year, month=last.month)
    exact = (time.perf_counter() - exact_start) * 1000
    bench.figure(f"SLA: sum up last month's {last.day} days once ({last_events} events) @{label}", cold, "ms",
                 baseline=exact)
    sla = timings_ms(lambda: selectors.sla_month(year=today.year, month=today.month), repeat=7, warmup=1)
    bench.figure(f"SLA figures this month ({events} events) @{label}", median(sla), "ms", baseline=median(base),
                 target=f"value <= {SLA_TARGET_MS}")
    PLANS.capture("SLA figures this month", lambda: selectors.sla_month(year=today.year, month=today.month))
    sla_last = timings_ms(lambda: selectors.sla_month(year=last.year, month=last.month), repeat=7)
    bench.figure(f"SLA figures last month ({last_events} events) @{label}", median(sla_last), "ms",
                 baseline=exact, target=f"value <= {SLA_TARGET_MS}")
    PLANS.capture("SLA figures last month", lambda: selectors.sla_month(year=last.year, month=last.month))
    busy_day = last.replace(day=min(15, last.day))
    sla_sums.sla_rollup_forget(since=busy_day, until=busy_day)
    PLANS.capture("SLA: sum up one closed day (cold)", lambda: sla_sums.sla_rollup_day(busy_day))
    late_url = reverse("applications:sla_late")
    busiest = (sla_sums.sla_month(year=last.year, month=last.month) or [None])
    top = max(busiest, key=lambda row: row.late if row else 0)
    if top:
        page("SLA late list (busiest service and step, last month)", timed_get(
            staff_client(Role.KASI), lambda rng: f"{late_url}?bulan={last:%Y-%m}&layanan={top.service_slug}"
                                                 f"&langkah={top.sop_step}", repeat=REPEAT // 4))
    kasi = staff_client(Role.KASI)
    sla_url = reverse("applications:sla")
    page_sla = timed_get(kasi, lambda rng: sla_url, repeat=7)
    bench.figure(f"SLA page (Kasi) @{label}", median(page_sla), "ms", baseline=median(base),
                 target=f"value <= {SLA_TARGET_MS}")
    PLANS.capture_last_request("SLA page (Kasi)")
    print(f'{{"bench": "{bench.name}", "plans": "{PLANS.write(label)}"}}', flush=True)


def _random_rows(model, n: int) -> list[tuple[int, int]]:
    """(pk, applicant) of about n rows spread over the whole table (ORDER BY random() would scan it all)."""
    from django.db.models import Max, Min

    bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    rng = random.Random(11)
    wanted = {rng.randint(bounds["low"], bounds["high"]) for _ in range(n * 3)}
    rows = list(model.objects.filter(pk__in=wanted, submitted_at__isnull=False).values_list("pk", "applicant"))
    rng.shuffle(rows)
    return rows[:n]


def _timed_requests(pairs, *, repeat: int = REPEAT) -> list[float]:
    """GET each (client, path) in turn, `repeat` times in all (after one warm-up round)."""
    for client, path in pairs:
        client.get(path)
    samples = []
    for i in range(repeat):
        client, path = pairs[i % len(pairs)]
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {path}")
        PLANS.last_request = (client, path)
    return samples


def _tracking_lookup(number: str):
    """What a status page or the back office's search box does with a typed tracking number."""
    from capil.applications.models import Application

    return Application.objects.select_related("service_version").get(tracking_number=number)
