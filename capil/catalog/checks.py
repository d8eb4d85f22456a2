"""The overlay is policy kept as data; it is checked at start-up against the SOP document it completes."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .definitions import load_overlay, overlay_problems
from .parser import DocumentRefused, parse_document


@register("catalog")
def check_overlay(app_configs=None, **kwargs):
    document_path = Path(settings.CAPIL_SOP_DOCUMENT)
    overlay_path = document_path.with_name("overlay.toml")
    errors = []
    try:
        document = parse_document(document_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Error(f"Dokumen SOP tidak ditemukan: {document_path}", id="catalog.E001")]
    except (UnicodeDecodeError, DocumentRefused) as exc:
        return [Error(f"Dokumen SOP {document_path} ditolak: {exc}", id="catalog.E002")]
    try:
        overlay = load_overlay(overlay_path)
    except FileNotFoundError:
        return [Error(f"Overlay katalog tidak ditemukan: {overlay_path}", id="catalog.E003")]
    except ValueError as exc:  # tomllib.TOMLDecodeError
        return [Error(f"Overlay katalog {overlay_path} bukan TOML yang sah: {exc}", id="catalog.E004")]
    for problem in overlay_problems(document, overlay):
        errors.append(Error(problem, hint=f"Perbaiki {overlay_path.name} atau dokumen SOP.", id="catalog.E010"))
    return errors
