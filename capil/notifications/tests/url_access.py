"""Who may open each notifications URL (collected by the project-wide URL access test)."""


def _notification(state="dead"):
    from capil.notifications.models import Notification
    from capil.notifications.services import notification_enqueue

    [row] = notification_enqueue(event="status_changed", subject=("applications.application", "url-access"),
                                 phone="081234567890", channels=["sms"],
                                 context={"tracking_number": "BPN-2026-000001", "status": "Selesai"})
    Notification.objects.filter(pk=row.pk).update(state=state, failure_kind="permanent", last_error="HTTP 400")
    return row


STAFF_READ = {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403,
              "operator": 200, "kasi": 200, "kadis": 200, "arsiparis": 200, "admin": 200}
ADMIN_ONLY = {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403,
              "operator": 403, "kasi": 403, "kadis": 403, "arsiparis": 403, "admin": 200}
TEMPLATE_KWARGS = {"event": "otp", "channel": "sms", "language": "id"}

URL_ACCESS = [
    {"name": "notifications:log", "kwargs": lambda world: {}, "method": "get", "expect": STAFF_READ},
    {"name": "notifications:subject_log",
     "kwargs": lambda world: {"subject_type": "applications.application", "subject_id": "1"},
     "method": "get", "expect": STAFF_READ},
    {"name": "notifications:detail", "kwargs": lambda world: {"pk": _notification().pk}, "method": "get",
     "expect": STAFF_READ},
    {"name": "notifications:resend", "kwargs": lambda world: {"pk": _notification().pk}, "method": "post",
     "expect": {**STAFF_READ, "operator": 302, "kasi": 302, "admin": 302, "kadis": 403, "arsiparis": 403}},
    {"name": "notifications:templates", "kwargs": lambda world: {}, "method": "get", "expect": ADMIN_ONLY},
    {"name": "notifications:template_edit", "kwargs": lambda world: TEMPLATE_KWARGS, "method": "get",
     "expect": ADMIN_ONLY},
    {"name": "notifications:template_reset", "kwargs": lambda world: TEMPLATE_KWARGS, "method": "post",
     "expect": {**ADMIN_ONLY, "admin": 302}},
    {"name": "notifications:dev_outbox", "kwargs": lambda world: {}, "method": "get", "expect": STAFF_READ},
]
