"""Staff pages through HTTP: filters, resend, the template editor, the development outbox. (Who may open each
page is checked by the project-wide URL access test from url_access.py.)"""

import pytest
from django.urls import reverse

from capil.accounts.models import Role
from capil.audit.selectors import audit_events_for
from capil.notifications.models import Notification, NotificationTemplate, State
from capil.notifications.services import notification_enqueue

from .factories import StaffFactory, login_client

pytestmark = pytest.mark.django_db

def _some(state, event="status_changed", n="1", channel="sms"):
    [row] = notification_enqueue(event=event, subject=("applications.application", n), phone="081234567890",
                                 email="warga@example.com", channels=[channel],
                                 context={"tracking_number": f"BPN-{n}", "status": "Selesai"})
    Notification.objects.filter(pk=row.pk).update(state=state)
    return row


def test_log_filters_by_state_and_channel_and_masks_numbers(client):
    login_client(client, StaffFactory())
    _some(State.SENT, n="1")
    dead = _some(State.DEAD, n="2")
    _some(State.DEAD, n="3", channel="email")
    page = client.get(reverse("notifications:log"), {"state": "dead", "channel": "sms"}).content.decode()
    assert reverse("notifications:detail", args=[dead.pk]) in page
    assert page.count("notifications/" + "") >= 0
    assert "+62812******90" in page and "081234567890" not in page and "+6281234567890" not in page
    rows = client.get(reverse("notifications:log"), {"state": "dead", "channel": "sms"}).context["page"]
    assert [n.pk for n in rows.items] == [dead.pk]


def test_subject_log_lists_only_that_subject(client):
    login_client(client, StaffFactory())
    mine, other = _some(State.SENT, n="10"), _some(State.SENT, n="11")
    response = client.get(reverse("notifications:subject_log", args=["applications.application", "10"]))
    assert [n.pk for n in response.context["page"].items] == [mine.pk]
    assert other.pk not in [n.pk for n in response.context["page"].items]


def test_bad_filter_values_do_not_break_the_page(client):
    login_client(client, StaffFactory())
    assert client.get(reverse("notifications:log"), {"state": "<script>", "page": "x9"}).status_code == 200


def test_viewing_a_message_is_audited_and_a_secret_is_not_shown(client):
    staff = StaffFactory()
    login_client(client, staff)
    [otp] = notification_enqueue(event="otp", subject=("accounts.otp", "1"), phone="081234567890",
                                 context={"code": "918273", "minutes": 5}, channels=["sms"])
    page = client.get(reverse("notifications:detail", args=[otp.pk])).content.decode()
    assert "918273" not in page
    [event] = audit_events_for(target_type="notifications.notification", target_id=str(otp.pk))
    assert event.action == "notification.view" and event.actor == staff


def test_staff_resend_a_dead_letter_through_the_page(client, django_capture_on_commit_callbacks):
    staff = StaffFactory(role=Role.KASI)
    login_client(client, staff)
    dead = _some(State.DEAD, n="20")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[dead.pk]))
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.state == State.SENT
    assert audit_events_for(target_type="notifications.notification", target_id=str(dead.pk)).filter(
        action="notification.resend").exists()


def test_admin_edits_a_template_and_the_next_message_uses_it(client, django_capture_on_commit_callbacks):
    admin = StaffFactory(role=Role.ADMIN)
    login_client(client, admin)
    url = reverse("notifications:template_edit", args=["status_changed", "sms", "id"])
    assert "Pratinjau" in client.get(url).content.decode()
    response = client.post(url, {"body": "Permohonan {{ tracking_number }} kini: {{ status }}. Terima kasih."})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notification_enqueue(event="status_changed", subject=("applications.application", "30"),
                                     phone="081234567890", channels=["sms"],
                                     context={"tracking_number": "BPN-30", "status": "Selesai"})
    assert row.body == "Permohonan BPN-30 kini: Selesai. Terima kasih."
    assert NotificationTemplate.objects.get(event="status_changed", channel="sms", language="id").updated_by == admin
    client.post(reverse("notifications:template_reset", args=["status_changed", "sms", "id"]))
    assert client.get(url).context["form"].initial["body"].startswith("Status permohonan")


@pytest.mark.parametrize(("body", "message"), [
    ("{% if status %}Status {{ tracking_number }}", "Templat tidak dapat dipakai"),
    ("NIK Anda 6471010101010001 sudah terdaftar", "NIK"),
    ("{{ status }} " + "panjang sekali " * 40, "segments"),
    ("{% debug %}", "not allowed"),
    ('{% include "base.html" %}', "not allowed"),
])
def test_template_that_cannot_be_sent_is_refused_with_a_reason(client, body, message):
    login_client(client, StaffFactory(role=Role.ADMIN))
    url = reverse("notifications:template_edit", args=["status_changed", "sms", "id"])
    response = client.post(url, {"body": body})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationTemplate.objects.filter(event="status_changed", channel="sms", language="id",
                                                   body=body).exists()


def test_unknown_template_is_404(client):
    login_client(client, StaffFactory(role=Role.ADMIN))
    assert client.get(reverse("notifications:template_edit", args=["nope", "sms", "id"])).status_code == 404
    assert client.get(reverse("notifications:template_edit", args=["otp", "sms", "fr"])).status_code == 404


def test_development_outbox_shows_the_otp_a_newcomer_needs(client, django_capture_on_commit_callbacks):
    login_client(client, StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(event="otp", subject=("accounts.otp", "2"), phone="0812 3456 7890",
                             context={"code": "564738", "minutes": 5}, channels=["sms"])
    page = client.get(reverse("notifications:dev_outbox"), {"to": "0812-3456-7890"}).content.decode()
    assert "564738 adalah kode verifikasi" in page
    assert "564738" not in client.get(reverse("notifications:dev_outbox"), {"to": "081299998888"}).content.decode()
    assert client.get(reverse("notifications:dev_outbox"), {"to": "bukan nomor"}).status_code == 200


def test_development_outbox_does_not_exist_on_a_real_installation(client, settings):
    settings.CAPIL_NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "capil.notifications.channels.http_sms.HttpSmsChannel", "OPTIONS": {"url": "http://x"}},
        "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel"},
    }
    login_client(client, StaffFactory())
    assert client.get(reverse("notifications:dev_outbox")).status_code == 404


def test_log_pages_by_position_and_caps_its_counts(client, monkeypatch):
    from capil.notifications import selectors, views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    login_client(client, StaffFactory())
    made = [_some(State.SENT, n=str(20 + i)) for i in range(3)]
    _some(State.DEAD, n="30")
    url = reverse("notifications:log")
    first = client.get(url, {"state": "sent"})
    assert [n.pk for n in first.context["page"].items] == [made[2].pk, made[1].pk]  # newest first
    assert first.context["counts"]["sent"] == "3" and first.context["counts"]["dead"] == "1"
    second = client.get(url, {"state": "sent", "after": first.context["page"].next_cursor})
    assert [n.pk for n in second.context["page"].items] == [made[0].pk]
    assert "state=sent&amp;before=" in second.content.decode()
    back = client.get(url, {"state": "sent", "before": second.context["page"].prev_cursor})
    assert [n.pk for n in back.context["page"].items] == [made[2].pk, made[1].pk]
    assert selectors.notification_state_counts(cap=2)["sent"] == "2+"
    assert selectors.notification_state_counts(cap=None)["sent"] == "3"
