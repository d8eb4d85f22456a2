"""Writes on applications. State changes go through `workflow.application_transition`; these functions
prepare what a transition needs (answers, uploads, reviews, the step-10 record, the signed document) and
call it."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from capil.accounts.models import Role
from capil.audit.services import audit_record

from . import siak, sop
from .models import (
    Application,
    Channel,
    RecordEntry,
    RejectionReason,
    RequirementUpload,
    State,
    TrackingCounter,
    UploadStatus,
)
from .workflow import (
    STATES,
    TransitionConflict,
    TransitionRefused,
    application_transition,
    state_due,
    state_holder,
)

EDITABLE_STATES = (State.DRAFT, State.RETURNED)
SEQUENCE_NAME = "applications_tracking_seq"


# ------------------------------------------------------------------------------------ tracking numbers

def _next_serial() -> int:
    """A number from a database sequence: PostgreSQL's own sequence, or a counter row updated under lock in
    the caller's transaction on SQLite. Gaps are possible (abandoned transactions); duplicates are not."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE_NAME])
            return cursor.fetchone()[0]
    with transaction.atomic():
        TrackingCounter.objects.get_or_create(name="application")
        TrackingCounter.objects.filter(name="application").update(value=F("value") + 1)
        return TrackingCounter.objects.get(name="application").value


def tracking_number_format(*, serial: int, year: int) -> str:
    from django.conf import settings

    return f"{settings.CAPIL_OFFICE['code']}-{year}-{serial:06d}"


# ------------------------------------------------------------------------------------------- creating

def application_create(*, applicant, service_version, channel: str = Channel.ONLINE,
                       answers: dict | None = None, request=None) -> Application:
    """Open a draft for `applicant` under `service_version` (kept for the application's whole life)."""
    if applicant.role != Role.CITIZEN:
        raise TransitionRefused(_("Hanya pemohon yang dapat membuat permohonan."), code="forbidden")
    if channel == Channel.ONLINE and not sop.version_is_online(service_version):
        raise TransitionRefused(_("Layanan ini tidak tersedia secara online."), code="not_online")
    now = timezone.now()
    with transaction.atomic():
        serial = _next_serial()
        application = Application(
            tracking_number=tracking_number_format(serial=serial, year=timezone.localdate(now).year),
            service_version=service_version, applicant=applicant, channel=channel, answers=answers or {},
            state=State.DRAFT, sop_step=STATES[State.DRAFT].steps[0], state_entered_at=now,
            output_kind=sop.default_output_kind(service_version) or "",
        )
        application.due_at = None  # the applicant's own pace: drafts have no deadline
        application.save()
        audit_record(actor=applicant, action="application.create", target=application, request=request,
                     data={"service_version": service_version.pk})
    return application


def _lock_editable(application: Application, actor) -> Application:
    app = Application.objects.select_for_update(of=("self",)).select_related("service_version").get(pk=application.pk)
    if actor.pk != app.applicant_id:
        raise TransitionRefused(_("Anda tidak berwenang mengubah permohonan ini."), code="forbidden")
    if app.state not in EDITABLE_STATES:
        raise TransitionRefused(_("Permohonan ini sudah diajukan dan tidak dapat diubah."), code="not_editable")
    return app


def application_answers_save(*, application: Application, actor, answers: dict) -> Application:
    """Keep the applicant's form answers (already validated by the form built from the catalog fields).
    A draft may be saved incomplete and finished later."""
    with transaction.atomic():
        app = _lock_editable(application, actor)
        app.answers = answers
        app.output_kind = sop.output_kind_chosen(app.service_version, answers) or sop.default_output_kind(
            app.service_version) or ""
        app.save(update_fields=["answers", "output_kind"])
    return app


# ------------------------------------------------------------------------------------------- uploads

def application_slots(*, application: Application) -> list:
    """The requirement slots that apply to this application's answers (conditional ones only when their
    condition holds), each with its current upload (or None)."""
    requirements = sop.requirements_for(application.service_version, application.answers)
    current = {u.slot: u for u in application.uploads.filter(superseded_at__isnull=True)}
    return [SlotState(requirement=r, upload=current.get(r.slot)) for r in requirements]


@dataclass
class SlotState:
    requirement: "sop.Slot"
    upload: RequirementUpload | None

    @property
    def slot(self) -> str:
        return self.requirement.slot


def application_missing_items(*, application: Application) -> list[str]:
    """What stops the applicant from submitting: required form fields left empty, required slots empty."""
    missing = [str(label) for label in sop.missing_answers(application.service_version, application.answers)]
    missing += [s.requirement.label for s in application_slots(application=application)
                if s.requirement.required and s.upload is None]
    return missing


def requirement_upload(*, application: Application, actor, slot: str, fileobj, request=None,
                       recorded_by=None) -> RequirementUpload:
    """Normalise the file (decode, rotate, strip metadata, downscale, re-encode JPEG) and store it as the
    next version of `slot`. A refused file raises UploadRejected and stores nothing. While the application
    is back with the applicant, only slots the operator rejected (or slots that newly apply) are replaced.
    `recorded_by`: the staff member who photographed the document for the applicant (counter intake); the
    upload and its audit row name them."""
    from .images import normalise_upload

    slots = {s.slot: s for s in application_slots(application=application)}
    if slot not in slots:
        raise TransitionRefused(_("Slot persyaratan tidak dikenal untuk permohonan ini."), code="unknown_slot")
    label = slots[slot].requirement.label
    normalised = normalise_upload(fileobj, slot_label=label)  # before the lock: decoding takes time
    stored_name = None
    try:
        with transaction.atomic():
            app = _lock_editable(application, actor)
            previous = app.uploads.select_for_update().filter(slot=slot, superseded_at__isnull=True).first()
            if app.state == State.RETURNED and previous is not None and previous.status != UploadStatus.REJECTED:
                raise TransitionRefused(
                    _("Berkas %(label)s sudah dinyatakan sesuai dan tidak perlu diganti.") % {"label": label},
                    code="not_rejected")
            version = 1
            if previous is not None:
                version = previous.version + 1
                previous.superseded_at = timezone.now()
                previous.save(update_fields=["superseded_at"])
            upload = RequirementUpload(
                application=app, slot=slot, slot_label=label, version=version, sha256=normalised.sha256,
                width=normalised.width, height=normalised.height, size=len(normalised.jpeg_bytes),
                uploaded_by=recorded_by or actor,
            )
            upload.file.save(f"{slot}.jpg", ContentFile(normalised.jpeg_bytes), save=False)
            stored_name = upload.file.name
            upload.save()
            audit_record(actor=recorded_by or actor, action="application.upload", target=app, request=request,
                         data={"slot": slot, "version": version, "sha256": normalised.sha256,
                               **({"on_behalf_of": actor.pk} if recorded_by else {})})
    except BaseException:
        # Storage is not transactional: a file written for a row that was rolled back is removed.
        if stored_name:
            RequirementUpload.file.field.storage.delete(stored_name)
        raise
    return upload


# --------------------------------------------------------------------------------------------- claims

def _lock_for_staff(application: Application | int) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    # of=self: PostgreSQL cannot lock the nullable side of the claimed_by outer join.
    return (Application.objects.select_for_update(of=("self",)).select_related("service_version", "claimed_by")
            .get(pk=pk))


def application_claim(*, application: Application | int, actor, request=None) -> Application:
    """Take the application into one's own hands. Only the role that holds its current state may; when
    someone else holds it, the caller learns who. Claiming one's own claim again changes nothing."""
    with transaction.atomic():
        app = _lock_for_staff(application)
        if app.state in (State.ARCHIVED, State.WITHDRAWN) or state_holder(app) != actor.role:
            raise TransitionRefused(_("Permohonan ini tidak sedang menunggu peran Anda."), code="forbidden")
        if app.claimed_by_id == actor.pk:
            return app
        if app.claimed_by_id is not None:
            raise TransitionConflict(_("Permohonan %(number)s sedang ditangani oleh %(who)s.")
                                     % {"number": app.tracking_number, "who": app.claimed_by})
        app.claimed_by, app.claimed_at = actor, timezone.now()
        app.save(update_fields=["claimed_by", "claimed_at"])
        audit_record(actor=actor, action="application.claim", target=app, request=request)
    return app


def application_release(*, application: Application | int, actor, request=None) -> Application:
    with transaction.atomic():
        app = _lock_for_staff(application)
        if app.claimed_by_id != actor.pk:
            raise TransitionRefused(_("Permohonan ini tidak sedang Anda tangani."), code="not_claimed")
        app.claimed_by, app.claimed_at = None, None
        app.save(update_fields=["claimed_by", "claimed_at"])
        audit_record(actor=actor, action="application.release", target=app, request=request)
    return app


def application_reassign(*, application: Application | int, actor, to_user, request=None) -> Application:
    """A Kasi hands an application to another member of staff of the role that holds it."""
    if actor.role != Role.KASI:
        raise TransitionRefused(_("Hanya Kasi yang dapat mengalihkan permohonan."), code="forbidden")
    with transaction.atomic():
        app = _lock_for_staff(application)
        holder = state_holder(app)
        if to_user is not None and (to_user.role != holder or not to_user.is_active):
            raise TransitionRefused(_("Petugas tujuan tidak memegang langkah ini."), code="bad_target")
        before = app.claimed_by_id
        app.claimed_by = to_user
        app.claimed_at = timezone.now() if to_user else None
        app.save(update_fields=["claimed_by", "claimed_at"])
        audit_record(actor=actor, action="application.reassign", target=app, request=request,
                     data={"from_user": before, "to_user": to_user.pk if to_user else None})
    return app


def _claim_implicitly(app: Application, actor) -> None:
    """Staff who act on an unclaimed application take it; one claimed by a colleague is refused."""
    if app.claimed_by_id is None:
        app.claimed_by, app.claimed_at = actor, timezone.now()
        app.save(update_fields=["claimed_by", "claimed_at"])
    elif app.claimed_by_id != actor.pk:
        raise TransitionConflict(_("Permohonan %(number)s sedang ditangani oleh %(who)s.")
                                 % {"number": app.tracking_number, "who": app.claimed_by})


# ------------------------------------------------------------------------------------ verification (8–9)

def requirement_review(*, upload: RequirementUpload | int, actor, accepted: bool, reason_code: str = "",
                       reason_text: str = "", request=None) -> RequirementUpload:
    """The operator's verdict on one file at step 9. A rejection needs a reason from the list; free text adds
    the detail the applicant will read. Changing one's mind before deciding the step is allowed."""
    upload_pk = upload.pk if isinstance(upload, RequirementUpload) else upload
    reason_text = (reason_text or "").strip()[:500]
    if not accepted and reason_code not in RejectionReason.values:
        raise TransitionRefused(_("Pilih alasan penolakan."), code="reason_required")
    if not accepted and reason_code == RejectionReason.OTHER and not reason_text:
        raise TransitionRefused(_("Tuliskan keterangan untuk alasan “Lainnya”."), code="reason_required")
    with transaction.atomic():
        application_id = RequirementUpload.objects.values_list("application_id", flat=True).get(pk=upload_pk)
        app = _lock_for_staff(application_id)
        if app.state != State.VERIFICATION or state_holder(app) != actor.role:
            raise TransitionRefused(_("Berkas ini tidak sedang diverifikasi oleh peran Anda."), code="forbidden")
        _claim_implicitly(app, actor)
        item = RequirementUpload.objects.select_for_update().get(pk=upload_pk)
        if item.superseded_at is not None:
            raise TransitionConflict(_("Berkas ini sudah diganti oleh pemohon; periksa versi terbarunya."))
        item.status = UploadStatus.ACCEPTED if accepted else UploadStatus.REJECTED
        item.reason_code = "" if accepted else reason_code
        item.reason_text = "" if accepted else reason_text
        item.reviewed_by, item.reviewed_at = actor, timezone.now()
        item.save(update_fields=["status", "reason_code", "reason_text", "reviewed_by", "reviewed_at"])
        audit_record(actor=actor, action="application.review", target=app, request=request,
                     data={"slot": item.slot, "version": item.version, "status": item.status,
                           "reason_code": item.reason_code})
    return item


# ----------------------------------------------------------------------------------- data entry (10)

def record_enter(*, application: Application | int, actor, data: dict, request=None) -> RecordEntry:
    """Keep the output document's data as entered or confirmed by the operator at step 10 (through the
    configured SIAK backend), and move the application to the Kasi."""
    with transaction.atomic():
        app = _lock_for_staff(application)
        if app.state != State.DATA_ENTRY or state_holder(app) != actor.role:
            raise TransitionRefused(_("Permohonan ini tidak sedang menunggu entri data oleh peran Anda."),
                                    code="forbidden")
        _claim_implicitly(app, actor)
        record = siak.backend().record_save(application=app, output_kind=app.output_kind, data=data, actor=actor)
        application_transition(application=app, action="enter_data", actor=actor, request=request,
                               expected_state=State.DATA_ENTRY)
    return record


# -------------------------------------------------------------------------------------- signing (15)

def _issue_item(app: Application) -> dict:
    record = app.record
    return {"kind": app.output_kind, "data": record.data, "holder_name": "", "reference": app.tracking_number}


@dataclass
class SignResult:
    signed: list[Application]
    skipped: list[tuple[str, str]]  # (tracking number, why)
    error: Exception | None = None  # why a batch stopped part-way (the ones before it are signed)


def application_sign_batch(*, applications: list[int], actor, signer_secret: str | None = None,
                           request=None) -> SignResult:
    """Kadis signs many applications at once (one passphrase entry), steps 15–17 for each: the documents
    component renders and signs outside any transaction (a signature takes ~0.1 s; holding row locks that long
    would stall the office), then each application is recorded in its own transaction: lock, check it still
    waits for signature, attach the document, `sign`, and `deliver` (SMS and e-mail with the PDF, or the
    pick-up notice). A document whose application was signed by someone else in the meantime is revoked, so
    no second valid copy exists. The passphrase is passed to the signer and never kept."""
    from capil.documents.services import BatchInterrupted, document_issue_batch, document_revoke

    if actor.role != Role.KADIS:
        raise TransitionRefused(_("Hanya Kadis yang dapat menandatangani."), code="forbidden")
    skipped: list[tuple[str, str]] = []
    ready = []
    for app in (Application.objects.select_related("service_version", "claimed_by", "record")
                .filter(pk__in=applications).order_by("pk")):
        if app.state != State.SIGNING:
            skipped.append((app.tracking_number, str(app.get_state_display())))
        elif app.claimed_by_id not in (None, actor.pk):
            skipped.append((app.tracking_number, _("ditangani %(who)s") % {"who": app.claimed_by}))
        else:
            ready.append(app)
    if not ready:
        return SignResult(signed=[], skipped=skipped)
    error = None
    try:
        documents = document_issue_batch(items=[_issue_item(a) for a in ready], signer=actor,
                                         signer_secret=signer_secret)
    except BatchInterrupted as exc:
        documents, error = exc.issued, exc.error
    signed = []
    for app, document in zip(ready, documents, strict=False):
        with transaction.atomic():
            locked = _lock_for_staff(app)
            if locked.state != State.SIGNING or locked.output_document_id is not None:
                document_revoke(document=document, actor=actor, reason=_("Ditandatangani ganda; permohonan "
                                                                         "sudah diproses."))
                skipped.append((locked.tracking_number, str(locked.get_state_display())))
                continue
            locked.output_document_id = document.pk
            locked.save(update_fields=["output_document_id"])
            application_transition(application=locked, action="sign", actor=actor, request=request,
                                   expected_state=State.SIGNING)
            signed.append(application_transition(application=locked, action="deliver", actor=None))
    for app in ready[len(documents):]:
        skipped.append((app.tracking_number, _("belum ditandatangani")))
    return SignResult(signed=signed, skipped=skipped, error=error)


def application_sign(*, application: Application | int, actor, signer_secret: str | None = None,
                     request=None) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    result = application_sign_batch(applications=[pk], actor=actor, signer_secret=signer_secret, request=request)
    if not result.signed:
        app = Application.objects.get(pk=pk)
        if app.state in (State.DELIVERY, State.ARCHIVING, State.ARCHIVED):
            raise TransitionConflict(_("Permohonan %(number)s sudah ditandatangani.")
                                     % {"number": app.tracking_number})
        if result.error is not None:
            raise result.error
        raise TransitionRefused(_("Permohonan %(number)s tidak dapat ditandatangani: %(why)s.")
                                % {"number": app.tracking_number, "why": result.skipped[0][1]})
    return result.signed[0]


# ------------------------------------------------------------------------------------------- archive (18)

def application_archive(*, application: Application | int, actor, request=None) -> Application:
    """Step 18: seal the application into the archive (when the archive context is installed) and close it.
    Sealing happens inside the same transaction, so an application is archived with its seal or not at all."""
    with transaction.atomic():
        app = _lock_for_staff(application)
        if app.state == State.ARCHIVED:
            return app  # archived already: sealed once, never twice
        app = application_transition(application=app, action="archive", actor=actor, request=request,
                                     expected_state=State.ARCHIVING)
        seal = _archive_seal_hook()
        if seal is not None:
            seal(application=app, actor=actor)
    return app


def _archive_seal_hook():
    try:
        from capil.archive.services import archive_seal
    except ImportError:
        return None
    return archive_seal


def application_due_recompute(*, application: Application) -> None:
    """Recompute the current state's due time (after a catalog standard-time change)."""
    application.due_at = state_due(application, application.state, application.state_entered_at)
    application.save(update_fields=["due_at"])


def applications_personal_data_erase(user) -> dict:
    """On account closure: drafts that were never submitted (and their photos) are deleted; submitted and
    withdrawn applications, their files and events are kept, as the Adminduk law and the archive schedule
    require. Runs inside the closure transaction; files are removed only after it commits."""
    drafts = list(Application.objects.filter(applicant=user, state=State.DRAFT, submitted_at__isnull=True))
    names = []
    for draft in drafts:
        uploads = list(draft.uploads.all())
        names += [u.file.name for u in uploads]
        RequirementUpload.objects.filter(application=draft).delete()
        draft.delete()
    storage = RequirementUpload.file.field.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return {"drafts_deleted": len(drafts)}
