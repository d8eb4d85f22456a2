"""URL access rows of the queueing app (format: capil/accounts/tests/test_url_access.py)."""

import datetime

from django.utils import timezone

from capil.accounts.models import Role
from capil.accounts.tests.factories import StaffFactory
from capil.queueing import services
from capil.queueing.models import Counter, ServiceGroup

COUNTER_STAFF = {"anonymous": 302, "operator": 200, "kasi": 200, "admin": 200, "*": 403}
COUNTER_ACTION = {"anonymous": 302, "operator": 302, "kasi": 302, "admin": 302, "*": 403}
REPORTS = {"anonymous": 302, "operator": 200, "kasi": 200, "kadis": 200, "admin": 200, "*": 403}
SUPERVISORS = {"anonymous": 302, "kasi": 200, "admin": 200, "*": 403}


def _office_day() -> datetime.date:
    from .conftest import next_office_day

    return next_office_day(timezone.localdate())


def _booking():
    return services.booking_create(phone="081298760001", day=_office_day(), start=datetime.time(9),
                                   statement_accepted=True)


def _token(world) -> dict:
    return {"token": services.booking_manage_token(_booking())}


def _counter(world) -> dict:
    return {"pk": Counter.objects.get(number=1).pk}


def _ticket(world) -> dict:
    staff = StaffFactory(role=Role.OPERATOR)
    return {"pk": services.ticket_issue(group=ServiceGroup.objects.get(code="A"), actor=staff).pk}


def _pickup(world) -> dict:
    staff = StaffFactory(role=Role.OPERATOR)
    pickup = services.pickup_mark_ready(actor=staff, kind="kia", reference="BPN-2026-000999", holder_name="Anak",
                                        nik_suffix="1234", phone="081298760002")
    return {"pk": pickup.pk}


URL_ACCESS = [
    {"name": "queueing:display", "expect": {"*": 200}},
    {"name": "queueing:display_data", "expect": {"*": 200}},
    {"name": "queueing:booking_start", "expect": {"*": 200}},
    {"name": "queueing:booking_start", "method": "post", "data": lambda w: {"phone": "", "captcha_answer": ""},
     "expect": {"*": 200}},
    {"name": "queueing:booking_slot", "expect": {"*": 302}, "redirect_to": "queueing:booking_start"},
    {"name": "queueing:booking_confirm", "expect": {"*": 302}, "redirect_to": "queueing:booking_start"},
    {"name": "queueing:booking_confirm", "method": "post", "data": lambda w: {"agree": "on"},
     "expect": {"*": 302}, "redirect_to": "queueing:booking_start"},
    {"name": "queueing:booking_done", "expect": {"*": 302}, "redirect_to": "queueing:booking_start"},
    {"name": "queueing:booking_manage", "kwargs": _token, "expect": {"*": 200}},
    {"name": "queueing:booking_manage", "kwargs": lambda w: {"token": "1.abc:dipalsukan"}, "expect": {"*": 404}},
    {"name": "queueing:booking_cancel", "kwargs": _token, "method": "post", "expect": {"*": 302},
     "redirect_to": "*"},
    {"name": "queueing:booking_cancel", "kwargs": lambda w: {"token": "1.abc:dipalsukan"}, "method": "post",
     "expect": {"*": 404}},
    {"name": "queueing:booking_cancel", "kwargs": _token, "expect": {"*": 405}},
    {"name": "queueing:booking_reschedule", "kwargs": _token, "expect": {"*": 200}},
    {"name": "queueing:booking_reschedule", "kwargs": lambda w: {"token": "1.abc:dipalsukan"},
     "expect": {"*": 404}},
    {"name": "queueing:counter_list", "expect": COUNTER_STAFF},
    {"name": "queueing:counter_screen", "kwargs": _counter, "expect": COUNTER_STAFF},
    {"name": "queueing:counter_screen", "kwargs": lambda w: {"pk": 99999},
     "expect": {**COUNTER_STAFF, "operator": 404, "kasi": 404, "admin": 404}},
    {"name": "queueing:counter_action", "kwargs": lambda w: {**_counter(w), "action": "call"}, "method": "post",
     "expect": COUNTER_ACTION},
    {"name": "queueing:counter_action", "kwargs": lambda w: {**_counter(w), "action": "call"},
     "expect": {**COUNTER_ACTION, "operator": 405, "kasi": 405, "admin": 405}},
    {"name": "queueing:ticket_take", "expect": COUNTER_STAFF},
    {"name": "queueing:ticket_take", "method": "post", "data": lambda w: {"group": ""}, "expect": COUNTER_STAFF},
    {"name": "queueing:ticket_print", "kwargs": _ticket, "expect": COUNTER_STAFF},
    {"name": "queueing:booking_check_in", "expect": COUNTER_STAFF},
    {"name": "queueing:booking_staff_detail", "kwargs": lambda w: {"pk": _booking().pk}, "expect": COUNTER_STAFF},
    {"name": "queueing:pickup_list", "expect": COUNTER_STAFF},
    {"name": "queueing:pickup_hand_over", "kwargs": _pickup, "expect": COUNTER_STAFF},
    {"name": "queueing:statistics", "expect": REPORTS},
    {"name": "queueing:capacity", "expect": SUPERVISORS},
]
