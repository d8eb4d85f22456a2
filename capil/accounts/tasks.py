"""Thin tasks: each calls one service."""

from django.tasks import task

from . import services


@task(queue_name="notifications")
def password_reset_dispatch(identifier: str, ip: str) -> str:
    return services.password_reset_send(identifier=identifier, ip=ip)
