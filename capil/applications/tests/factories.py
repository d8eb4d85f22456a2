"""Test data made through the real services: the catalog imported from the office's SOP document,
applications opened, filled, uploaded and moved through the workflow by the roles the SOP names."""

import copy
import io
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from capil.accounts.models import Role
from capil.accounts.tests.factories import CitizenFactory, StaffFactory

from .. import services, sop
from ..models import Application, State
from ..workflow import application_transition

SAMPLES = Path(__file__).resolve().parent / "samples"


_CATALOG_ROWS: list | None = None


def catalog_load() -> None:
    """The office's SOP document, imported by the catalog's own import once per test process; later tests
    get the same rows re-inserted (parsing the document again would cost half a second per test)."""
    global _CATALOG_ROWS
    from capil.catalog.models import Requirement, Service, ServiceVersion, Step
    from capil.catalog.services import catalog_import

    models = (Service, ServiceVersion, Step, Requirement)
    if _CATALOG_ROWS is None or Service.objects.exists():
        catalog_import(text=Path(settings.CAPIL_SOP_DOCUMENT).read_text())
        _CATALOG_ROWS = [(model, list(model.objects.order_by("pk"))) for model in models]
        return
    # Foreign keys are checked at commit (deferred), so the circular Service.current_version is fine — inside
    # one transaction, also for tests that run in autocommit (transactional and browser tests).
    with transaction.atomic():
        for model, rows in _CATALOG_ROWS:
            model.objects.bulk_create([copy.copy(row) for row in rows])


def version_of(slug: str):
    version = sop.online_version_by_slug(slug)
    assert version is not None, f"no online service {slug!r} in the catalog"
    return version


def online_slugs() -> list[str]:
    return [s.slug for s in sop.online_services()]


@cache
def document_jpeg() -> bytes:
    """A small but readable 'document photo' (1200×900), cheap to normalise."""
    image = Image.new("RGB", (1200, 900), (245, 245, 240))
    for y in range(100, 800, 40):
        for x in range(100, 1100, 8):
            image.putpixel((x, y), (20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def photo(name: str = "dokumen.jpg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else document_jpeg(), content_type="image/jpeg")


def valid_answers(version, **overrides) -> dict:
    """Answers that pass the service's form: a value of the right type for every field."""
    answers = {}
    for spec in sop.form_fields(version):
        if spec.type == "date":
            value = "2026-11-18"
        elif spec.type == "time":
            value = "04:35"
        elif spec.type == "number":
            value = "1"
        elif spec.type in ("nik",):
            value = "6471031507880004"
        elif spec.type == "kk_number":
            value = "6471031204190007"
        elif spec.type == "phone":
            value = "+6281234567890"
        elif spec.type == "email":
            value = "dinas@contoh.go.id"
        elif spec.type == "select":
            value = spec.choices[0][0]
        elif spec.type == "boolean":
            value = False
        else:
            value = "RIZKY ADITYA PRATAMA"
        answers[spec.name] = value
    if sop.output_kind_field(version) == "output_kind":
        answers["output_kind"] = sop.output_kind_choices(version)[0]
    answers.update(overrides)
    return answers


def citizen(**kwargs):
    return CitizenFactory(**kwargs)


def staff(role: Role, **kwargs):
    return StaffFactory(role=role, **kwargs)


def draft(*, applicant=None, slug: str = "akta-kelahiran", answers: dict | None = None) -> Application:
    applicant = applicant or citizen()
    version = version_of(slug)
    application = services.application_create(applicant=applicant, service_version=version)
    return services.application_answers_save(application=application, actor=applicant,
                                             answers=answers if answers is not None else valid_answers(version))


def upload_all(application: Application) -> None:
    for slot in services.application_slots(application=application):
        services.requirement_upload(application=application, actor=application.applicant, slot=slot.slot,
                                    fileobj=photo())


def submitted(**kwargs) -> Application:
    application = draft(**kwargs)
    upload_all(application)
    return application_transition(application=application, action="submit", actor=application.applicant)


def accept_all(application: Application, operator) -> None:
    for slot in services.application_slots(application=application):
        services.requirement_review(upload=slot.upload, actor=operator, accepted=True)


def record_data(application: Application) -> dict:
    """Data for the step-10 form of the application's output kind, as an operator would enter it."""
    from capil.documents.samples import sample_data

    return sample_data(application.output_kind)


def advance(application: Application, *, to: str, staff_by_role: dict) -> Application:
    """Walk a submitted application forward with the SOP's roles until it reaches state `to`."""
    order = [State.VERIFICATION, State.DATA_ENTRY, State.KASI_VERIFICATION, State.CERTIFICATION_REQUEST,
             State.CERTIFICATION, State.TTE_VALIDATION, State.SIGNING]
    application.refresh_from_db()
    while application.state != to:
        state = application.state
        if state == State.VERIFICATION:
            accept_all(application, staff_by_role[Role.OPERATOR])
            application = application_transition(application=application, action="requirements_met",
                                                  actor=staff_by_role[Role.OPERATOR])
        elif state == State.DATA_ENTRY:
            services.record_enter(application=application, actor=staff_by_role[Role.OPERATOR],
                                  data=record_data(application))
        else:
            action = {State.KASI_VERIFICATION: "verify", State.CERTIFICATION_REQUEST: "request_certification",
                      State.CERTIFICATION: "certify", State.TTE_VALIDATION: "validate"}[state]
            role = Role.KASI if state != State.TTE_VALIDATION else Role.KADIS
            application = application_transition(application=application, action=action, actor=staff_by_role[role])
        application.refresh_from_db()
        assert application.state in order + [to], application.state
    return application


def a_past_date() -> str:
    return date(2026, 11, 18).isoformat()


def application_row(*, applicant, state: str = State.VERIFICATION, slug: str = "akta-kelahiran",
                    with_document: bool = False) -> Application:
    """For the URL access matrix only: an application already standing in `state`, with one stored upload,
    made as rows (walking the workflow for every visitor kind of every URL would take minutes). Workflow
    behaviour is tested through the services elsewhere."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from ..models import RequirementUpload
    from ..services import _next_serial, tracking_number_format

    catalog_load()
    version = version_of(slug)
    now = timezone.now()
    application = Application.objects.create(
        tracking_number=tracking_number_format(serial=_next_serial(), year=now.year), service_version=version,
        applicant=applicant, answers=valid_answers(version), state=state, sop_step=8, state_entered_at=now,
        submitted_at=None if state == State.DRAFT else now, output_kind=version.output_kind or "")
    upload = RequirementUpload(application=application, slot="ktp", slot_label="KTP", version=1, sha256="0" * 64,
                               width=1200, height=900, size=len(document_jpeg()), uploaded_by=applicant)
    upload.file.save("ktp.jpg", ContentFile(document_jpeg()), save=False)
    upload.save()
    if with_document:
        from capil.documents.tests.factories import issued_document_row

        application.output_document = issued_document_row(reference=application.tracking_number)
        application.save(update_fields=["output_document"])
    return application
