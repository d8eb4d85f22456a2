"""What a seal covers, read from where it is stored, each item with its SHA-256.

This is the one place the archive reads other contexts' rows directly (applications: Application,
RecordEntry, RequirementUpload, ApplicationEvent; documents: IssuedDocument's PDF). A seal must hash the
stored record itself — the rows and the file bytes — not a presentation of it, and it names exactly which
fields it covers, so a field added to those models later does not break the seals made before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps

from capil.core.workdays import WITA

_CHUNK = 1024 * 1024
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")

# The fields each sealed row covers. Never remove or rename an entry: old seals are recomputed with it.
APPLICATION_FIELDS = (
    "tracking_number", "service_version_id", "applicant_id", "channel", "answers", "state", "output_kind",
    "output_document_id", "created_at", "submitted_at", "completed_at",
)
RECORD_FIELDS = ("output_kind", "data", "backend", "external_reference", "entered_by_id", "entered_at")
UPLOAD_FIELDS = (
    "slot", "slot_label", "version", "file", "sha256", "width", "height", "size", "uploaded_by_id", "uploaded_at",
    "superseded_at", "status", "reason_code", "reason_text", "reviewed_by_id", "reviewed_at",
)
EVENT_FIELDS = (
    "id", "action", "from_state", "to_state", "sop_step", "actor_id", "actor_role", "reason", "data", "started_at",
    "due_at", "created_at",
)


@dataclass(frozen=True)
class SealItem:
    key: str  # stable identifier within one application's seal
    label: str  # what an archivist reads (Bahasa Indonesia, kept as sealed)
    sha256: str | None  # None: the item is gone (a file missing from storage, a row deleted)

    def as_manifest_entry(self) -> dict:
        return {"key": self.key, "label": self.label, "sha256": self.sha256}


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode()


def _json_default(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _row_hash(row, fields: tuple[str, ...]) -> str:
    values = {}
    for name in fields:
        value = getattr(row, name)
        values[name] = value.name if hasattr(value, "storage") else value  # a FieldFile: its stored name
    return hashlib.sha256(canonical_json(values)).hexdigest()


def _file_hash(fieldfile) -> str | None:
    if not fieldfile:
        return None
    digest = hashlib.sha256()
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def manifest_hash(manifest: list[dict]) -> str:
    return hashlib.sha256(canonical_json(manifest)).hexdigest()


def _models():
    return (
        apps.get_model("applications", "Application"),
        apps.get_model("applications", "RecordEntry"),
        apps.get_model("applications", "RequirementUpload"),
        apps.get_model("applications", "ApplicationEvent"),
    )


def seal_items(application_id: int) -> list[SealItem]:
    """Every item of the application's record as stored now, sorted by key. Rows are read fresh from the
    database (not from an object in memory) so that sealing and re-checking hash exactly the same thing."""
    return sorted(_items(application_id), key=lambda item: item.key)


def _items(application_id: int) -> Iterator[SealItem]:
    Application, RecordEntry, RequirementUpload, ApplicationEvent = _models()
    application = Application.objects.filter(pk=application_id).first()
    yield SealItem(
        "permohonan", "Data permohonan (isian formulir dan status)",
        _row_hash(application, APPLICATION_FIELDS) if application else None,
    )
    record = RecordEntry.objects.filter(application_id=application_id).first()
    if record is not None:
        yield SealItem("data-entri", "Data dokumen yang dientri (langkah 10)", _row_hash(record, RECORD_FIELDS))
    for upload in RequirementUpload.objects.filter(application_id=application_id).order_by("slot", "version"):
        base = f"berkas/{upload.slot}/v{upload.version}"
        label = f"{upload.slot_label}, versi {upload.version}"
        yield SealItem(base, f"Berkas {label}", _file_hash(upload.file))
        yield SealItem(f"{base}/catatan", f"Catatan berkas {label} (unggah dan verifikasi)",
                       _row_hash(upload, UPLOAD_FIELDS))
    if application is not None and application.output_document_id and apps.is_installed("capil.documents"):
        # Without the documents context (an installation that does not issue documents) there is no PDF.
        yield _output_item(application.output_document_id)
    for event in ApplicationEvent.objects.filter(application_id=application_id).order_by("created_at", "id"):
        step = f", langkah {event.sop_step}" if event.sop_step else ""
        when = event.created_at.astimezone(WITA).strftime("%d-%m-%Y %H.%M WITA")
        yield SealItem(f"peristiwa/{event.pk:09d}", f"Riwayat: {_action_label(event.action)}{step}, {when}",
                       _row_hash(event, EVENT_FIELDS))


def _action_label(action: str) -> str:
    """The transition's label in Bahasa Indonesia (the manifest keeps it as sealed), else its code."""
    from django.utils import translation

    from capil.applications.workflow import TRANSITIONS

    transition = TRANSITIONS.get(action)
    if transition is None:
        return action
    with translation.override("id"):
        return str(transition.label)


def _output_item(document_id: int) -> SealItem:
    key = f"dokumen/{document_id}"
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    document = IssuedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return SealItem(key, "Dokumen keluaran (PDF bertanda tangan)", None)
    return SealItem(key, f"Dokumen keluaran {document.number} (PDF bertanda tangan)", _file_hash(document.pdf))


def person_numbers(application_id: int) -> set[str]:
    """Every 16-digit number (NIK, No. KK) of the application: the applicant's NIK, the form answers and the
    step-10 record, wherever they sit in the JSON."""
    Application, RecordEntry, _, _ = _models()
    application = Application.objects.select_related("applicant").get(pk=application_id)
    found: set[str] = set()
    nik = getattr(application.applicant, "nik", "") or ""
    if _SIXTEEN_DIGITS.fullmatch(nik):
        found.add(nik)
    record = RecordEntry.objects.filter(application_id=application_id).first()
    for value in (application.answers, record.data if record else None):
        found.update(_numbers_in(value))
    return found


def _numbers_in(value) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers_in(item)
    elif isinstance(value, str):
        yield from _SIXTEEN_DIGITS.findall(value.replace(" ", "").replace(".", ""))


def recorded_hashes(application_id: int) -> dict[str, str]:
    """The hashes other contexts recorded when the files were written (the upload's normalised JPEG, the
    issued PDF), by seal key: a file that no longer matches its own record is damaged before sealing."""
    _, _, RequirementUpload, _ = _models()
    recorded = {
        f"berkas/{slot}/v{version}": sha256
        for slot, version, sha256 in RequirementUpload.objects.filter(application_id=application_id)
        .values_list("slot", "version", "sha256")
    }
    Application = apps.get_model("applications", "Application")
    document_id = Application.objects.filter(pk=application_id).values_list("output_document_id", flat=True).first()
    if document_id and apps.is_installed("capil.documents"):
        IssuedDocument = apps.get_model("documents", "IssuedDocument")
        pdf_sha256 = IssuedDocument.objects.filter(pk=document_id).values_list("pdf_sha256", flat=True).first()
        if pdf_sha256:
            recorded[f"dokumen/{document_id}"] = pdf_sha256
    return recorded
