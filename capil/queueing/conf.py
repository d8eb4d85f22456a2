"""The queueing policy an office may tune (settings.CAPIL_QUEUEING, from the environment), read when
used — never at import time."""

from django.conf import settings

DEFAULTS = {
    # The service group whose letter KTP-el recording bookings carry (B-001 …).
    "booking_group": "B",
    # The service group of the pick-up counters (named in the "ready for pick-up" notice).
    "pickup_group": "C",
    # Recording slots: length in minutes and how many people each slot takes.
    "slot_minutes": 60,
    "slot_capacity": 10,
    # How many days ahead a slot can be booked.
    "days_ahead": 14,
    # Minutes after a slot's start after which an unchecked booking is a no-show and its place is freed.
    "no_show_grace_minutes": 30,
    # Hour (WITA) of the day before the appointment from which reminders are sent.
    "reminder_hour": 10,
    # Abuse limits (shared cache): bookings per address per hour, per phone per day, captcha failures
    # per address per 15 minutes, hand-over identity mismatches before a pick-up is held for the Kasi.
    "bookings_per_ip_per_hour": 10,
    "bookings_per_phone_per_day": 3,
    "captcha_failures_per_ip": 10,
    "pickup_failed_checks_limit": 3,
    # Seconds a captcha may be answered after it was shown.
    "captcha_max_age": 600,
}


def queueing_setting(name: str):
    return {**DEFAULTS, **getattr(settings, "CAPIL_QUEUEING", {})}[name]
