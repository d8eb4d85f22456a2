"""Project-wide test fixtures."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Tests that need PostgreSQL say so with @pytest.mark.postgres; on SQLite they are skipped with the
    # reason shown in the summary (CI runs the suite on both databases).
    for item in items:
        # End-to-end browser tests drive a real Chromium against a live server on a shared machine; a lost
        # frame or event is retried once (pytest-rerunfailures) and both attempts are reported.
        # CAPIL_NO_RERUN=1 turns the retry off (to look for flakes).
        if "browser_required" in getattr(item, "fixturenames", ()) and not os.environ.get("CAPIL_NO_RERUN"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))


@pytest.fixture
def browser_required():
    """Browser tests run wherever Chromium is installed; CI sets CAPIL_REQUIRE_BROWSER so a missing
    browser fails instead of skipping."""
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CAPIL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (and anything else cached) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    """One account of each visitor kind of the URL access matrix (capil/accounts/tests/world.py):
    world.anonymous (None), .unverified, .citizen, .other_citizen, .operator, .kasi, .kadis, .arsiparis,
    .admin; world.client(kind) is a test client signed in as that kind, staff with their second factor."""
    from capil.accounts.tests.world import World

    return World()


@pytest.fixture(autouse=True)
def _office_language_after_each_test():
    """A request in English leaves English active in the thread; the next test starts in the office's language."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
