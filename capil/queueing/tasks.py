"""Thin tasks: each calls one service."""

from django.tasks import task

from . import services


@task()
def housekeeping() -> dict | None:
    return services.queueing_housekeeping_scheduled()
