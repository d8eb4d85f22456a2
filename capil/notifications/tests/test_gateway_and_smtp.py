"""The real channels against real servers started by the test: an HTTP SMS gateway and an SMTP server."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from capil.notifications.models import FailureKind, Notification, State
from capil.notifications.services import notification_enqueue, notification_sweep

from .factories import UserFactory
from .servers import GatewayServer, SmtpServer

pytestmark = pytest.mark.django_db


def use_gateway(settings, gateway, **options):
    settings.CAPIL_NOTIFICATION_CHANNELS = {
        **settings.CAPIL_NOTIFICATION_CHANNELS,
        "sms": {"BACKEND": "capil.notifications.channels.http_sms.HttpSmsChannel",
                "OPTIONS": {"url": gateway.url, "sender": "DUKCAPIL", "response_id_path": "id",
                            "connect_timeout": 2, "read_timeout": 5, **options}},
    }


def use_smtp(settings, smtp):
    settings.MAILERS = {**settings.MAILERS, "smtp": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5}}}
    settings.CAPIL_NOTIFICATION_CHANNELS = {
        **settings.CAPIL_NOTIFICATION_CHANNELS,
        "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel", "OPTIONS": {"mailer": "smtp"}},
    }


def settle(*, timeout=30.0):
    """What the sweep does over time: retry due rows until none is queued or failed."""
    deadline = time.monotonic() + timeout
    while Notification.objects.filter(state__in=[State.QUEUED, State.FAILED, State.SENDING]).exists():
        assert time.monotonic() < deadline, "notifications did not settle"
        notification_sweep()
        time.sleep(0.02)


def otp(n: int, phone: str = "081234567890"):
    return notification_enqueue(event="otp", subject=("accounts.otp", str(n)), phone=phone,
                                context={"code": f"{n:06d}", "minutes": 5}, channels=["sms"])


def test_gateway_outage_while_200_are_enqueued_then_all_arrive_exactly_once(
        settings, django_capture_on_commit_callbacks):
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "MAX_ATTEMPTS": 100}
    with GatewayServer() as gateway:  # bound, not listening: every connection is refused
        use_gateway(settings, gateway)
        with django_capture_on_commit_callbacks(execute=True):
            rows = [otp(n)[0] for n in range(200)]
        assert Notification.objects.filter(state=State.FAILED, failure_kind=FailureKind.TEMPORARY).count() == 200
        assert gateway.posts == []
        gateway.start()
        settle()
        references = {row.reference.hex for row in rows}
        assert set(gateway.delivered) == references
        assert len(gateway.posts) == 200  # nothing sent twice
        assert Notification.objects.filter(state=State.SENT).count() == 200
        sent = Notification.objects.get(pk=rows[7].pk)
        assert sent.provider_message_id == gateway.delivered[sent.reference.hex]["id"]
        assert gateway.delivered[sent.reference.hex]["text"].startswith("000007 adalah kode")
        assert gateway.delivered[sent.reference.hex]["to"] == "+6281234567890"


def test_permanent_failure_is_not_retried(settings, django_capture_on_commit_callbacks):
    with GatewayServer(invalid_numbers={"+6281299990000"}) as gateway:
        gateway.start()
        use_gateway(settings, gateway)
        with django_capture_on_commit_callbacks(execute=True):
            [bad] = otp(1, phone="0812-9999-0000")
            [good] = otp(2)
        for _ in range(5):
            Notification.objects.filter(pk=bad.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=5))
            notification_sweep()
        bad.refresh_from_db()
        assert bad.state == State.DEAD and bad.failure_kind == FailureKind.PERMANENT and bad.attempts == 1
        assert "HTTP 400" in bad.last_error and "invalid destination" in bad.last_error
        assert gateway.posts_for(bad.reference.hex) == 1
        good.refresh_from_db()
        assert good.state == State.SENT


def test_5xx_and_429_are_retried_with_backoff(settings, django_capture_on_commit_callbacks):
    with GatewayServer(status_script=[503, 429, 502]) as gateway:
        gateway.start()
        use_gateway(settings, gateway)
        with django_capture_on_commit_callbacks(execute=True):
            [row] = otp(1)
        row.refresh_from_db()
        assert row.state == State.FAILED and "503" in row.last_error
        settle()
        row.refresh_from_db()
        assert row.state == State.SENT and row.attempts == 4
        assert len(gateway.delivered) == 1


def test_gateway_body_form_and_auth_come_from_configuration(settings, django_capture_on_commit_callbacks):
    seen = {}
    with GatewayServer() as gateway:
        gateway.start()
        use_gateway(settings, gateway, auth="bearer", token="rahasia-token",
                    body_template={"messages": [{"destinations": [{"to": "{to_digits}"}], "from": "{sender}",
                                                 "text": "{text}"}], "reference": "{reference}",
                                   "to": "{to_national}"},
                    headers={"X-Client-Ref": "{reference}"})
        with django_capture_on_commit_callbacks(execute=True):
            [row] = otp(3)
        seen = gateway.posts[0]
    body, headers = seen["body"], seen["headers"]
    assert body["messages"][0]["destinations"][0]["to"] == "6281234567890"
    assert body["to"] == "081234567890" and body["messages"][0]["from"] == "DUKCAPIL"
    assert headers["Authorization"] == "Bearer rahasia-token"
    assert headers["X-Client-Ref"] == row.reference.hex


def test_email_over_real_smtp_has_text_html_and_the_signed_pdf(settings, django_capture_on_commit_callbacks):
    citizen = UserFactory(email="budi@example.com")
    pdf = b"%PDF-1.7\n%signed\n" + bytes(range(256)) * 20
    with SmtpServer() as smtp:
        use_smtp(settings, smtp)
        with django_capture_on_commit_callbacks(execute=True):
            [row] = notification_enqueue(
                event="document_signed", subject=("documents.document", "5"), recipient=citizen,
                channels=["email"], attachments=[("kutipan-akta-kelahiran.pdf", pdf, "application/pdf")],
                context={"tracking_number": "BPN-2026-000005", "document_name": "Kutipan Akta Kelahiran",
                         "url": "http://testserver/p/5/"})
        [message] = smtp.messages
    row.refresh_from_db()
    assert row.state == State.SENT and row.provider_message_id == message["Message-ID"]
    assert message["To"] == "budi@example.com"
    assert "BPN-2026-000005" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kutipan Akta Kelahiran" in text and '<a href="http://testserver/p/5/"' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "kutipan-akta-kelahiran.pdf"
    assert attachment.get_content() == pdf


def test_refused_mailbox_is_permanent_and_unreachable_smtp_is_temporary(settings,
                                                                        django_capture_on_commit_callbacks):
    with SmtpServer(refuse={"hilang@example.com"}) as smtp:
        use_smtp(settings, smtp)
        with django_capture_on_commit_callbacks(execute=True):
            [refused] = notification_enqueue(event="status_changed", subject=("applications.application", "1"),
                                             email="hilang@example.com", channels=["email"],
                                             context={"tracking_number": "BPN-1", "status": "Selesai"})
        refused.refresh_from_db()
        assert refused.state == State.DEAD and refused.failure_kind == FailureKind.PERMANENT
        port = smtp.port
    # The server is gone: connection refused is temporary.
    settings.MAILERS = {**settings.MAILERS, "smtp": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2}}}
    with django_capture_on_commit_callbacks(execute=True):
        [later] = notification_enqueue(event="status_changed", subject=("applications.application", "2"),
                                       email="ada@example.com", channels=["email"],
                                       context={"tracking_number": "BPN-2", "status": "Selesai"})
    later.refresh_from_db()
    assert later.state == State.FAILED and later.failure_kind == FailureKind.TEMPORARY
