"""What the applicant is told at each transition. Called by the transition function inside its transaction:
`notification_enqueue` writes outbox rows there, and the notifications context delivers them after commit.
No NIK or other personal number goes into a notification's context."""

from django.conf import settings
from django.urls import reverse

from capil.notifications.services import notification_enqueue

from . import sop
from .models import Application, ApplicationEvent, UploadStatus


def _recipient_kwargs(application: Application) -> dict:
    applicant = application.applicant
    return {"recipient": applicant, "phone": applicant.phone or None, "email": applicant.email or None}


def _tracking_url(application: Application) -> str:
    return settings.CAPIL_SITE_URL.rstrip("/") + reverse("applications:detail", kwargs={"pk": application.pk})


def notify_application_received(*, application: Application, event: ApplicationEvent) -> None:
    notification_enqueue(
        event="application_received", subject=application, **_recipient_kwargs(application),
        context={"tracking_number": application.tracking_number,
                 "service": sop.service_name(application.service_version),
                 "url": _tracking_url(application)},
    )


def notify_requirements_not_met(*, application: Application, event: ApplicationEvent) -> None:
    rejected = application.uploads.filter(superseded_at__isnull=True, status=UploadStatus.REJECTED).order_by("slot")
    items = [
        {"label": u.slot_label,
         "reason": " — ".join(part for part in (u.get_reason_code_display(), u.reason_text) if part)}
        for u in rejected
    ]
    notification_enqueue(
        event="requirements_not_met", subject=application, **_recipient_kwargs(application),
        context={"tracking_number": application.tracking_number, "items": items, "url": _tracking_url(application)},
        key_suffix=str(event.pk),  # the Tdk/ya loop may repeat: each round is its own notice
    )


def notify_status_changed(*, application: Application, event: ApplicationEvent) -> None:
    notification_enqueue(
        event="status_changed", subject=application, **_recipient_kwargs(application),
        context={"tracking_number": application.tracking_number, "status": str(application.get_state_display()),
                 "url": _tracking_url(application)},
        key_suffix=str(event.pk),
    )


def notify_delivery(*, application: Application, event: ApplicationEvent) -> None:
    """Steps 16–17: an SMS and an e-mail with the signed PDF; outputs collected at the counter (KIA, printed
    KTP-el) get a pick-up notice instead."""
    from capil.documents.services import document_open

    from .selectors import application_output_document

    document = application_output_document(application=application)
    context = {"tracking_number": application.tracking_number,
               "document_name": sop.output_kind_name(application.output_kind),
               "url": _tracking_url(application)}
    if sop.output_collected_at_counter(application.output_kind):
        notification_enqueue(event="ready_for_pickup", subject=application, **_recipient_kwargs(application),
                             context={**context, "location": settings.CAPIL_OFFICE["address"]})
        return
    with document_open(document) as handle:
        pdf = handle.read()
    filename = f"{application.tracking_number}.pdf"
    notification_enqueue(
        event="document_signed", subject=application, **_recipient_kwargs(application), context=context,
        attachments=((filename, pdf, "application/pdf"),),
    )
