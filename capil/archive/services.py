"""Writes on the archive: sealing an application (step 18) and re-checking a seal."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from capil.audit.selectors import audit_events_for
from capil.audit.services import audit_record

from . import material
from .models import ArchivePersonKey, ArchiveRecord, SealCheck

SEAL_ACTION = "archive.seal"


class ArchiveRefused(Exception):
    """The application cannot be sealed as it is. `message` is for the archivist."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def person_number_key(number: str) -> str:
    """The keyed hash under which a NIK / No. KK is searchable. Keyed with SECRET_KEY: a copy of the
    database alone does not reveal the numbers by hashing all 10^16 candidates."""
    return salted_hmac("capil.archive.person-number", number, algorithm="sha256").hexdigest()


def archive_seal(*, application, actor, event=None) -> ArchiveRecord:
    """Seal `application` into the archive. Called by applications.services.application_archive inside the
    transaction of the "archive" transition (step 18), after the state change and its event row, so the
    seal covers the archive event too and a refused seal rolls the archiving back. Sealing twice returns
    the first seal."""
    existing = ArchiveRecord.objects.filter(application_id=application.pk).first()
    if existing is not None:
        return existing
    if application.state != "archived":
        raise ArchiveRefused(_("Hanya permohonan yang sudah diarsipkan yang dapat disegel."), code="not_archived")

    items = material.seal_items(application.pk)
    problems = [item.label for item in items if item.sha256 is None]
    recorded = material.recorded_hashes(application.pk)
    problems += [item.label for item in items if item.key in recorded and item.sha256 != recorded[item.key]]
    if problems:
        # The record is already damaged: sealing it would certify the damage. The archivist escalates.
        raise ArchiveRefused(
            _("Permohonan tidak dapat disegel karena isinya tidak utuh: %(items)s. Laporkan ke admin.")
            % {"items": "; ".join(problems)},
            code="damaged",
        )
    manifest = [item.as_manifest_entry() for item in items]
    digest = material.manifest_hash(manifest)
    applicant = application.applicant
    service_version = application.service_version
    with transaction.atomic():
        record = ArchiveRecord.objects.create(
            application=application,
            tracking_number=application.tracking_number,
            service_slug=service_version.service.slug,
            service_name=service_version.name,
            applicant_name=getattr(applicant, "full_name", "") or str(applicant),
            submitted_at=application.submitted_at,
            archived_at=timezone.now(),
            archived_by=actor,
            manifest=manifest,
            manifest_sha256=digest,
        )
        ArchivePersonKey.objects.bulk_create(
            [ArchivePersonKey(record=record, number_hash=person_number_key(number))
             for number in sorted(material.person_numbers(application.pk))]
        )
        # The manifest hash also goes into the hash-chained audit log: rewriting the manifest in the database
        # would have to rewrite the chain as well.
        audit_record(actor=actor, action=SEAL_ACTION, target=application,
                     data={"archive_record": record.pk, "manifest_sha256": digest, "items": len(manifest),
                           "event": getattr(event, "pk", None)})
    return record


def archive_recheck(*, record: ArchiveRecord, actor, request=None) -> SealCheck:
    """Recompute every hash of the seal from what is stored now and say which items changed, disappeared or
    appeared since sealing, and whether the manifest itself is intact (against its hash and the audit log)."""
    sealed = {entry["key"]: entry for entry in record.manifest}
    now = {item.key: item for item in material.seal_items(record.application_id)}
    changed, missing, added = [], [], []
    for key, entry in sealed.items():
        current = now.get(key)
        if current is None or current.sha256 is None:
            missing.append({"key": key, "label": entry["label"], "sealed": entry["sha256"], "now": None})
        elif current.sha256 != entry["sha256"]:
            changed.append({"key": key, "label": entry["label"], "sealed": entry["sha256"], "now": current.sha256})
    for key, item in now.items():
        if key not in sealed:
            added.append({"key": key, "label": item.label, "sealed": None, "now": item.sha256})
    manifest_ok = material.manifest_hash(record.manifest) == record.manifest_sha256 and _anchored(record)
    ok = manifest_ok and not (changed or missing or added)
    checked_at = timezone.now()
    with transaction.atomic():
        check = SealCheck.objects.create(record=record, checked_at=checked_at, checked_by=actor, ok=ok,
                                         manifest_ok=manifest_ok, changed=changed, missing=missing, added=added)
        ArchiveRecord.objects.filter(pk=record.pk).update(last_checked_at=checked_at, last_check_ok=ok)
        audit_record(actor=actor, action="archive.recheck", target=record, request=request,
                     data={"ok": ok, "manifest_ok": manifest_ok, "changed": [c["key"] for c in changed],
                           "missing": [m["key"] for m in missing], "added": [a["key"] for a in added]})
    record.last_checked_at, record.last_check_ok = checked_at, ok
    return check


def _anchored(record: ArchiveRecord) -> bool:
    """The manifest hash written into the audit chain when sealing equals the record's."""
    application_model = apps.get_model("applications", "Application")
    target_type = f"{application_model._meta.app_label}.{application_model._meta.model_name}"
    events = audit_events_for(target_type=target_type, target_id=record.application_id).filter(action=SEAL_ACTION)
    return any(event.data.get("manifest_sha256") == record.manifest_sha256 for event in events)
