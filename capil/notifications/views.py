"""Staff pages: the delivery log (global and per subject), one notification with its resend action, the
template editor (ADMIN) and the development outbox."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capil.accounts.access import role_required
from capil.audit.selectors import audit_events_for
from capil.audit.services import audit_record
from capil.core.pagination import keyset_page

from .access import RESEND_ROLES, TEMPLATE_ROLES, VIEW_ROLES, access_notification_by_id
from .channels import channel_registry
from .channels.development import DevelopmentChannel
from .defaults import EVENTS
from .forms import LogFilterForm, TemplateForm
from .models import State
from .selectors import dev_messages, notification_log, notification_state_counts, template_rows
from .services import (
    notification_resend,
    notification_template_reset,
    notification_template_save,
    render_message,
    template_for,
)


def render(request, template: str, context: dict):
    enabled = any(isinstance(ch, DevelopmentChannel) for ch in channel_registry().values())
    return django_render(request, template, {**context, "dev_channel_enabled": enabled})


def _event_choices():
    return [(key, str(spec.label)) for key, spec in EVENTS.items()]


PAGE_SIZE = 50


@role_required(*VIEW_ROLES)
def delivery_log(request, subject_type: str = "", subject_id: str = ""):
    form = LogFilterForm(request.GET or None, channels=list(channel_registry()), events=_event_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    rows = notification_log(state=filters.get("state", ""), channel=filters.get("channel", ""),
                            event=filters.get("event", ""), subject_type=subject_type, subject_id=subject_id)
    # Newest first, a page at a time from a position (keyset): the outbox of a city's year is millions of rows.
    page = keyset_page(rows.only("id", "created_at", "event", "channel", "address", "state", "attempts",
                                 "last_error", "failure_kind", "subject_type", "subject_id", "sent_at",
                                 "next_attempt_at"), key="created_at", descending=True, size=PAGE_SIZE,
                       after=request.GET.get("after", ""), before=request.GET.get("before", ""))
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(request, "notifications/log.html", {
        "form": form, "page": page, "counts": notification_state_counts() if not subject_type else None,
        "subject_type": subject_type, "subject_id": subject_id, "query": query.urlencode(),
        "can_resend": request.user.role in RESEND_ROLES,
    })


@role_required(*VIEW_ROLES)
def notification_detail(request, pk: int):
    notification = access_notification_by_id(request.user, pk)
    audit_record(actor=request.user, action="notification.view", target=notification, request=request,
                 data={"event": notification.event, "channel": notification.channel})
    return render(request, "notifications/detail.html", {
        "n": notification, "attachments": notification.attachments.only("filename", "mimetype", "size", "sha256"),
        "can_resend": request.user.role in RESEND_ROLES and notification.state == State.DEAD,
        "events": audit_events_for(target_type="notifications.notification", target_id=str(notification.pk)),
    })


@require_POST
@role_required(*RESEND_ROLES)
def notification_resend_view(request, pk: int):
    notification = access_notification_by_id(request.user, pk)
    if notification.state != State.DEAD:
        messages.warning(request, _("Hanya pesan yang gagal permanen yang dapat dikirim ulang."))
    else:
        notification_resend(notification=notification, actor=request.user, request=request)
        messages.success(request, _("Pesan dimasukkan kembali ke antrean pengiriman."))
    return redirect("notifications:detail", pk=notification.pk)


@role_required(*TEMPLATE_ROLES)
def template_list(request):
    return render(request, "notifications/templates.html", {"rows": template_rows()})


def _template_target(event: str, channel: str, language: str):
    if event not in EVENTS or channel not in channel_registry() or language not in {"id", "en"}:
        raise Http404
    return EVENTS[event], channel_registry()[channel]


@role_required(*TEMPLATE_ROLES)
def template_edit(request, event: str, channel: str, language: str):
    spec, ch = _template_target(event, channel, language)
    title, body = template_for(event=event, channel=channel, language=language)
    form_kwargs = {"event": event, "channel": channel, "language": language, "sample": spec.sample,
                   "text_kind": ch.text_kind}
    if request.method == "POST":
        form = TemplateForm(request.POST, **form_kwargs)
        if form.is_valid():
            notification_template_save(event=event, channel=channel, language=language,
                                       title=form.cleaned_data.get("title", ""), body=form.cleaned_data["body"],
                                       actor=request.user, request=request)
            messages.success(request, _("Templat disimpan. Pesan berikutnya memakai teks ini."))
            return redirect("notifications:template_edit", event=event, channel=channel, language=language)
    else:
        form = TemplateForm(initial={"title": title, "body": body}, **form_kwargs)
    preview = None
    try:
        preview = render_message(event=event, channel=channel, language=language, context=spec.sample,
                                 name="Siti Aminah")
    except ValueError as exc:
        preview = {"error": str(exc)}
    return render(request, "notifications/template_edit.html", {
        "form": form, "event": event, "spec": spec, "channel": channel, "language": language,
        "text_kind": ch.text_kind, "preview": preview,
    })


@require_POST
@role_required(*TEMPLATE_ROLES)
def template_reset(request, event: str, channel: str, language: str):
    _template_target(event, channel, language)
    notification_template_reset(event=event, channel=channel, language=language, actor=request.user,
                                request=request)
    messages.success(request, _("Templat dikembalikan ke teks bawaan."))
    return redirect("notifications:template_edit", event=event, channel=channel, language=language)


@role_required(*VIEW_ROLES)
def dev_outbox(request):
    """Every message the development channel wrote (a newcomer reads the OTP here). Only when a
    development channel is configured; on a real installation the page does not exist."""
    if not any(isinstance(ch, DevelopmentChannel) for ch in channel_registry().values()):
        raise Http404
    address = request.GET.get("to", "").strip()
    try:
        if "@" in address:
            rows = dev_messages(email=address, limit=100)
        else:
            rows = dev_messages(address or None, limit=100)
    except ValidationError:  # a number that does not normalise: a message, not a 500
        rows = []
        messages.error(request, _("Nomor atau alamat tidak dikenali."))
    return render(request, "notifications/dev_outbox.html", {"rows": rows, "to": address})
