"""The SLA figures from daily sums: the same counts as reading every event, a median within 0.5 %, each closed
day summed up once, today read live, stale sums thrown away on request."""

import random
import statistics
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from capil.accounts.models import Role

from .. import sla
from ..models import ApplicationEvent, SlaDay, SlaDayDone, State
from . import factories

pytestmark = pytest.mark.django_db


def test_the_histogram_median_is_within_half_a_percent():
    rng = random.Random(3)
    for n in (1, 2, 3, 10, 101, 1000):
        values = [rng.lognormvariate(6, 1.5) for _ in range(n)] + [rng.uniform(0, 99) for _ in range(n // 3)]
        histogram = {}
        for value in values:
            key = sla.minutes_class(value)
            histogram[key] = histogram.get(key, 0) + 1
        exact = statistics.median(values)
        assert sla.histogram_median(histogram) == pytest.approx(exact, rel=0.006, abs=0.1)
    assert sla.histogram_median({}) is None
    assert sla.minutes_class(-1) == 0  # a clock step backwards is not a crash


def _event(application, *, step: int, at: datetime, minutes: float, late: bool | None):
    due = None if late is None else at + (timedelta(minutes=-5) if late else timedelta(minutes=5))
    return ApplicationEvent.objects.create(
        application=application, action="x", from_state=State.VERIFICATION, to_state=State.DATA_ENTRY,
        sop_step=step, actor_role=Role.OPERATOR, started_at=at - timedelta(minutes=minutes), due_at=due,
        created_at=at)


@pytest.fixture
def month_of_events():
    """Events over last month and this month (today included): two services, two steps, late and in time."""
    citizen = factories.citizen()
    akta = factories.application_row(applicant=citizen)
    kk = factories.application_row(applicant=citizen, slug="akta-kematian")
    rng = random.Random(5)
    now = timezone.now()
    today = timezone.localdate(now)
    first_of_last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    tz = timezone.get_current_timezone()
    day = first_of_last
    while day <= today:
        for _ in range(rng.randint(0, 6)):
            at = datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=tz)
            if at >= now:
                at = now - timedelta(seconds=rng.randint(1, 600))
            _event(rng.choice((akta, kk)), step=rng.choice((9, 10)), at=at, minutes=rng.uniform(1, 5000),
                   late=rng.choice((True, False, None)))
        day += timedelta(days=1)
    _event(akta, step=9, at=now - timedelta(seconds=30), minutes=12, late=True)  # today, surely
    # Steps that are not counted: leaving a draft, and events without a step.
    ApplicationEvent.objects.create(application=akta, action="submit", from_state=State.DRAFT,
                                    to_state=State.VERIFICATION, sop_step=5, actor_role="CITIZEN",
                                    started_at=now - timedelta(hours=1), created_at=now - timedelta(minutes=1))
    return today, first_of_last


def _key(rows):
    return [(r.service_slug, r.sop_step, r.count, r.late, r.within_share) for r in rows]


def test_month_figures_from_daily_sums_equal_the_exact_ones(month_of_events):
    today, last_month = month_of_events
    for first in (last_month, today.replace(day=1)):
        summed = sla.sla_month(year=first.year, month=first.month)
        exact = sla.sla_month_exact(year=first.year, month=first.month)
        assert summed and _key(summed) == _key(exact)
        for a, b in zip(summed, exact, strict=True):
            assert a.median_minutes == pytest.approx(b.median_minutes, rel=0.006, abs=0.1)
            assert a.service_name and a.service_name != a.service_slug
    assert not SlaDayDone.objects.filter(day__gte=today).exists()  # today is read live, never summed
    assert SlaDayDone.objects.filter(day=last_month).exists()


def test_each_closed_day_is_summed_once_and_forgetting_sums_again(month_of_events, django_assert_max_num_queries):
    today, last_month = month_of_events
    sla.sla_month(year=last_month.year, month=last_month.month)
    days = SlaDayDone.objects.count()
    rows = SlaDay.objects.count()
    assert days >= 28 and rows
    with django_assert_max_num_queries(6):  # every day summed already: the sums and the names
        again = sla.sla_month(year=last_month.year, month=last_month.month)
    assert SlaDayDone.objects.count() == days and SlaDay.objects.count() == rows
    assert sla.sla_rollup_day(last_month) == 0

    # An import writes an event into a summed day: the sum is stale until forgotten.
    akta = ApplicationEvent.objects.first().application
    at = datetime.combine(last_month, time(12), tzinfo=timezone.get_current_timezone())
    _event(akta, step=9, at=at, minutes=3, late=True)
    assert _key(sla.sla_month(year=last_month.year, month=last_month.month)) == _key(again)
    sla.sla_rollup_forget(since=last_month, until=last_month)
    fresh = sla.sla_month(year=last_month.year, month=last_month.month)
    assert sum(r.count for r in fresh) == sum(r.count for r in again) + 1
    assert _key(fresh) == _key(sla.sla_month_exact(year=last_month.year, month=last_month.month))


def test_a_day_just_ended_is_read_live_until_it_settles(month_of_events, monkeypatch):
    today, _ = month_of_events
    midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: midnight + timedelta(minutes=3))
    sla.sla_month(year=today.year, month=today.month)
    assert not SlaDayDone.objects.filter(day=today - timedelta(days=1)).exists()
    monkeypatch.setattr(timezone, "now", lambda: midnight + sla.SETTLE + timedelta(minutes=3))
    sla.sla_month(year=today.year, month=today.month)
    assert today.day == 1 or SlaDayDone.objects.filter(day=today - timedelta(days=1)).exists()


def test_the_command_sums_every_closed_day_and_forgets_on_request(month_of_events):
    from io import StringIO

    out = StringIO()
    call_command("sla_rollup", stdout=out)
    assert "day(s) summed up" in out.getvalue()
    done = SlaDayDone.objects.count()
    assert done >= 28 and not SlaDayDone.objects.filter(day__gte=timezone.localdate()).exists()
    call_command("sla_rollup", "--forget", "--since", date.today().replace(day=1).isoformat(), stdout=out)
    assert SlaDayDone.objects.count() == done
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sla_rollup", "--since", "kemarin", stdout=out)


def test_the_late_list_pages_through_every_late_step_oldest_first(month_of_events):
    from ..selectors import sla_late_events

    _, last_month = month_of_events
    exact = {(r.service_slug, r.sop_step): r.late for r in sla.sla_month_exact(year=last_month.year,
                                                                                month=last_month.month)}
    (slug, step), late = max(exact.items(), key=lambda item: item[1])
    assert late >= 3
    seen, page = [], sla_late_events(year=last_month.year, month=last_month.month, service_slug=slug,
                                     sop_step=step, size=2)
    while True:
        seen += page.items
        if not page.next_cursor:
            break
        page = sla_late_events(year=last_month.year, month=last_month.month, service_slug=slug, sop_step=step,
                               size=2, after=page.next_cursor)
    assert len(seen) == late and len({e.pk for e in seen}) == late
    assert [e.created_at for e in seen] == sorted(e.created_at for e in seen)
    assert all(e.created_at > e.due_at and e.application.service_version.service.slug == slug for e in seen)


def test_late_right_now_lists_open_work_by_deadline_from_its_own_index():
    """The SLA page's "terlambat saat ini": open work past its deadline, the most overdue first; drafts,
    returned and finished applications never, whatever their deadline said. On PostgreSQL the query reads the
    partial index of open work (app_overdue_idx), which covers exactly the states the work queues hold."""
    from django.db import connection

    from ..models import WORK_STATES, Application
    from ..selectors import QUEUE_STATES, application_overdue_now

    assert set(WORK_STATES) == {state for states in QUEUE_STATES.values() for state in states}
    citizen = factories.citizen()
    now = timezone.now()
    rows = {}
    for name, state, due in [("late_1h", State.VERIFICATION, now - timedelta(hours=1)),
                             ("late_1d", State.SIGNING, now - timedelta(days=1)),
                             ("in_time", State.DATA_ENTRY, now + timedelta(hours=1)),
                             ("no_deadline", State.ARCHIVING, None),
                             ("archived", State.ARCHIVED, now - timedelta(days=3)),
                             ("returned", State.RETURNED, now - timedelta(days=2))]:
        row = factories.application_row(applicant=citizen, state=state)
        Application.objects.filter(pk=row.pk).update(due_at=due)
        rows[name] = row.pk
    assert [a.pk for a in application_overdue_now()] == [rows["late_1d"], rows["late_1h"]]
    assert [a.pk for a in application_overdue_now(role=Role.OPERATOR)] == [rows["late_1h"]]
    if connection.vendor == "postgresql":
        sql, params = application_overdue_now()[:50].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a six-row table: ask whether the index can serve
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "app_overdue_idx" in plan, plan
