"""Issuing, batch issuing, revoking and superseding through the service functions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from capil.accounts.models import Role
from capil.audit.models import AuditEvent
from capil.audit.services import audit_chain_verify
from capil.documents import services
from capil.documents.models import DocumentStatus, IssuedDocument
from capil.documents.samples import sample_data
from capil.documents.services import (
    document_issue,
    document_issue_batch,
    document_open,
    document_revoke,
    document_supersede,
)

from .conftest import pdf_bytes, stored_files
from .factories import UserFactory


def test_issue_records_what_was_signed(issued, signer):
    import hashlib

    pdf = pdf_bytes(issued)
    assert issued.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert issued.pdf_size == len(pdf)
    assert issued.holder_name == "NAYLA PUTRI PRATAMA"
    assert issued.reference == "BPN-2026-000123"
    assert issued.signer == signer and issued.signer_nip == signer.nip
    assert issued.signer_backend == "local" and not issued.timestamped
    assert len(issued.verification_code) == 12
    assert issued.number.startswith("6471-LT-") and issued.number.endswith("-0001")
    event = AuditEvent.objects.get(action="document.issue")
    assert event.target_id == str(issued.pk) and event.data["number"] == issued.number
    assert "6471035811260001" not in str(event.data)  # no NIK in the audit log
    assert audit_chain_verify() is None


def test_stored_file_is_private_and_streamed(issued):
    assert issued.pdf.name.startswith("documents/")
    with document_open(issued) as handle:
        assert handle.read(5) == b"%PDF-"


def test_only_a_kadis_signs(signer):
    for role in (Role.OPERATOR, Role.KASI, Role.ADMIN, Role.CITIZEN):
        with pytest.raises(PermissionDenied):
            document_issue(kind="kia", data=sample_data("kia"), holder_name="", signer=UserFactory(role=role))
    assert not IssuedDocument.objects.exists()


def test_bad_data_is_refused_before_signing(signer):
    with pytest.raises(ValidationError) as raised:
        document_issue(kind="kia", data=sample_data("kia") | {"nik_anak": "123"}, holder_name="", signer=signer)
    assert "nik_anak" in raised.value.message_dict
    with pytest.raises(ValidationError):
        document_issue(kind="tidak-ada", data={}, holder_name="", signer=signer)
    assert not IssuedDocument.objects.exists()


def test_failure_while_recording_leaves_nothing_behind(signer, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    before = stored_files()
    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        document_issue(kind="kia", data=sample_data("kia"), holder_name="", signer=signer)
    assert not IssuedDocument.objects.exists()
    assert stored_files() == before


def test_batch_issues_all_and_numbers_follow_each_other(signer):
    items = [{"kind": "kia", "data": sample_data("kia"), "holder_name": "", "reference": f"R{i}"} for i in range(3)]
    documents = document_issue_batch(items=items, signer=signer)
    assert [d.sequence for d in documents] == [1, 2, 3]
    assert [d.reference for d in documents] == ["R0", "R1", "R2"]


def test_batch_with_one_bad_item_signs_nothing(signer):
    items = [{"kind": "kia", "data": sample_data("kia")},
             {"kind": "kia", "data": sample_data("kia") | {"nomor_kk": "1"}}]
    with pytest.raises(ValidationError) as raised:
        document_issue_batch(items=items, signer=signer)
    assert "item 2" in raised.value.message_dict
    assert not IssuedDocument.objects.exists()


def test_revoke_is_audited_idempotent_and_needs_a_reason(issued, signer):
    with pytest.raises(ValidationError):
        document_revoke(document=issued, actor=signer, reason="  ")
    revoked = document_revoke(document=issued, actor=signer, reason="Salah ketik nama ibu")
    assert revoked.status == DocumentStatus.REVOKED and revoked.status_changed_by == signer
    document_revoke(document=issued, actor=signer, reason="lagi")
    assert AuditEvent.objects.filter(action="document.revoke").count() == 1
    assert IssuedDocument.objects.get(pk=issued.pk).status_reason == "Salah ketik nama ibu"


def test_supersede_links_old_and_new(issued, signer):
    data = sample_data("akta-kelahiran") | {"berat_lahir": 3200}
    new = document_supersede(document=issued, data=data, signer=signer, reason="Koreksi berat lahir")
    old = IssuedDocument.objects.get(pk=issued.pk)
    assert old.status == DocumentStatus.SUPERSEDED and old.superseded_by == new
    assert new.status == DocumentStatus.VALID and new.data["berat_lahir"] == 3200
    assert new.reference == issued.reference and new.number != issued.number
    assert AuditEvent.objects.filter(action="document.supersede", target_id=str(old.pk)).exists()
    with pytest.raises(ValidationError):
        document_supersede(document=old, data=data, signer=signer, reason="sekali lagi")


def test_prepared_drafts_are_batch_signed_keeping_number_and_code(signer, django_capture_on_commit_callbacks):
    from capil.documents.models import DocumentDraft
    from capil.documents.services import document_draft_open, document_prepare
    from capil.documents.verification import verify_pdf

    operator = UserFactory(role=Role.OPERATOR)
    drafts = [document_prepare(kind="kia", data=sample_data("kia"), holder_name="", signer=signer,
                               prepared_by=operator, reference=f"R{i}") for i in range(2)]
    with document_draft_open(drafts[0]) as handle:
        unsigned = handle.read()
    assert "tidak memiliki tanda tangan" in verify_pdf(unsigned).reason
    assert AuditEvent.objects.filter(action="document.prepare", actor=operator).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        issued = document_issue_batch(items=drafts, signer=signer)
    assert [(d.number, d.verification_code) for d in issued] == [(d.number, d.verification_code) for d in drafts]
    assert all(verify_pdf(pdf_bytes(d)).valid for d in issued)
    assert not DocumentDraft.objects.exists()
    assert not any(default_storage.exists(draft.unsigned_pdf.name) for draft in drafts)
    with pytest.raises(ValidationError):  # a draft is signed once
        document_issue_batch(items=drafts[:1], signer=signer)


def test_draft_is_signed_only_by_the_kadis_it_names(signer):
    from capil.documents.services import document_prepare

    from .factories import kadis

    draft = document_prepare(kind="kia", data=sample_data("kia"), holder_name="", signer=signer)
    with pytest.raises(ValidationError):
        document_issue_batch(items=[draft], signer=kadis(email="kadis2@documents.test"))


def test_draft_can_be_discarded_and_its_number_is_not_reused(signer):
    from capil.documents.models import DocumentDraft
    from capil.documents.services import document_draft_discard, document_prepare

    draft = document_prepare(kind="kia", data=sample_data("kia"), holder_name="", signer=signer)
    document_draft_discard(draft=draft, actor=signer, reason="Nama salah")
    assert not DocumentDraft.objects.exists()
    assert document_issue(kind="kia", data=sample_data("kia"), holder_name="", signer=signer).sequence == 2
    with pytest.raises(PermissionDenied):
        document_prepare(kind="kia", data=sample_data("kia"), holder_name="", signer=signer,
                         prepared_by=UserFactory(role=Role.CITIZEN))
