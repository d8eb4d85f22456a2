"""The working-day calendar, against the real 2026 calendar of Balikpapan (WITA).

2026 facts used below (Keputusan Bersama/SKB 3 Menteri, as the `holidays` library has them):
Nyepi Thu 19 Mar (cuti bersama Wed 18 Mar); Idul Fitri Sat 21 + Sun 22 Mar (cuti bersama Fri 20, Mon 23,
Tue 24 Mar); Idul Adha Wed 27 May (cuti bersama Thu 28 May); Kemerdekaan Mon 17 Aug; Natal Fri 25 Dec
(cuti bersama Thu 24 Dec); Tahun Baru Fri 1 Jan 2027; Isra Mikraj Tue 5 Jan 2027.
"""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from capil.core import workdays
from capil.core.workdays import (
    WITA,
    add_working_days,
    add_working_minutes,
    expected_completion,
    is_working_day,
    working_minutes_between,
)


def wita(text: str) -> dt.datetime:
    """'2026-12-04 16:20' in WITA."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=WITA)


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2026-12-03", True, "an ordinary Thursday"),
        ("2026-12-05", False, "Saturday"),
        ("2026-12-06", False, "Sunday"),
        ("2026-08-17", False, "Hari Kemerdekaan, a Monday"),
        ("2026-03-21", False, "Idul Fitri (on a Saturday)"),
        ("2026-03-20", False, "cuti bersama Idul Fitri"),
        ("2026-03-23", False, "cuti bersama Idul Fitri"),
        ("2026-03-24", False, "cuti bersama Idul Fitri"),
        ("2026-03-25", True, "first day back after Lebaran"),
        ("2026-03-19", False, "Nyepi"),
        ("2026-12-24", False, "cuti bersama Natal"),
        ("2026-12-25", False, "Natal"),
        ("2026-12-28", True, "Monday after Christmas"),
        ("2026-05-27", False, "Idul Adha"),
        ("2027-01-01", False, "Tahun Baru"),
    ],
)
def test_is_working_day(day, working, why):
    assert is_working_day(dt.date.fromisoformat(day)) is working, why


def test_a_datetime_is_judged_by_its_date_in_wita():
    # Friday 4 Dec 2026 20:00 UTC is already Saturday 04:00 in Balikpapan.
    assert is_working_day(dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)) is True
    assert is_working_day(dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)) is False


def test_holiday_name_is_in_bahasa_indonesia():
    assert workdays.holiday_name(dt.date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert workdays.holiday_name(dt.date(2026, 3, 23)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert workdays.holiday_name(dt.date(2026, 12, 3)) is None


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        ("2026-12-07 10:00", 1, "2026-12-08 16:00", "Monday morning: the whole of Tuesday"),
        ("2026-12-07 07:30", 1, "2026-12-07 16:00", "before opening: the start day counts"),
        ("2026-12-07 08:00", 1, "2026-12-07 16:00", "at opening: the start day counts"),
        ("2026-12-07 08:01", 1, "2026-12-08 16:00", "a minute after opening: it does not"),
        ("2026-12-07 15:55", 1, "2026-12-08 16:00", "five minutes before closing is not due at closing"),
        ("2026-12-03 10:00", 1, "2026-12-04 16:30", "due on a Friday: Friday closes at 16.30"),
        ("2026-12-04 14:00", 1, "2026-12-07 16:00", "Friday afternoon: the weekend is skipped"),
        ("2026-12-04 17:00", 1, "2026-12-07 16:00", "Friday after closing"),
        ("2026-12-05 11:00", 1, "2026-12-07 16:00", "Saturday: Monday is day one"),
        ("2026-12-03 10:00", 2, "2026-12-07 16:00", "Thursday + 2: Friday, Monday"),
        ("2026-08-14 14:00", 1, "2026-08-18 16:00", "17 August (Monday) skipped"),
        ("2026-12-23 10:00", 1, "2026-12-28 16:00", "cuti bersama 24 Dec, Natal 25 Dec, weekend"),
        ("2026-03-17 10:00", 1, "2026-03-25 16:00", "Nyepi and Lebaran: seven closed days in a row"),
        ("2026-03-17 10:00", 2, "2026-03-26 16:00", "and one more"),
        ("2026-05-26 09:00", 1, "2026-05-29 16:30", "Idul Adha and its cuti bersama"),
        ("2026-12-29 10:00", 7, "2027-01-11 16:00", "across the new year, with Isra Mikraj on 5 Jan 2027"),
        ("2026-12-07 10:00", 0, "2026-12-07 10:00", "no time allowed: due at once"),
    ],
)
def test_add_working_days(start, days, due, why):
    assert add_working_days(wita(start), days) == wita(due), why


@pytest.mark.parametrize(
    ("start", "minutes", "due", "why"),
    [
        ("2026-12-07 10:00", 5, "2026-12-07 10:05", "within office hours"),
        ("2026-12-07 07:00", 5, "2026-12-07 08:05", "before opening: from the opening"),
        ("2026-12-07 15:58", 5, "2026-12-08 08:03", "two minutes today, three tomorrow"),
        ("2026-12-07 16:00", 5, "2026-12-08 08:05", "at closing"),
        ("2026-12-07 15:55", 5, "2026-12-07 16:00", "exactly at closing is in time"),
        ("2026-12-04 16:20", 10, "2026-12-04 16:30", "Friday closes at 16.30"),
        ("2026-12-04 16:25", 10, "2026-12-07 08:05", "Friday afternoon to Monday morning"),
        ("2026-12-05 22:00", 5, "2026-12-07 08:05", "Saturday night: due Monday 08.05"),
        ("2026-08-14 16:29", 2, "2026-08-18 08:01", "over the weekend and 17 August"),
        ("2026-03-17 15:59", 2, "2026-03-25 08:01", "over Nyepi and Lebaran"),
        ("2026-12-07 08:00", 480, "2026-12-07 16:00", "a whole Monday"),
        ("2026-12-07 08:00", 481, "2026-12-08 08:01", "a whole Monday and a minute"),
        ("2026-12-07 10:00", 0, "2026-12-07 10:00", "no time"),
    ],
)
def test_add_working_minutes(start, minutes, due, why):
    assert add_working_minutes(wita(start), minutes) == wita(due), why


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        ("2026-12-07 10:00", "2026-12-07 10:05", 5),
        ("2026-12-04 16:00", "2026-12-07 08:30", 60),  # 30 on Friday, 30 on Monday
        ("2026-12-07 00:00", "2026-12-11 23:59", 4 * 480 + 510),  # a whole week
        ("2026-12-05 09:00", "2026-12-06 15:00", 0),  # weekend
        ("2026-12-24 09:00", "2026-12-25 15:00", 0),  # cuti bersama and Natal
        ("2026-12-07 17:00", "2026-12-08 07:00", 0),  # overnight
        ("2026-12-07 10:05", "2026-12-07 10:00", -5),
    ],
)
def test_working_minutes_between(a, b, minutes):
    assert working_minutes_between(wita(a), wita(b)) == minutes


def test_adding_minutes_and_measuring_them_agree():
    start = wita("2026-12-01 00:00")
    for step in range(0, 14 * 24 * 60, 97):  # every 97 minutes over two weeks that include a weekend
        moment = start + dt.timedelta(minutes=step)
        for minutes in (2, 5, 10, 480, 1000):
            due = add_working_minutes(moment, minutes)
            assert working_minutes_between(moment, due) == minutes, (moment, minutes)
            assert is_working_day(due)


def test_results_are_in_wita_whatever_the_input_zone():
    due = add_working_days(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC), 1)  # 10.00 WITA
    assert due == wita("2026-12-08 16:00")
    assert due.tzinfo == WITA
    assert add_working_minutes(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC), 5).utcoffset() == dt.timedelta(hours=8)


def test_expected_completion_of_the_back_office_steps():
    # Submitted on Thursday 19 Nov 2026 at 20.00: verification 5 menit (Friday 08.05), a 2-hari-kerja step
    # (Monday and Tuesday: Tuesday 16.00), then five 2-menit steps (Wednesday 08.10).
    steps = [(5, None), (None, 2), (2, None), (2, None), (2, None), (2, None), (2, None), (None, None)]
    assert expected_completion(wita("2026-11-19 20:00"), steps) == wita("2026-11-25 08:10")


def test_expected_completion_of_nothing_is_the_start():
    assert expected_completion(wita("2026-12-07 10:00"), []) == wita("2026-12-07 10:00")


def test_a_step_cannot_have_both_kinds_of_standard_time():
    with pytest.raises(ValueError, match="not both"):
        expected_completion(wita("2026-12-07 10:00"), [(5, 1)])


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_days(dt.datetime(2026, 12, 7, 10, 0), 1)
    with pytest.raises(ValueError):
        add_working_days(wita("2026-12-07 10:00"), -1)
    with pytest.raises(ValueError):
        add_working_minutes(wita("2026-12-07 10:00"), -1)


@override_settings(CAPIL_CUTI_BERSAMA=["2026-12-07"])
def test_cuti_bersama_from_settings_closes_the_office():
    assert not is_working_day(dt.date(2026, 12, 7))
    assert workdays.holiday_name(dt.date(2026, 12, 7)) == "Cuti Bersama"
    assert add_working_days(wita("2026-12-04 10:00"), 1) == wita("2026-12-08 16:00")


@override_settings(CAPIL_CUTI_BERSAMA_FROM_LIBRARY=False)
def test_library_cuti_bersama_can_be_switched_off():
    assert is_working_day(dt.date(2026, 12, 24))  # cuti bersama Natal: open
    assert not is_working_day(dt.date(2026, 12, 25))  # Natal itself stays a holiday
    assert add_working_days(wita("2026-03-17 10:00"), 1) == wita("2026-03-18 16:00")


@override_settings(CAPIL_OFFICE_OPEN_DAYS=["2026-12-24"])
def test_a_decreed_service_day_opens_a_holiday():
    assert is_working_day(dt.date(2026, 12, 24))
    assert add_working_days(wita("2026-12-23 10:00"), 1) == wita("2026-12-24 16:00")


@override_settings(CAPIL_OFFICE_HOURS={0: ("07:30", "15:30"), 5: ("08:00", "12:00")})
def test_office_hours_come_from_settings():
    assert is_working_day(dt.date(2026, 12, 5))  # Saturday service
    assert not is_working_day(dt.date(2026, 12, 8))  # Tuesday closed in this configuration
    assert add_working_days(wita("2026-12-05 07:00"), 1) == wita("2026-12-05 12:00")
    assert add_working_days(wita("2026-12-05 09:00"), 1) == wita("2026-12-07 15:30")
    assert add_working_minutes(wita("2026-12-07 15:29"), 2) == wita("2026-12-12 08:01")


@pytest.mark.parametrize("hours", [{}, {0: ("16:00", "08:00")}, {9: ("08:00", "16:00")}, {0: ("8 pagi", "16:00")}])
def test_misconfigured_office_hours_are_reported(hours):
    with override_settings(CAPIL_OFFICE_HOURS=hours), pytest.raises(ImproperlyConfigured):
        is_working_day(dt.date(2026, 12, 7))


@override_settings(CAPIL_CUTI_BERSAMA=["24-12-2026"])
def test_misconfigured_cuti_bersama_is_reported():
    with pytest.raises(ImproperlyConfigured, match="YYYY-MM-DD"):
        is_working_day(dt.date(2026, 12, 7))
