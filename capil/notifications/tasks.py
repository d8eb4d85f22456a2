"""Thin tasks: each calls one service."""

from django.tasks import task

from . import services


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    result = services.notification_deliver(notification_id=notification_id)
    services.sweep_ensure_scheduled()
    return str(result)


@task(queue_name="notifications")
def sweep_notifications() -> dict | None:
    return services.notification_sweep_scheduled()
