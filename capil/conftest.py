"""Project-wide test fixtures."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Tests that need PostgreSQL say so with @pytest.mark.postgres; on SQLite they are skipped with the
    # reason shown in the summary (CI runs the suite on both databases).
    for item in items:
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
