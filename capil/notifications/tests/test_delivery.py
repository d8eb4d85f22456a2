"""Delivery: states, retries with backoff, permanent failures, dead letters, resend, crash recovery."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capil.audit.selectors import audit_events_for
from capil.notifications.models import FailureKind, Notification, State
from capil.notifications.services import (
    backoff_seconds,
    notification_deliver,
    notification_enqueue,
    notification_resend,
    notification_sweep,
)

from . import channels as scripted
from .factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANNELS = {
    "sms": {"BACKEND": "capil.notifications.tests.channels.ScriptedChannel"},
    "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel"},
    "whatsapp": {"BACKEND": "capil.notifications.tests.channels.PigeonChannel"},
}


@pytest.fixture(autouse=True)
def scripted_channels(settings):
    settings.CAPIL_NOTIFICATION_CHANNELS = CHANNELS
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "MAX_ATTEMPTS": 3}


def enqueue_otp(capture, key="1"):
    with capture(execute=True):
        [row] = notification_enqueue(event="otp", subject=("accounts.otp", key), phone="081234567890",
                                     context={"code": "135790", "minutes": 5}, channels=["sms"])
    row.refresh_from_db()
    return row


def run_until_settled(row, rounds=20):
    """What the worker and the sweep do over time, without waiting: make the row due, then sweep."""
    for _ in range(rounds):
        row.refresh_from_db()
        if row.state in (State.SENT, State.DEAD):
            return row
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        notification_sweep()
    row.refresh_from_db()
    return row


def test_temporary_failures_are_retried_until_sent(django_capture_on_commit_callbacks):
    scripted.SCRIPT.extend(["temporary", "temporary", "ok"])
    row = enqueue_otp(django_capture_on_commit_callbacks)
    assert row.state == State.FAILED and row.failure_kind == FailureKind.TEMPORARY
    assert "503" in row.last_error and row.next_attempt_at > timezone.now() - timedelta(seconds=1)
    row = run_until_settled(row)
    assert row.state == State.SENT and row.attempts == 3 and row.provider_message_id == "scripted-1"
    assert len(scripted.SENT) == 1


def test_permanent_failure_is_not_retried_and_its_reason_is_kept(django_capture_on_commit_callbacks):
    scripted.SCRIPT.extend(["permanent", "ok"])
    row = enqueue_otp(django_capture_on_commit_callbacks)
    row = run_until_settled(row)
    assert row.state == State.DEAD and row.failure_kind == FailureKind.PERMANENT
    assert row.attempts == 1 and "invalid number" in row.last_error
    assert scripted.SENT == []


def test_exhausted_message_lands_in_dead_letters_and_staff_resend_it(django_capture_on_commit_callbacks):
    scripted.SCRIPT.extend(["temporary", "crash", "temporary"])
    row = enqueue_otp(django_capture_on_commit_callbacks)
    row = run_until_settled(row)
    assert row.state == State.DEAD and row.failure_kind == FailureKind.EXHAUSTED and row.attempts == 3
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=row, actor=staff)
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 1
    [event] = audit_events_for(target_type="notifications.notification", target_id=str(row.pk))
    assert event.action == "notification.resend" and event.actor == staff


def test_a_message_that_is_not_dead_cannot_be_resent(django_capture_on_commit_callbacks):
    row = enqueue_otp(django_capture_on_commit_callbacks)
    assert row.state == State.SENT
    notification_resend(notification=row, actor=StaffFactory())
    assert len(scripted.SENT) == 1
    assert not audit_events_for(target_type="notifications.notification", target_id=str(row.pk)).exists()


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    row = enqueue_otp(django_capture_on_commit_callbacks)
    assert notification_deliver(notification_id=row.pk) == "skipped"
    assert len(scripted.SENT) == 1


def test_worker_that_died_while_sending_is_recovered_by_the_sweep(settings):
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "SENDING_TIMEOUT": 30}
    [row] = notification_enqueue(event="otp", subject=("accounts.otp", "5"), phone="081234567890",
                                 context={"code": "135790", "minutes": 5}, channels=["sms"])
    # A worker claimed it and was killed before it recorded the outcome.
    Notification.objects.filter(pk=row.pk).update(state=State.SENDING, attempts=1,
                                                  claimed_at=timezone.now() - timedelta(seconds=10))
    assert notification_sweep()["recovered"] == 0  # still within the sending timeout
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(seconds=31))
    assert notification_sweep()["recovered"] == 1
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 2
    assert [m.reference for m in scripted.SENT] == [row.reference.hex]


def test_row_whose_task_was_lost_is_enqueued_by_the_sweep():
    # Written, but the process died before the on-commit enqueue ran (no task exists).
    [row] = notification_enqueue(event="otp", subject=("accounts.otp", "6"), phone="081234567890",
                                 context={"code": "135790", "minutes": 5}, channels=["sms"])
    assert row.task_enqueued_at is None
    assert notification_sweep()["enqueued"] == 1
    row.refresh_from_db()
    assert row.state == State.SENT


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling(settings):
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "BACKOFF_BASE": 10, "BACKOFF_MAX": 300}
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (6, 300), (12, 300)]:
        samples = [backoff_seconds(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len(set(samples)) > 1


def test_a_new_channel_needs_only_a_class_and_a_settings_entry(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notification_enqueue(event="ready_for_pickup", subject=("applications.application", "9"),
                                     phone="+62 812-3456-7890", channels=["whatsapp"],
                                     context={"tracking_number": "BPN-9", "document_name": "KTP-el"})
    row.refresh_from_db()
    assert row.state == State.SENT and row.provider_message_id.startswith("wa-")
    assert "KTP-el" in scripted.SENT[0].body  # the SMS text serves until WhatsApp texts are written
