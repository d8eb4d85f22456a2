"""The citizens' flows of the load test that need the catalog and applications apps: resolved in the seed
process (catalog_pages, applications_plan) and walked by the visitors (track_flow, submit_flow)."""

from bench.loadgen import Browser, Recorder, think


def catalog_pages() -> dict:
    return {}


def applications_plan(plan: dict, users) -> None:
    return None


def track_flow(browser: Browser, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    for path in citizen["track"][:1]:
        browser.get("my applications", path)
        think(recorder, *think_range, rng)


def submit_flow(browser: Browser, plan: dict, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    return None
