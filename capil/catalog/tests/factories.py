"""Test data for the catalog: the office's own SOP document, imported through the real service."""

from functools import cache
from pathlib import Path

from django.conf import settings

from capil.catalog.definitions import load_overlay
from capil.catalog.models import Service
from capil.catalog.services import catalog_import, default_overlay_path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@cache
def sop_text() -> str:
    return Path(settings.CAPIL_SOP_DOCUMENT).read_text(encoding="utf-8")


@cache
def _overlay_cached() -> dict:
    return load_overlay(default_overlay_path())


def overlay() -> dict:
    """A fresh deep copy, so a test may edit it."""
    import copy

    return copy.deepcopy(_overlay_cached())


def catalog_imported():
    """Import the bundled SOP document unless this test database already has it; returns the result or None."""
    if Service.objects.filter(current_version__isnull=False).exists():
        return None
    return catalog_import(text=sop_text(), overlay=overlay(), source_name="sop.txt")


def service_slug(slug: str) -> str:
    """For URL_ACCESS rows: make sure the catalog exists, then hand back the slug."""
    catalog_imported()
    return slug
