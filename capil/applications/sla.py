"""The office's SLA figures: per service and SOP step, the steps completed in a month — how many, the median time
taken, the share done within the standard time, and how many were late.

Every completed step is an ApplicationEvent row that carries its own start, end and deadline, so the figures are
read from the events alone. A month of a city's events is up to a million rows (issue 8: 1,000,000 applications
a year); reading and sorting them on every page load took 0.9 s at half that volume and grows with it. Events are
written once, at the moment of the transition, and never change, so a day's figures never change after the day
ends: each closed day is summed up once into `SlaDay` rows (one per service and step) and a month is the sum of
its days plus today's events read live. The page then reads at most ~31 × (services × steps) small rows,
whatever the volume.

The counts (done, within standard, late) are exact. The median is read from a histogram of the minutes taken
with 1 %-wide classes (below 100 minutes, classes of 0.1 minute), so it is within 0.5 % of the exact median —
the median of many days cannot be summed from the days' medians, and 0.5 % of a 3-day step is 20 minutes.

A closed day is summed up the first time a month that holds it is shown (about 0.1 s per day at a city's volume;
the first page of a day pays for yesterday) or ahead of time by `manage.py sla_rollup` (a nightly cron, or after
importing data). Nothing needs a scheduler. Data written into the past (the scale generator, an import) must call
`sla_rollup_forget()` for the days it touched.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApplicationEvent, SlaDay, SlaDayDone, State

# A day is summed up only this long after it ended: a transition that began before midnight may still commit.
SETTLE = timedelta(minutes=10)
_LINEAR_LIMIT = 100.0  # minutes; below it, classes of 0.1 minute
_LINEAR_CLASSES = 1000
_RATIO = 1.01  # above it, each class 1 % wider than the last


@dataclass
class SlaRow:
    service_name: str
    service_slug: str
    sop_step: int
    count: int
    median_minutes: float | None
    within_share: float | None  # 0..1, None when the SOP sets no standard time
    late: int


# ------------------------------------------------------------------------------------------- histogram

def minutes_class(minutes: float) -> int:
    if minutes < _LINEAR_LIMIT:
        return max(0, int(minutes * 10))
    return _LINEAR_CLASSES + int(math.log(minutes / _LINEAR_LIMIT, _RATIO))


def class_minutes(key: int) -> float:
    """The middle of a class: the value a median that falls in it is read as."""
    if key < _LINEAR_CLASSES:
        return (key + 0.5) / 10
    low = _LINEAR_LIMIT * _RATIO ** (key - _LINEAR_CLASSES)
    return low * math.sqrt(_RATIO)


def histogram_median(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    # The median of n values is the ((n+1)/2)-th; for even n the mean of the (n/2)-th and (n/2+1)-th.
    wanted = sorted({(total + 1) // 2, total // 2 + 1}) if total % 2 == 0 else [(total + 1) // 2]
    found, seen = [], 0
    for key in sorted(histogram):
        seen += histogram[key]
        while wanted and seen >= wanted[0]:
            found.append(class_minutes(key))
            wanted.pop(0)
        if not wanted:
            break
    return sum(found) / len(found)


# ------------------------------------------------------------------------------------------- days

@dataclass
class _Figures:
    count: int = 0
    with_due: int = 0
    within: int = 0
    histogram: dict[int, int] | None = None

    def add(self, other: _Figures) -> None:
        self.count += other.count
        self.with_due += other.with_due
        self.within += other.within
        histogram = self.histogram if self.histogram is not None else {}
        for key, n in (other.histogram or {}).items():
            histogram[key] = histogram.get(key, 0) + n
        self.histogram = histogram


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def _events_between(start: datetime, end: datetime):
    return (ApplicationEvent.objects.filter(created_at__gte=start, created_at__lt=end, sop_step__isnull=False)
            .exclude(from_state__in=(State.DRAFT, State.RETURNED)))


def _figures_between(start: datetime, end: datetime) -> dict[tuple[str, int], _Figures]:
    """(service slug, step) → figures of the steps completed in [start, end), read from the events."""
    groups: dict[tuple[str, int], _Figures] = defaultdict(lambda: _Figures(histogram={}))
    rows = (_events_between(start, end)
            .values_list("application__service_version__service__slug", "sop_step", "started_at", "created_at",
                         "due_at")
            .order_by())
    for slug, step, started, created, due in rows.iterator(chunk_size=5000):
        figures = groups[(slug, step)]
        figures.count += 1
        if due is not None:
            figures.with_due += 1
            figures.within += created <= due
        key = minutes_class((created - started).total_seconds() / 60)
        figures.histogram[key] = figures.histogram.get(key, 0) + 1
    return dict(groups)


def _is_closed(day: date, now: datetime) -> bool:
    return _day_bounds(day)[1] + SETTLE <= now


def sla_rollup_day(day: date) -> int:
    """Sum up one closed day into SlaDay rows (once; a second call, or a concurrent one, changes nothing).
    Returns how many (service, step) rows it wrote."""
    if SlaDayDone.objects.filter(day=day).exists():
        return 0
    figures = _figures_between(*_day_bounds(day))
    try:
        with transaction.atomic():
            SlaDay.objects.bulk_create([
                SlaDay(day=day, service_slug=slug, sop_step=step, count=f.count, with_due=f.with_due,
                       within=f.within, histogram={str(k): n for k, n in f.histogram.items()})
                for (slug, step), f in figures.items()
            ])
            SlaDayDone.objects.create(day=day, steps=sum(f.count for f in figures.values()))
    except IntegrityError:  # another request summed the same day at the same moment: theirs stands
        return 0
    return len(figures)


def sla_rollup(*, until: date | None = None, since: date | None = None) -> int:
    """Sum up every closed day from `since` (default: the first event's day) to `until` (default: yesterday)
    that is not summed up yet. Returns the number of days done."""
    now = timezone.now()
    until = until or (timezone.localdate(now) - timedelta(days=1))
    if since is None:
        first = ApplicationEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            return 0
        since = timezone.localdate(first)
    done = set(SlaDayDone.objects.filter(day__gte=since, day__lte=until).values_list("day", flat=True))
    count, day = 0, since
    while day <= until:
        if day not in done and _is_closed(day, now):
            sla_rollup_day(day)
            count += 1
        day += timedelta(days=1)
    return count


def sla_rollup_forget(*, since: date | None = None, until: date | None = None) -> None:
    """Throw away the sums of these days (all when both are None), after events were written into the past."""
    days, done = SlaDay.objects.all(), SlaDayDone.objects.all()
    if since:
        days, done = days.filter(day__gte=since), done.filter(day__gte=since)
    if until:
        days, done = days.filter(day__lte=until), done.filter(day__lte=until)
    with transaction.atomic():
        done.delete()
        days.delete()


# ------------------------------------------------------------------------------------------- the month

def sla_month(*, year: int, month: int) -> list[SlaRow]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    now = timezone.now()
    closed_until = min(following - timedelta(days=1), timezone.localdate(now))
    while closed_until >= first and not _is_closed(closed_until, now):
        closed_until -= timedelta(days=1)
    totals: dict[tuple[str, int], _Figures] = defaultdict(_Figures)
    if closed_until >= first:
        sla_rollup(since=first, until=closed_until)
        for row in SlaDay.objects.filter(day__gte=first, day__lte=closed_until).iterator(chunk_size=2000):
            totals[(row.service_slug, row.sop_step)].add(_Figures(
                row.count, row.with_due, row.within, {int(k): n for k, n in row.histogram.items()}))
        live_from = _day_bounds(closed_until)[1]
    else:
        live_from = _day_bounds(first)[0]
    live_until = _day_bounds(following)[0]
    if live_from < min(live_until, now + timedelta(minutes=1)):
        for key, figures in _figures_between(live_from, live_until).items():
            totals[key].add(figures)
    return _rows(totals)


def _rows(totals: dict[tuple[str, int], _Figures]) -> list[SlaRow]:
    from capil.catalog.models import Service

    names = dict(Service.objects.filter(slug__in={slug for slug, _ in totals})
                 .values_list("slug", "current_version__name"))
    rows = [SlaRow(names.get(slug) or slug, slug, step, f.count, histogram_median(f.histogram or {}),
                   (f.within / f.with_due) if f.with_due else None, f.with_due - f.within)
            for (slug, step), f in totals.items() if f.count]
    return sorted(rows, key=lambda row: (row.service_name, row.sop_step))


def sla_month_exact(*, year: int, month: int) -> list[SlaRow]:
    """The same figures from every event of the month with the exact median (slow at volume): the reference
    the tests and the benchmark compare `sla_month` with."""
    import statistics

    first = _day_bounds(date(year, month, 1))[0]
    following = _day_bounds(date(year + (month == 12), month % 12 + 1, 1))[0]
    groups: dict[tuple[str, int], list] = defaultdict(list)
    rows = (_events_between(first, following)
            .values_list("application__service_version__service__slug", "sop_step", "started_at", "created_at",
                         "due_at").order_by())
    for slug, step, started, created, due in rows.iterator(chunk_size=5000):
        groups[(slug, step)].append(((created - started).total_seconds() / 60, due, created))
    totals: dict[tuple[str, int], _Figures] = {}
    medians = {}
    for key, items in groups.items():
        with_due = [(c, d) for _, d, c in items if d is not None]
        totals[key] = _Figures(len(items), len(with_due), sum(1 for c, d in with_due if c <= d), {})
        medians[key] = statistics.median(m for m, _, _ in items)
    out = _rows(totals)
    for row in out:
        row.median_minutes = medians[(row.service_slug, row.sop_step)]
    return out
