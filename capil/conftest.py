"""Project-wide test fixtures."""

import os

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread


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


class _OneRequestAtATimeServer(WSGIServer):
    """The live server of the browser tests on SQLite, answering one request at a time. The test database is
    in memory, so every request shares the test's one connection; a page's parallel requests (the page, its
    script's upload, an image) used it at once and failed with "sqlite3.InterfaceError: bad parameter or other
    API misuse". Django closes each connection after its answer on a server without threads."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # LiveServerThread.run already gave this thread the test's connection


@pytest.fixture(autouse=True, scope="session")
def _live_server_one_request_at_a_time_on_sqlite():
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _OneRequestAtATimeServer
    yield


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
