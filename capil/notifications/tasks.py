"""Thin tasks: each calls one service."""

from django.tasks import task

from . import services


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    result = services.notification_deliver(notification_id=notification_id)
    services.sweep_ensure_scheduled()
    return str(result)


# Above OTPs (10): recovery is cheap and should not wait behind a backlog.
@task(queue_name="notifications", priority=20)
def sweep_notifications() -> dict | None:
    return services.notification_sweep_scheduled()
