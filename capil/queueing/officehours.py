"""Recording slots inside office hours, in WITA. Working days (weekends, public holidays and cuti bersama
excluded) and opening hours come from the project's calendar, capil.core.workdays."""

import datetime

from capil.core.workdays import office_hours as workdays_office_hours


def office_hours(day: datetime.date) -> tuple[datetime.time, datetime.time] | None:
    """Opening and closing time (WITA) on `day`, or None when the office is closed."""
    hours = workdays_office_hours(day)
    if hours is None:
        return None
    opens, closes = hours
    return opens.time(), closes.time()


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
