"""Counter intake (the counter SOPs, steps 1–5): an operator opens an application for a walk-in citizen,
scans the files into the same requirement slots as online, records the form, and hands a receipt with the
tracking number and a QR code to the public status page. From step 8 on it is the online back office.

The application belongs to the citizen: an existing account found by phone or e-mail, or an account
without a password made for the walk-in (they can set one later through "lupa kata sandi"). The operator
acts on the citizen's behalf through the applications services, and every such act is audited with the
operator as actor. The Pengganti Identitas SOP's interview (15 minutes), biometric check and form F1.01
signed by RT, Lurah and Camat are recorded here and required before that application is handed in.
"""

import secrets

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from capil.accounts.models import Role, User
from capil.audit.services import audit_record
from capil.core.phones import normalise_phone

from . import clock
from .models import CounterIntake, Ticket
from .services import COUNTER_ROLES, QueueError, _require_role

PENGGANTI_IDENTITAS = "pengganti-identitas"
WALK_IN_EMAIL_DOMAIN = "loket.invalid"  # RFC 2606: never deliverable; marks an account without e-mail
_STATUS_SALT = "capil.queueing.application-status"


def counter_services() -> list:
    """The current version of every service that starts at the counter."""
    from capil.catalog.selectors import service_list_public

    return [v for v in service_list_public() if v.channel == "COUNTER"]


def counter_service_by_slug(slug: str):
    return next((v for v in counter_services() if v.service.slug == slug), None)


def _walk_in_applicant(*, full_name: str, phone: str, email: str) -> tuple[User, bool]:
    phone_e164 = normalise_phone(phone).e164 if phone.strip() else None
    email = email.strip().lower()
    if not phone_e164 and not email:
        raise QueueError(_("Isi nomor HP dan/atau email pemohon untuk pemberitahuan."), code="contact")
    known = None
    if phone_e164:
        known = User.objects.filter(phone=phone_e164).first()
    if known is None and email:
        known = User.objects.filter(email__iexact=email).first()
    if known is not None:
        if known.role != Role.CITIZEN:
            raise QueueError(_("Nomor HP atau email ini milik akun petugas; gunakan kontak pemohon."),
                             code="staff_contact")
        return known, False
    user = User.objects.create_user(
        email=email or f"walkin-{secrets.token_hex(8)}@{WALK_IN_EMAIL_DOMAIN}", password=None,
        full_name=full_name.strip(), phone=phone_e164, role=Role.CITIZEN,
    )
    return user, True


def counter_intake_open(*, actor, version, full_name: str, phone: str = "", email: str = "",
                        ticket: Ticket | None = None, request=None) -> CounterIntake:
    from capil.applications.models import Channel
    from capil.applications.services import application_create

    _require_role(actor, COUNTER_ROLES)
    if version is None or version.channel != "COUNTER":
        raise QueueError(_("Pilih layanan loket."), code="service")
    if not full_name.strip():
        raise QueueError(_("Nama pemohon wajib diisi."), code="name")
    with transaction.atomic():
        applicant, created = _walk_in_applicant(full_name=full_name, phone=phone, email=email)
        application = application_create(applicant=applicant, service_version=version, channel=Channel.COUNTER)
        intake = CounterIntake.objects.create(application=application, opened_by=actor, opened_at=clock.now(),
                                              ticket=ticket, walk_in_account=created)
        if ticket is not None:
            Ticket.objects.filter(pk=ticket.pk).update(application=application)
        audit_record(actor=actor, action="intake.open", target=application, request=request,
                     data={"service": version.service.slug, "walk_in_account": created,
                           "ticket": ticket.code if ticket else ""})
    return intake


def _editable(intake: CounterIntake) -> None:
    if intake.submitted_at is not None:
        raise QueueError(_("Permohonan ini sudah diserahkan ke verifikasi."), code="submitted")


def counter_intake_answers(*, intake: CounterIntake, actor, answers: dict, request=None) -> None:
    from capil.applications.services import application_answers_save

    _require_role(actor, COUNTER_ROLES)
    _editable(intake)
    application = intake.application
    with transaction.atomic():
        application_answers_save(application=application, actor=application.applicant, answers=answers)
        audit_record(actor=actor, action="intake.answers", target=application, request=request,
                     data={"fields": sorted(answers)})


def counter_intake_upload(*, intake: CounterIntake, actor, slot: str, fileobj, request=None):
    """Scan or photograph one requirement into its slot (normalised exactly as an online upload)."""
    from capil.applications.services import requirement_upload

    _require_role(actor, COUNTER_ROLES)
    _editable(intake)
    application = intake.application
    upload = requirement_upload(application=application, actor=application.applicant, slot=slot, fileobj=fileobj,
                                recorded_by=actor)
    audit_record(actor=actor, action="intake.upload", target=application, request=request,
                 data={"slot": slot, "version": upload.version, "sha256": upload.sha256})
    return upload


def intake_needs_identity_steps(intake: CounterIntake) -> bool:
    return intake.application.service_version.service.slug == PENGGANTI_IDENTITAS


def counter_intake_identity_steps(*, intake: CounterIntake, actor, interview_minutes: int | None,
                                  biometric_result: str, f101_rt: bool, f101_lurah: bool, f101_camat: bool,
                                  request=None) -> CounterIntake:
    """Pengganti Identitas steps 3–5: the interview, the biometric check and form F1.01."""
    _require_role(actor, COUNTER_ROLES)
    _editable(intake)
    if not intake_needs_identity_steps(intake):
        raise QueueError(_("Langkah ini hanya untuk Surat Keterangan Pengganti Identitas."), code="service")
    now = clock.now()
    with transaction.atomic():
        locked = CounterIntake.objects.select_for_update().get(pk=intake.pk)
        if interview_minutes:
            locked.interview_minutes, locked.interview_recorded_at = interview_minutes, now
        if biometric_result:
            locked.biometric_result, locked.biometric_recorded_at = biometric_result, now
        locked.f101_signed_rt, locked.f101_signed_lurah, locked.f101_signed_camat = f101_rt, f101_lurah, f101_camat
        if f101_rt and f101_lurah and f101_camat:
            locked.f101_recorded_at = locked.f101_recorded_at or now
        else:
            locked.f101_recorded_at = None
        locked.save()
        audit_record(actor=actor, action="intake.identity_steps", target=locked.application, request=request,
                     data={"interview_minutes": locked.interview_minutes, "biometric": locked.biometric_result,
                           "f101": [f101_rt, f101_lurah, f101_camat]})
    return locked


def identity_steps_missing(intake: CounterIntake) -> list[str]:
    if not intake_needs_identity_steps(intake):
        return []
    missing = []
    if not intake.interview_recorded_at:
        missing.append(str(_("wawancara dengan petugas")))
    if not intake.biometric_recorded_at:
        missing.append(str(_("pengecekan biometrik")))
    if not intake.f101_recorded_at:
        missing.append(str(_("formulir F1.01 bertanda tangan RT, Lurah, dan Camat")))
    return missing


def counter_intake_submit(*, intake: CounterIntake, actor, request=None) -> CounterIntake:
    """Hand the files over (step 5): the application goes to verification, where step 8's standard
    (2 working days for the counter SOPs) starts running."""
    from capil.applications.workflow import TransitionRefused, application_transition

    _require_role(actor, COUNTER_ROLES)
    _editable(intake)
    missing = identity_steps_missing(intake)
    if missing:
        raise QueueError(_("Belum dicatat: %(items)s.") % {"items": "; ".join(missing)}, code="identity_steps")
    with transaction.atomic():
        locked = CounterIntake.objects.select_for_update(of=("self",)).select_related("application").get(pk=intake.pk)
        _editable(locked)
        try:
            application_transition(application=locked.application, action="submit",
                                   actor=locked.application.applicant, request=request, recorded_by=actor)
        except TransitionRefused as exc:
            raise QueueError(str(exc), code="incomplete") from None
        locked.submitted_at = clock.now()
        locked.save(update_fields=["submitted_at"])
        audit_record(actor=actor, action="intake.submit", target=locked.application, request=request,
                     data={"tracking_number": locked.application.tracking_number})
    return locked


def application_status_token(application) -> str:
    return signing.Signer(salt=_STATUS_SALT).sign(application.tracking_number)


def application_status_url(application) -> str:
    from django.conf import settings

    path = reverse("queueing:application_status", kwargs={"token": application_status_token(application)})
    return settings.CAPIL_SITE_URL.rstrip("/") + path


def status_token_number(token: str) -> str | None:
    """The tracking number a receipt's status token was made for, or None when the token is not genuine."""
    try:
        return signing.Signer(salt=_STATUS_SALT).unsign(token)
    except signing.BadSignature:
        return None


def application_by_number(number: str):
    from capil.applications.models import Application

    return Application.objects.select_related("service_version").filter(tracking_number=number).first()


def application_by_status_token(token: str):
    number = status_token_number(token)
    return application_by_number(number) if number is not None else None


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
