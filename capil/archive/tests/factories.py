"""Archive test data, made through the real services of the applications workflow: an application is
applied for, verified (optionally with one round of "requirements not met"), entered, certified, signed
with an issued output document and delivered; the archivist then archives it through
`applications.services.application_archive`, which seals it."""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from capil.accounts.models import Role
from capil.applications import services as application_services
from capil.applications.models import Application, RejectionReason, State
from capil.applications.tests import factories as app_factories
from capil.applications.workflow import application_transition
from capil.archive.models import ArchiveRecord


class Staff:
    """One member of staff per back-office role."""

    def __init__(self):
        self.operator = app_factories.staff(Role.OPERATOR, full_name="Operator Arsip")
        self.kasi = app_factories.staff(Role.KASI, full_name="Kasi Arsip")
        self.kadis = app_factories.staff(Role.KADIS, full_name="Kadis Arsip")
        self.arsiparis = app_factories.staff(Role.ARSIPARIS, full_name="Arsiparis Arsip")

    @property
    def by_role(self) -> dict:
        return {Role.OPERATOR: self.operator, Role.KASI: self.kasi, Role.KADIS: self.kadis}


def issued_pdf(application: Application, signer):
    """An issued-document row with a stand-in PDF whose recorded hash is the file's own (the documents
    context's signing is tested there; here only the bytes matter)."""
    from capil.documents.tests.factories import issued_document_row

    pdf = b"%PDF-1.7\n% stand-in output for " + application.tracking_number.encode() + b" " + uuid.uuid4().hex.encode()
    name = default_storage.save(f"documents/test/{application.tracking_number}.pdf", ContentFile(pdf))
    return issued_document_row(signer=signer, pdf=name, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                               pdf_size=len(pdf), reference=application.tracking_number)


def delivered(*, staff: Staff | None = None, applicant=None, slug: str = "akta-kelahiran", answers=None,
              return_round: bool = False) -> Application:
    """An application waiting for the archivist (step 18)."""
    app_factories.catalog_load()
    staff = staff or Staff()
    application = app_factories.submitted(applicant=applicant, slug=slug, answers=answers)
    if return_round:
        slots = application_services.application_slots(application=application)
        first, rest = slots[0], slots[1:]
        application_services.requirement_review(upload=first.upload, actor=staff.operator, accepted=False,
                                                reason_code=RejectionReason.UNREADABLE, reason_text="Buram")
        for slot in rest:
            application_services.requirement_review(upload=slot.upload, actor=staff.operator, accepted=True)
        application_transition(application=application, action="requirements_not_met", actor=staff.operator)
        application_services.requirement_upload(application=application, actor=application.applicant,
                                                slot=first.slot, fileobj=app_factories.photo())
        application_transition(application=application, action="resubmit", actor=application.applicant)
        application.refresh_from_db()
    application = app_factories.advance(application, to=State.SIGNING, staff_by_role=staff.by_role)
    # Step 15 with a stand-in signed PDF (signing itself is the documents context's test), then 16–17.
    document = issued_pdf(application, staff.kadis)
    Application.objects.filter(pk=application.pk).update(output_document_id=document.pk)
    application.refresh_from_db()
    application_transition(application=application, action="sign", actor=staff.kadis)
    application_transition(application=application, action="deliver", actor=None)
    application.refresh_from_db()
    assert application.state == State.ARCHIVING
    return application


def archived(*, staff: Staff | None = None, **kwargs):
    """A delivered application archived (and so sealed) by the archivist. Returns its ArchiveRecord."""
    staff = staff or Staff()
    application = delivered(staff=staff, **kwargs)
    application_services.application_archive(application=application, actor=staff.arsiparis)
    return ArchiveRecord.objects.select_related("application").get(application_id=application.pk)


def sealed_quickly(*, archivist, applicant=None, answers=None):
    """A sealed record without walking the back office: a submitted application is put straight into
    ARCHIVED (a test shortcut for tests about the archive itself; the real path is `archived`)."""
    from capil.archive.services import archive_seal

    app_factories.catalog_load()
    application = app_factories.submitted(applicant=applicant, answers=answers)
    Application.objects.filter(pk=application.pk).update(state=State.ARCHIVED)
    application.refresh_from_db()
    return archive_seal(application=application, actor=archivist)
