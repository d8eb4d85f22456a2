"""Writes to the catalog. There is one: `catalog_import`, which turns an SOP document (and the overlay) into
service versions, in one transaction, and returns what it did with the full report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from capil.audit.services import audit_record

from .definitions import Definition, build_definitions, load_overlay
from .models import Requirement, Service, ServiceVersion, Step
from .parser import ReportEntry, parse_document


@dataclass
class ImportResult:
    created: list[tuple[str, int]] = field(default_factory=list)  # (slug, new version number)
    unchanged: list[str] = field(default_factory=list)
    report: list[ReportEntry] = field(default_factory=list)
    source_sha256: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.created)


def default_overlay_path() -> Path:
    return Path(settings.CAPIL_SOP_DOCUMENT).with_name("overlay.toml")


def catalog_import(*, text: str, overlay: dict | None = None, actor=None, source_name: str = "") -> ImportResult:
    """Import an SOP document. Services whose content is unchanged keep their current version; every other
    service gets a new version (old ones stay). Raises parser.DocumentRefused or definitions.OverlayError
    before anything is written; the writes themselves are one transaction."""
    if overlay is None:
        overlay = load_overlay(default_overlay_path())
    document = parse_document(text)
    definitions = build_definitions(document, overlay)
    source_sha256 = hashlib.sha256(text.encode()).hexdigest()
    result = ImportResult(source_sha256=source_sha256)
    result.report.extend(document.report)
    for definition in definitions:
        result.report.extend(definition.report)
    with transaction.atomic():
        # Every service row exists, then all are locked in one statement (in primary-key order, so two
        # imports running at once queue behind each other instead of deadlocking) so that neither adds "the
        # next" version number twice. The current versions are read after the lock is held: a statement that
        # waited for it still sees the rows of its own snapshot, not the versions the other import added.
        # An unchanged document costs these three statements.
        slugs = [definition.slug for definition in definitions]
        Service.objects.bulk_create([Service(slug=slug) for slug in slugs], ignore_conflicts=True)
        list(Service.objects.select_for_update().filter(slug__in=slugs).order_by("pk").values_list("pk"))
        services = {
            service.slug: service
            for service in Service.objects.select_related("current_version").filter(slug__in=slugs)
        }
        for definition in definitions:
            version = _import_one(definition, source_sha256, services[definition.slug])
            if version is None:
                result.unchanged.append(definition.slug)
            else:
                result.created.append((definition.slug, version.number))
        if result.created:
            audit_record(
                actor=actor,
                action="catalog.import",
                target_type="catalog.document",
                target_id=source_sha256[:16],
                data={"source": source_name, "created": [f"{s} v{n}" for s, n in result.created]},
            )
    return result


def _import_one(definition: Definition, source_sha256: str, service: Service) -> ServiceVersion | None:
    current = service.current_version
    if current is not None and current.content_hash == definition.content_hash:
        return None
    payload = definition.payload
    version = ServiceVersion.objects.create(
        service=service,
        number=(current.number + 1) if current else 1,
        content_hash=definition.content_hash,
        official_name=payload["official_name"],
        name=payload["name"],
        summary=payload["summary"],
        keywords=payload["keywords"],
        category=payload["category"],
        category_label=payload["category_label"],
        category_order=payload["category_order"],
        display_order=payload["display_order"],
        channel=payload["channel"],
        output_kind=payload["output_kind"],
        output_kind_choices=payload["output_kind_choices"],
        output_kind_field=payload["output_kind_field"],
        output_name=payload["output_name"],
        form_fields=payload["form_fields"],
        header=payload["header"],
        signatory_title=payload["signatory_title"],
        signatory_name=payload["signatory_name"],
        executor_columns=payload["executor_columns"],
        search_text=_search_text(payload),
        document_position=definition.position,
        source_line=definition.source_line,
        source_sha256=source_sha256,
        import_report=[entry.as_dict() for entry in definition.report],
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            number=step["number"],
            label=step["label"],
            position=step["position"],
            description=step["description"],
            note=step["note"],
            role=step["role"],
            automated=step["automated"],
            duration_value=step["duration_value"],
            duration_unit=step["duration_unit"],
            requirement_cell=step["requirement_cell"],
            output_cell=step["output_cell"],
            decision=step["decision"],
            source_line=step["source_line"],
        )
        for step in payload["steps"]
    )
    Requirement.objects.bulk_create(
        Requirement(
            version=version,
            key=item["key"],
            label=item["label"],
            position=item["position"],
            alternatives=item["alternatives"],
            condition_key=item["condition_key"],
            condition_text=item["condition_text"],
            slots=item["slots"],
            step_label=item["step_label"],
        )
        for item in payload["requirements"]
    )
    service.current_version = version
    service.save(update_fields=["current_version"])
    return version


def _search_text(payload: dict) -> str:
    parts = [
        payload["name"],
        payload["official_name"],
        payload["summary"],
        payload["category_label"],
        payload["output_name"],
    ]
    parts += payload["keywords"]
    parts += [item["label"] for item in payload["requirements"]]
    return " ".join(p for p in parts if p).lower()
