"""Sealing an application into the archive (SOP step 18) and re-checking the seal."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from capil.applications import services as application_services
from capil.applications.models import Application, ApplicationEvent, RequirementUpload, State
from capil.applications.tests import factories as app_factories
from capil.applications.workflow import TransitionRefused, application_transition
from capil.archive import material
from capil.archive.models import ArchiveRecord, SealCheck
from capil.archive.selectors import archive_is_sealed
from capil.archive.services import ArchiveRefused, archive_recheck, archive_seal
from capil.audit.models import AuditEvent
from capil.audit.services import audit_chain_verify

from .factories import Staff, archived, delivered, sealed_quickly

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return Staff()


def overwrite(fieldfile, content: bytes) -> None:
    """Change a stored file in place, as a disk error or someone with access to the volume would."""
    with default_storage.open(fieldfile.name, "wb") as handle:
        handle.write(content)


def test_archiving_seals_every_version_of_every_upload_the_output_and_the_event_trail(staff):
    record = archived(staff=staff, return_round=True)
    application = record.application
    assert application.state == State.ARCHIVED
    keys = [entry["key"] for entry in record.manifest]

    uploads = RequirementUpload.objects.filter(application=application)
    assert uploads.filter(version=2).exists()  # the replaced file after the "not met" round
    for upload in uploads:
        key = f"berkas/{upload.slot}/v{upload.version}"
        entry = next(e for e in record.manifest if e["key"] == key)
        assert entry["sha256"] == upload.sha256  # the hash of the stored JPEG, as recorded when uploaded
        assert f"{key}/catatan" in keys  # and its review (accepted / rejected with reason)
    document_entries = [e for e in record.manifest if e["key"].startswith("dokumen/")]
    assert len(document_entries) == 1
    assert document_entries[0]["sha256"] == application.output_document.pdf_sha256
    events = ApplicationEvent.objects.filter(application=application)
    assert [k for k in keys if k.startswith("peristiwa/")] == [f"peristiwa/{e.pk:09d}" for e in events]
    assert events.last().action == "archive"  # the seal covers the archiving itself
    assert "permohonan" in keys and "data-entri" in keys
    assert record.manifest_sha256 == material.manifest_hash(record.manifest)
    assert record.tracking_number == application.tracking_number
    assert record.archived_by == staff.arsiparis


def test_the_seal_is_written_into_the_audit_chain(staff):
    record = archived(staff=staff)
    seal_event = AuditEvent.objects.get(action="archive.seal", target_id=str(record.application_id))
    assert seal_event.data["manifest_sha256"] == record.manifest_sha256
    assert audit_chain_verify() is None


def test_archived_application_is_read_only(staff):
    record = archived(staff=staff)
    application = record.application
    assert archive_is_sealed(application)
    slot = application_services.application_slots(application=application)[0]
    with pytest.raises(TransitionRefused):
        application_services.requirement_upload(application=application, actor=application.applicant,
                                                slot=slot.slot, fileobj=app_factories.photo())
    with pytest.raises(TransitionRefused):
        application_transition(application=application, action="withdraw", actor=application.applicant)
    assert RequirementUpload.objects.filter(application=application, slot=slot.slot).count() == 1


def test_archiving_twice_keeps_one_seal(staff):
    record = archived(staff=staff)
    again = application_services.application_archive(application=record.application, actor=staff.arsiparis)
    assert again.state == State.ARCHIVED
    assert ArchiveRecord.objects.count() == 1
    assert archive_seal(application=record.application, actor=staff.arsiparis) == record


def test_only_the_archivist_archives(staff):
    application = delivered(staff=staff)
    with pytest.raises(TransitionRefused):
        application_services.application_archive(application=application, actor=staff.kasi)
    application.refresh_from_db()
    assert application.state == State.ARCHIVING
    assert not archive_is_sealed(application)


def test_a_damaged_file_is_not_sealed_and_the_application_stays_unarchived(staff):
    application = delivered(staff=staff)
    upload = RequirementUpload.objects.filter(application=application).first()
    overwrite(upload.file, b"\xff\xd8\xff not the uploaded photo")
    with pytest.raises(ArchiveRefused) as caught:
        application_services.application_archive(application=application, actor=staff.arsiparis)
    assert caught.value.code == "damaged"
    assert upload.slot_label in caught.value.message
    application.refresh_from_db()
    assert application.state == State.ARCHIVING  # the transition was rolled back with the seal
    assert not ApplicationEvent.objects.filter(application=application, action="archive").exists()
    assert not ArchiveRecord.objects.exists()


def test_recheck_of_an_untouched_archive_is_ok(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert check.ok and check.manifest_ok
    assert check.changed == check.missing == check.added == []
    record.refresh_from_db()
    assert record.last_check_ok is True


def test_recheck_names_the_upload_whose_file_was_changed(staff):
    record = archived(staff=staff, return_round=True)
    upload = RequirementUpload.objects.filter(application=record.application, version=1).first()
    overwrite(upload.file, b"tampered")
    check = archive_recheck(record=record, actor=staff.kasi)
    assert not check.ok
    assert check.manifest_ok
    assert [c["key"] for c in check.changed] == [f"berkas/{upload.slot}/v1"]
    assert check.changed[0]["now"] == hashlib.sha256(b"tampered").hexdigest()
    assert upload.slot_label in check.changed[0]["label"]
    assert check.missing == check.added == []
    record.refresh_from_db()
    assert record.last_check_ok is False


def test_recheck_names_the_output_pdf_when_it_was_replaced(staff):
    from capil.documents.models import IssuedDocument

    record = archived(staff=staff)
    document = IssuedDocument.objects.get(pk=record.application.output_document_id)
    overwrite(document.pdf, b"%PDF-1.7 another document")
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert [c["key"] for c in check.changed] == [f"dokumen/{document.pk}"]


def test_recheck_names_an_event_rewritten_in_the_database(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    event = ApplicationEvent.objects.filter(application=record.application, action="submit").get()
    ApplicationEvent.objects.filter(pk=event.pk).update(reason="diubah diam-diam")
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert [c["key"] for c in check.changed] == [f"peristiwa/{event.pk:09d}"]


def test_recheck_names_form_answers_changed_after_archiving(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    application = record.application
    Application.objects.filter(pk=application.pk).update(answers={**application.answers, "extra": "x"})
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert [c["key"] for c in check.changed] == ["permohonan"]


def test_recheck_reports_a_deleted_file_as_missing(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    upload = RequirementUpload.objects.filter(application=record.application).first()
    default_storage.delete(upload.file.name)
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert [m["key"] for m in check.missing] == [f"berkas/{upload.slot}/v{upload.version}"]
    assert not check.ok


def test_recheck_reports_an_event_added_after_sealing(staff):
    from django.utils import timezone

    record = sealed_quickly(archivist=staff.arsiparis)
    now = timezone.now()
    extra = ApplicationEvent.objects.create(
        application=record.application, action="archive", from_state=State.ARCHIVED, to_state=State.ARCHIVED,
        actor_role="ADMIN", started_at=now, created_at=now,
    )
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert [a["key"] for a in check.added] == [f"peristiwa/{extra.pk:09d}"]
    assert not check.ok


def test_recheck_detects_a_manifest_rewritten_with_a_consistent_hash(staff):
    """Whoever rewrites a file and its manifest entry and the manifest hash is caught by the audit chain."""
    record = sealed_quickly(archivist=staff.arsiparis)
    upload = RequirementUpload.objects.filter(application=record.application).first()
    overwrite(upload.file, b"forged")
    manifest = [dict(e, sha256=hashlib.sha256(b"forged").hexdigest())
                if e["key"] == f"berkas/{upload.slot}/v{upload.version}" else e for e in record.manifest]
    ArchiveRecord.objects.filter(pk=record.pk).update(manifest=manifest,
                                                      manifest_sha256=material.manifest_hash(manifest))
    record.refresh_from_db()
    check = archive_recheck(record=record, actor=staff.arsiparis)
    assert check.changed == []
    assert check.manifest_ok is False
    assert check.ok is False


def test_each_recheck_is_kept_and_audited(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    archive_recheck(record=record, actor=staff.arsiparis)
    archive_recheck(record=record, actor=staff.kasi)
    assert SealCheck.objects.filter(record=record).count() == 2
    assert AuditEvent.objects.filter(action="archive.recheck").count() == 2
    assert audit_chain_verify() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_archivists_archiving_at_once_make_one_seal():
    """Both press "Arsipkan" at the same moment: the row lock serialises them; one seals, the other finds the
    application archived already and gets it back unchanged."""
    import threading
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from capil.catalog.services import catalog_import

    # The catalog through its own import: the shared factory's fast path re-inserts cached rows and relies on
    # foreign keys being checked at the end of the test's transaction, which a transactional test does not have.
    catalog_import(text=Path(settings.CAPIL_SOP_DOCUMENT).read_text())
    staff = Staff()
    other = app_factories.staff(staff.arsiparis.role, full_name="Arsiparis Kedua")
    application = delivered(staff=staff)
    barrier = threading.Barrier(2)
    outcomes = []

    def archive(actor):
        try:
            barrier.wait(timeout=10)
            outcomes.append(application_services.application_archive(application=application.pk, actor=actor).state)
        except Exception as exc:  # noqa: BLE001 — recorded and asserted below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=archive, args=(actor,)) for actor in (staff.arsiparis, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [State.ARCHIVED, State.ARCHIVED]
    assert ArchiveRecord.objects.filter(application=application).count() == 1
    assert ApplicationEvent.objects.filter(application=application, action="archive").count() == 1
