"""The notifications section of a citizen's data download and of account closure (UU 27/2022)."""

import pytest

from capil.accounts import services as account_services
from capil.accounts.selectors import personal_data_export
from capil.accounts.tests.factories import PASSWORD, CitizenFactory
from capil.notifications.models import Notification, State
from capil.notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db

SUBJECT = ("applications.application", "41")


def _received(user):
    return notification_enqueue(event="application_received", subject=SUBJECT, recipient=user,
                                context={"tracking_number": "BPN-2026-000041", "service": "Akta Kelahiran"})


def test_the_download_lists_every_message_to_the_citizen_without_repeating_secrets(django_capture_on_commit_callbacks):
    citizen, other = CitizenFactory(), CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _received(citizen)
        notification_enqueue(event="otp", subject=("accounts.otp", "1"), recipient=citizen,
                             context={"code": "482913", "minutes": 5}, channels=["sms"])
        _received(other)
    section = personal_data_export(citizen)["bagian"]["notifications"]
    assert len(section) == 3 and {m["kanal"] for m in section} == {"sms", "email"}
    assert all(m["status"] == "Terkirim" for m in section)
    assert any("BPN-2026-000041" in (m["isi"] or "") for m in section)
    assert "482913" not in str(section)  # the code is neither kept nor repeated
    assert other.email not in str(section)


def test_closing_the_account_keeps_the_record_of_notices_but_not_their_text_or_address(
        django_capture_on_commit_callbacks):
    citizen, other = CitizenFactory(), CitizenFactory()
    phone, email = citizen.phone, citizen.email
    with django_capture_on_commit_callbacks(execute=True):
        _received(citizen)
        _received(other)
    # One more message, still waiting in the outbox when the account closes.
    waiting = notification_enqueue(event="account_changed", subject=citizen, recipient=citizen, phone=phone,
                                   context={"what": "password"}, channels=["sms"])[0]
    account_services.account_close(user=citizen, password=PASSWORD)
    rows = Notification.objects.filter(recipient=citizen)
    assert rows.count() == 3
    for row in rows:
        assert row.body == "" and row.title == "" and row.body_html == ""
        assert row.address not in (phone, email) and "*" in row.address
    assert Notification.objects.get(pk=waiting.pk).state == State.DEAD  # never sent to a closed account
    assert {r.state for r in rows.exclude(pk=waiting.pk)} == {State.SENT}
    untouched = Notification.objects.filter(recipient=other)
    assert {r.address for r in untouched} == {other.phone, other.email}
    assert all("BPN-2026-000041" in r.body for r in untouched)
