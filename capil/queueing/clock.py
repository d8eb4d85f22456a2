"""The queueing context's clock. Everything here that asks "what time is it" asks `clock.now()`, so that a
test can move the whole context (including a live server thread) to an office day and hour."""

from django.utils import timezone


def now():
    return timezone.now()


def today():
    return timezone.localdate(now())
