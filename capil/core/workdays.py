"""The office's working-day calendar, in WITA (Asia/Makassar, UTC+8, no daylight saving).

A *working day* has office hours (settings.CAPIL_OFFICE_HOURS; default Mon–Thu 08.00–16.00, Fri 08.00–16.30)
and is neither an Indonesian public holiday (the `holidays` library, country ID) nor a day of *cuti bersama*
(the library's "government" category when CAPIL_CUTI_BERSAMA_FROM_LIBRARY, plus settings.CAPIL_CUTI_BERSAMA).
A date in settings.CAPIL_OFFICE_OPEN_DAYS is a working day even if it is a holiday, provided its weekday has
office hours.

How the SOP's standard times ("Mutu Baku: Waktu") become due times:

- **N hari kerja** → `add_working_days(start, N)`: the due time is the *closing time of the N-th working day*,
  where a working day counts only if the step had it whole: the day of the start counts when the start is at
  or before that day's opening time, otherwise counting begins with the next working day. Example: 1 hari
  kerja from Monday 10.00 is due Tuesday 16.00; from Monday 07.30 (before opening) it is due Monday 16.00;
  from Friday 14.00 it is due Monday 16.00; from Saturday it is due Monday 16.00. Why: the office reads
  "1 hari kerja" as "finished by the end of one whole working day"; an application that arrives at 15.55
  must not be due five minutes later, and one that arrives overnight has the whole next day.
- **N menit** → `add_working_minutes(start, N)`: N minutes *of office time*. A step that starts within office
  hours is due N minutes later if the office is still open then; otherwise the rest carries over to the next
  opening. An application submitted on Saturday night with a 5-minute verification standard is due Monday
  08.05, which is what staff and applicants expect — nobody is at the desk on Saturday night. (Steps the
  applicant performs are not measured with this calendar: the applicant's own time is not the office's.)
- `working_minutes_between(a, b)`: the office minutes between two moments, for the time a step took.
- `expected_completion(start, durations)`: the steps' standard times applied one after another.

All functions take and return aware datetimes; results are in WITA. Settings are read at call time (tests
use override_settings); the holiday table of each year is computed once per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WITA = ZoneInfo("Asia/Makassar")


# ---------------------------------------------------------------------------------------------- configuration


@lru_cache(maxsize=8)
def _parse_hours(raw: tuple) -> dict[int, tuple[dt.time, dt.time]]:
    hours = {}
    for weekday, (opening, closing) in raw:
        try:
            weekday = int(weekday)
            opens, closes = _as_time(opening), _as_time(closing)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"CAPIL_OFFICE_HOURS: cannot read {weekday!r}: {exc}") from exc
        if not 0 <= weekday <= 6 or opens >= closes:
            raise ImproperlyConfigured(f"CAPIL_OFFICE_HOURS: weekday {weekday} must be 0–6 and open before it closes")
        hours[weekday] = (opens, closes)
    if not hours:
        raise ImproperlyConfigured("CAPIL_OFFICE_HOURS: the office must be open on at least one weekday")
    return hours


def _as_time(value) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


@lru_cache(maxsize=8)
def _parse_dates(name: str, raw: tuple[str, ...]) -> frozenset[dt.date]:
    try:
        return frozenset(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)) for value in raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: dates are written YYYY-MM-DD ({exc})") from exc


@lru_cache(maxsize=64)
def _holidays_of_year(year: int, with_cuti_bersama: bool) -> dict[dt.date, str]:
    categories = ("public", "government") if with_cuti_bersama else ("public",)
    return dict(holidays.country_holidays("ID", years=year, categories=categories, language="id").items())


def _office_hours_setting() -> dict[int, tuple[dt.time, dt.time]]:
    return _parse_hours(tuple((day, tuple(span)) for day, span in sorted(settings.CAPIL_OFFICE_HOURS.items())))


def _closed_reason(day: dt.date) -> str | None:
    """Why an office weekday is closed (the holiday's name), or None when it is not a holiday."""
    if day in _parse_dates("CAPIL_OFFICE_OPEN_DAYS", tuple(settings.CAPIL_OFFICE_OPEN_DAYS)):
        return None
    if day in _parse_dates("CAPIL_CUTI_BERSAMA", tuple(settings.CAPIL_CUTI_BERSAMA)):
        return "Cuti Bersama"
    return _holidays_of_year(day.year, bool(settings.CAPIL_CUTI_BERSAMA_FROM_LIBRARY)).get(day)


# ---------------------------------------------------------------------------------------------------- days


def _local(moment: dt.datetime) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required (USE_TZ): the calendar works in WITA")
    return moment.astimezone(WITA)


def _as_date(day: dt.date | dt.datetime) -> dt.date:
    return _local(day).date() if isinstance(day, dt.datetime) else day


def is_working_day(day: dt.date | dt.datetime) -> bool:
    """True when the office is open on that date (a datetime is taken in WITA)."""
    day = _as_date(day)
    return day.weekday() in _office_hours_setting() and _closed_reason(day) is None


def holiday_name(day: dt.date | dt.datetime) -> str | None:
    """The name of the holiday or cuti bersama on that date (in Bahasa Indonesia), or None."""
    return _closed_reason(_as_date(day))


def office_hours(day: dt.date | dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """Opening and closing time (aware, WITA) of that date, or None when the office is closed."""
    day = _as_date(day)
    if not is_working_day(day):
        return None
    opens, closes = _office_hours_setting()[day.weekday()]
    return dt.datetime.combine(day, opens, tzinfo=WITA), dt.datetime.combine(day, closes, tzinfo=WITA)


def next_working_day(day: dt.date | dt.datetime) -> dt.date:
    """The first working day strictly after `day`."""
    day = _as_date(day) + dt.timedelta(days=1)
    for _ in range(3660):  # ten years: only a misconfiguration could close the office that long
        if is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    raise ImproperlyConfigured("the calendar has no working day in ten years: check CAPIL_OFFICE_HOURS")


def working_days_in(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    """The working days from `start` to `end`, both included."""
    day = start
    while day <= end:
        if is_working_day(day):
            yield day
        day += dt.timedelta(days=1)


# ----------------------------------------------------------------------------------------------- due times


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """Due time of a step of `days` hari kerja started at `start`: the closing time of the `days`-th working
    day, counting the start's own day only when the start is at or before its opening (see module docstring).
    0 days is due at once (`start`)."""
    local = _local(start)
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return local
    hours = office_hours(local)
    day = local.date() if hours and local <= hours[0] else next_working_day(local)
    for _ in range(days - 1):
        day = next_working_day(day)
    return office_hours(day)[1]


def add_working_minutes(start: dt.datetime, minutes: int | float) -> dt.datetime:
    """Due time of a step of `minutes` menit started at `start`, counting office time only."""
    local = _local(start)
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = dt.timedelta(minutes=minutes)
    if not remaining:
        return local
    moment = local
    while True:
        hours = office_hours(moment)
        if hours and moment < hours[1]:
            moment = max(moment, hours[0])
            available = hours[1] - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        moment = dt.datetime.combine(next_working_day(moment), dt.time.min, tzinfo=WITA)


def working_minutes_between(a: dt.datetime, b: dt.datetime) -> float:
    """Office minutes between `a` and `b` (negative when `b` is before `a`)."""
    a, b = _local(a), _local(b)
    if b < a:
        return -working_minutes_between(b, a)
    total = dt.timedelta()
    for day in working_days_in(a.date(), b.date()):
        opens, closes = office_hours(day)
        overlap = min(b, closes) - max(a, opens)
        if overlap > dt.timedelta():
            total += overlap
    return total.total_seconds() / 60


def due_at(start: dt.datetime, *, minutes: int | float | None = None, working_days: int | None = None) -> dt.datetime:
    """Due time of one step whose standard time is either `minutes` or `working_days` (or neither: no standard
    time, due at once)."""
    if minutes is not None and working_days is not None:
        raise ValueError("a step's standard time is in minutes or in working days, not both")
    if working_days is not None:
        return add_working_days(start, working_days)
    if minutes is not None:
        return add_working_minutes(start, minutes)
    return _local(start)


def expected_completion(start: dt.datetime, durations: Iterable[tuple[int | float | None, int | None]]) -> dt.datetime:
    """When steps with these standard times, done one after another from `start`, are expected to be done.
    Each item is (minutes, working_days) with one of them None (or both: a step without a standard time)."""
    moment = _local(start)
    for minutes, working_days in durations:
        moment = due_at(moment, minutes=minutes, working_days=working_days)
    return moment
