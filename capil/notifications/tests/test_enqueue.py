"""notification_enqueue: the outbox entry point other contexts call inside their transactions."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from capil.notifications.models import Notification, State
from capil.notifications.rendering import NotificationRenderError
from capil.notifications.selectors import dev_messages, notifications_for_subject
from capil.notifications.services import notification_enqueue

from .factories import UserFactory

pytestmark = pytest.mark.django_db

SUBJECT = ("applications.application", "41")


def test_rows_are_written_per_channel_and_delivered_after_commit(django_capture_on_commit_callbacks):
    citizen = UserFactory(phone="+6281234567890", email="siti@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notification_enqueue(event="application_received", subject=SUBJECT, recipient=citizen,
                                    context={"tracking_number": "BPN-2026-000041", "service": "Akta Kelahiran"})
        assert [r.channel for r in rows] == ["sms", "email"]
        assert all(r.state == State.QUEUED for r in rows)
        assert dev_messages(phone="0812 3456 7890") == []  # nothing leaves before the commit
    assert {n.state for n in Notification.objects.all()} == {State.SENT}
    [sms] = dev_messages(phone="0812-3456-7890")
    assert "BPN-2026-000041" in sms["body"]
    [email] = mail.outbox
    assert email.to == ["siti@example.com"]
    assert "BPN-2026-000041" in email.subject
    assert email.alternatives[0].mimetype == "text/html"


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    citizen = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notification_enqueue(event="otp", subject=("accounts.otp", "1"), recipient=citizen,
                                 context={"code": "123456", "minutes": 5}, channels=["sms"])
            raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0
    assert dev_messages() == []


def test_same_event_enqueued_twice_is_sent_once(django_capture_on_commit_callbacks):
    citizen = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_enqueue(event="status_changed", subject=SUBJECT, recipient=citizen,
                                     context={"tracking_number": "BPN-1", "status": "Diverifikasi"})
    with django_capture_on_commit_callbacks(execute=True):
        second = notification_enqueue(event="status_changed", subject=SUBJECT, recipient=citizen,
                                      context={"tracking_number": "BPN-1", "status": "Diverifikasi"})
    assert [n.pk for n in first] == [n.pk for n in second]
    assert Notification.objects.count() == 2
    assert len(dev_messages()) == 1
    assert len(mail.outbox) == 1


def test_key_suffix_distinguishes_legitimately_repeated_events(django_capture_on_commit_callbacks):
    citizen = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for round_number in (1, 2):
            notification_enqueue(event="requirements_not_met", subject=SUBJECT, recipient=citizen,
                                 channels=["sms"], key_suffix=f"round-{round_number}",
                                 context={"tracking_number": "BPN-1", "items": [{"label": "KK", "reason": "buram"}]})
    assert len(dev_messages()) == 2


def test_phone_is_normalised_and_an_unusable_number_refused():
    rows = notification_enqueue(event="otp", subject=("accounts.otp", "7"), phone="(0812) 3456.7890",
                                context={"code": "111222", "minutes": 5}, channels=["sms"])
    assert rows[0].address == "+6281234567890"
    with pytest.raises(ValidationError):
        notification_enqueue(event="otp", subject=("accounts.otp", "8"), phone="0542 123456",
                             context={"code": "111222", "minutes": 5}, channels=["sms"])


def test_channel_without_an_address_is_left_out():
    citizen = UserFactory(phone=None)
    rows = notification_enqueue(event="status_changed", subject=SUBJECT, recipient=citizen,
                                context={"tracking_number": "BPN-1", "status": "Selesai"})
    assert [r.channel for r in rows] == ["email"]


def test_an_sms_with_a_nik_is_refused_and_nothing_is_written():
    citizen = UserFactory()
    with pytest.raises(NotificationRenderError):
        notification_enqueue(event="status_changed", subject=SUBJECT, recipient=citizen, channels=["sms"],
                             context={"tracking_number": "6471 0101 0101 0001", "status": "Selesai"})
    assert Notification.objects.count() == 0


def test_english_speaker_gets_the_english_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(event="booking_confirmed", subject=("queueing.booking", "3"), phone="081234567890",
                             language="en", channels=["sms"],
                             context={"queue_number": "R-017", "date": "7 Dec 2026", "time": "09:30",
                                      "cancel_url": "http://testserver/b/x/"})
    assert dev_messages()[0]["body"].startswith("Your appointment")


def test_signed_pdf_travels_as_an_attachment_and_is_not_kept_after_sending(django_capture_on_commit_callbacks):
    citizen = UserFactory()
    pdf = b"%PDF-1.7\n" + b"x" * 5000
    with django_capture_on_commit_callbacks(execute=True):
        rows = notification_enqueue(event="document_signed", subject=SUBJECT, recipient=citizen,
                                    context={"tracking_number": "BPN-1", "document_name": "Kutipan Akta Kelahiran",
                                             "url": "http://testserver/p/1/"},
                                    attachments=[("akta-kelahiran.pdf", pdf, "application/pdf")])
    [email] = mail.outbox
    assert email.attachments[0].filename == "akta-kelahiran.pdf"
    assert email.attachments[0].content == pdf
    stored = rows[1].attachments.get()
    assert stored.size == len(pdf) and stored.content is None
    assert not rows[0].attachments.exists()  # the SMS carries no attachment


def test_otp_text_is_erased_once_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notification_enqueue(event="otp", subject=("accounts.otp", "9"), phone="081234567890",
                                     context={"code": "246810", "minutes": 5}, channels=["sms"])
    row.refresh_from_db()
    assert row.state == State.SENT and row.body == ""
    assert "246810" in dev_messages(phone="081234567890")[0]["body"]


def test_notifications_for_subject_lists_what_was_sent_about_it():
    citizen = UserFactory()
    notification_enqueue(event="status_changed", subject=SUBJECT, recipient=citizen,
                         context={"tracking_number": "BPN-1", "status": "Selesai"})
    notification_enqueue(event="status_changed", subject=("applications.application", "42"), recipient=citizen,
                         context={"tracking_number": "BPN-2", "status": "Selesai"})
    assert notifications_for_subject(SUBJECT).count() == 2
    assert {n.subject_id for n in notifications_for_subject(SUBJECT)} == {"41"}
