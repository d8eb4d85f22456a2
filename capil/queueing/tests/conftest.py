import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.utils import timezone

from capil.queueing import clock
from capil.queueing.officehours import slot_times


@pytest.fixture(autouse=True)
def _queueing_test_env(request, settings, tmp_path):
    """Each test reads only the SMS it caused, and starts with no rate-limit counts. The office's groups
    and counters (a data migration) are there even after a transactional test flushed the database."""
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "OUTBOX_DIR": str(tmp_path / "outbox")}
    cache.clear()
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
        seed = importlib.import_module("capil.queueing.migrations.0002_default_groups_and_counters")
        seed.forwards(django_apps, None)
    yield
    cache.clear()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def wita(day: datetime.date, hhmm: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm)))


def next_office_day(after: datetime.date) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    while not slot_times(day, 60):
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def office_day() -> datetime.date:
    """The first working day after today (always in the future, whatever time the tests run)."""
    return next_office_day(timezone.localdate())


@pytest.fixture
def move_clock(monkeypatch):
    """Move the queueing context's clock (services, selectors, views, a live server thread) to a moment."""

    def move(moment: datetime.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move
