"""Test data of the queueing context, made through the real services where practical."""

import datetime
import itertools

from capil.accounts.models import Role
from capil.accounts.tests.factories import StaffFactory, login_client
from capil.queueing import services
from capil.queueing.models import Counter, ServiceGroup

_phones = itertools.count(1)


def operator(**kwargs):
    return StaffFactory(role=Role.OPERATOR, **kwargs)


def staff_client(client, user):
    login_client(client, user)
    return client


def new_phone() -> str:
    return f"0813{next(_phones):08d}"


def group(code: str) -> ServiceGroup:
    return ServiceGroup.objects.get(code=code)


def counter(number: int) -> Counter:
    return Counter.objects.get(number=number)


def booking(*, day: datetime.date, start: str = "09:00", phone: str | None = None, now=None):
    return services.booking_create(phone=phone or new_phone(), day=day, start=datetime.time.fromisoformat(start),
                                   statement_accepted=True, now=now)


def ticket(code: str = "A", actor=None):
    return services.ticket_issue(group=group(code), actor=actor or operator())
