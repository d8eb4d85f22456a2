"""Office days and opening hours for booking slots, in WITA.

Working days (weekends and Indonesian public holidays excluded) come from the project's working-day
calendar in capil.core.workdays when it is installed; until then from the `holidays` package directly.
Opening hours per weekday come from settings.CAPIL_OFFICE_HOURS when the project defines them.
"""

import datetime

import holidays
from django.conf import settings

# Monday–Thursday 08:00–15:00, Friday 08:00–11:00 (Friday prayer), closed at the weekend: the usual
# front-office hours of a Disdukcapil.
DEFAULT_OFFICE_HOURS = {
    0: ("08:00", "15:00"),
    1: ("08:00", "15:00"),
    2: ("08:00", "15:00"),
    3: ("08:00", "15:00"),
    4: ("08:00", "11:00"),
}


def _working_day(day: datetime.date) -> bool:
    try:
        from capil.core.workdays import is_working_day
    except ImportError:
        return day.weekday() < 5 and day not in holidays.country_holidays("ID", years=day.year)
    return is_working_day(day)


def office_hours(day: datetime.date) -> tuple[datetime.time, datetime.time] | None:
    """Opening and closing time on `day`, or None when the office is closed."""
    if not _working_day(day):
        return None
    table = getattr(settings, "CAPIL_OFFICE_HOURS", None) or DEFAULT_OFFICE_HOURS
    hours = table.get(day.weekday()) or table.get(str(day.weekday()))
    if not hours:
        return None
    opens, closes = (datetime.time.fromisoformat(value) if isinstance(value, str) else value for value in hours)
    return opens, closes


def is_office_day(day: datetime.date) -> bool:
    return office_hours(day) is not None


def slot_times(day: datetime.date, minutes: int) -> list[tuple[datetime.time, datetime.time]]:
    """The recording slots of `day`: back-to-back stretches of `minutes` inside opening hours."""
    hours = office_hours(day)
    if hours is None:
        return []
    opens, closes = hours
    start = datetime.datetime.combine(day, opens)
    end_of_day = datetime.datetime.combine(day, closes)
    step = datetime.timedelta(minutes=minutes)
    slots = []
    while start + step <= end_of_day:
        slots.append((start.time(), (start + step).time()))
        start += step
    return slots
