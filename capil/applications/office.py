"""Back-office pages: work queues, the application view (audited), the image viewer, verification, data
entry, Kasi and Kadis actions, batch signing, and the SLA page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from capil.accounts.access import role_required
from capil.accounts.models import Role, User
from capil.audit.services import audit_record
from capil.documents.errors import SigningError

from . import selectors, services, sop
from .forms import ActionForm, ReassignForm, ReviewForm, SignForm
from .models import RecordEntry, State, UploadStatus
from .views import _stream_image
from .workflow import STAFF_ACTIONS, TRANSITIONS, TransitionRefused, application_transition, state_holder

STAFF = (Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS)
ALL_STAFF_ACTIONS = frozenset(a for actions in STAFF_ACTIONS.values() for a in actions)


@role_required(*STAFF)
def queue(request):
    claimed = request.GET.get("filter", "all")
    if claimed not in ("all", "mine", "free"):
        claimed = "all"
    page = selectors.work_queue_page(role=request.user.role, claimed=claimed, user=request.user,
                                     after=request.GET.get("after", ""), before=request.GET.get("before", ""))
    now = timezone.now()
    total, capped = selectors.work_queue_count(role=request.user.role)
    rows = [{"application": a, "overdue": selectors.is_overdue(a, now),
             "service_name": sop.service_name(a.service_version)} for a in page.items]
    return render(request, "applications/office/queue.html", {
        "rows": rows, "filter": claimed, "page": page,
        "total": total, "total_capped": capped, "role_label": sop.role_label(request.user.role),
    })


def _office_context(request, application):
    actions = []
    holder = state_holder(application)
    if holder == request.user.role:
        for name in STAFF_ACTIONS.get(application.state, ()):
            actions.append(TRANSITIONS[name])
    context = {
        "application": application,
        "service_name": sop.service_name(application.service_version),
        "slots": services.application_slots(application=application),
        "history": selectors.application_upload_history(application=application),
        "events": application.events.select_related("actor"),
        "timeline": selectors.application_timeline(application=application),
        "answers": sop.answers_display(application.service_version, application.answers),
        "holder": sop.role_label(holder),
        "my_turn": holder == request.user.role,
        "claimed_by_me": application.claimed_by_id == request.user.pk,
        "actions": actions,
        "overdue": selectors.is_overdue(application),
        "record": RecordEntry.objects.filter(application=application).select_related("entered_by").first(),
        "reasons": ReviewForm().fields["reason_code"].choices,
    }
    if request.user.role == Role.KASI and application.state not in (State.ARCHIVED, State.WITHDRAWN):
        candidates = User.objects.filter(role=holder, is_active=True).order_by("full_name")
        context["reassign_form"] = ReassignForm(candidates=candidates,
                                                initial={"to_user": application.claimed_by_id})
    return context


@role_required(*STAFF)
def office_detail(request, pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    audit_record(actor=request.user, action="application.view", target=application, request=request)
    return render(request, "applications/office/detail.html", _office_context(request, application))


@role_required(*STAFF)
def office_viewer(request, pk, upload_pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    item = selectors.access_upload_by_id(request.user, application, upload_pk)
    audit_record(actor=request.user, action="application.view_file", target=application, request=request,
                 data={"slot": item.slot, "version": item.version})
    can_review = (application.state == State.VERIFICATION and state_holder(application) == request.user.role
                  and item.superseded_at is None)
    initial = {}
    if item.status != UploadStatus.PENDING:
        initial = {"decision": "accept" if item.status == UploadStatus.ACCEPTED else "reject",
                   "reason_code": item.reason_code, "reason_text": item.reason_text}
    return render(request, "applications/office/viewer.html", {
        "application": application, "item": item, "can_review": can_review, "form": ReviewForm(initial=initial),
        "service_name": sop.service_name(application.service_version),
    })


@role_required(*STAFF)
def office_file(request, pk, upload_pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    item = selectors.access_upload_by_id(request.user, application, upload_pk)
    return _stream_image(item)


@role_required(Role.OPERATOR)
@require_POST
def review(request, pk, upload_pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    item = selectors.access_upload_by_id(request.user, application, upload_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("applications:office_viewer", pk=pk, upload_pk=upload_pk)
    try:
        services.requirement_review(upload=item, actor=request.user, accepted=form.cleaned_data["decision"] == "accept",
                                    reason_code=form.cleaned_data["reason_code"],
                                    reason_text=form.cleaned_data["reason_text"], request=request)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("applications:office_detail", pk=pk)
    messages.success(request, _("%(label)s: keputusan disimpan.") % {"label": item.slot_label})
    # Next file still to check, so the operator moves through the slots without going back.
    pending = application.uploads.filter(superseded_at__isnull=True, status=UploadStatus.PENDING).order_by("slot")
    following = pending.first()
    if following is not None:
        return redirect("applications:office_viewer", pk=pk, upload_pk=following.pk)
    return redirect("applications:office_detail", pk=pk)


@role_required(*STAFF)
@require_POST
def claim(request, pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    try:
        if request.POST.get("release"):
            services.application_release(application=application, actor=request.user, request=request)
            messages.success(request, _("Permohonan dilepas ke antrean."))
        else:
            services.application_claim(application=application, actor=request.user, request=request)
            messages.success(request, _("Permohonan kini Anda tangani."))
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    return redirect("applications:office_detail", pk=pk)


@role_required(Role.KASI)
@require_POST
def reassign(request, pk):
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    candidates = User.objects.filter(role=state_holder(application), is_active=True)
    form = ReassignForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, _("Pilih petugas yang memegang langkah ini."))
        return redirect("applications:office_detail", pk=pk)
    try:
        services.application_reassign(application=application, actor=request.user,
                                      to_user=form.cleaned_data["to_user"], request=request)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Permohonan dialihkan."))
    return redirect("applications:office_detail", pk=pk)


@role_required(Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS)
@require_POST
def act(request, pk):
    """A transition button of the application view (claim checks and guards are the transition's)."""
    application = selectors.access_backoffice_application_by_id(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in ALL_STAFF_ACTIONS:
        messages.error(request, _("Tindakan tidak dikenal."))
        return redirect("applications:office_detail", pk=pk)
    action = form.cleaned_data["action"]
    if action == "sign":
        return redirect("applications:sign_batch")
    try:
        if action == "archive":
            services.application_archive(application=application, actor=request.user, request=request)
        else:
            application_transition(application=application, action=action, actor=request.user,
                                   reason=form.cleaned_data["reason"], request=request,
                                   expected_state=form.cleaned_data["expected_state"])
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("applications:office_detail", pk=pk)
    messages.success(request, _("%(number)s: %(action)s.") % {"number": application.tracking_number,
                                                              "action": TRANSITIONS[action].label})
    return redirect("applications:queue")


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def data_entry(request, pk):
    """Step 10: the output kind's form, pre-filled from the application; saved through the SIAK interface."""
    from capil.documents.forms import output_kind_form

    application = selectors.access_backoffice_application_by_id(request.user, pk)
    if application.state != State.DATA_ENTRY:
        messages.error(request, _("Permohonan ini tidak sedang menunggu entri data."))
        return redirect("applications:office_detail", pk=pk)
    if request.method == "POST":
        form = output_kind_form(application.output_kind, data=request.POST)
        if form.is_valid():
            data = form.document_data()
            try:
                services.record_enter(application=application, actor=request.user, data=data, request=request)
            except TransitionRefused as exc:
                messages.error(request, exc.message)
                return redirect("applications:office_detail", pk=pk)
            messages.success(request, _("Data %(number)s tersimpan dan dikirim ke Kasi.")
                             % {"number": application.tracking_number})
            return redirect("applications:queue")
    else:
        existing = RecordEntry.objects.filter(application=application).first()
        initial = existing.data if existing else sop.prefill(application)
        form = output_kind_form(application.output_kind, initial=initial)
    audit_record(actor=request.user, action="application.view", target=application, request=request,
                 data={"page": "data_entry"})
    return render(request, "applications/office/data_entry.html", {
        "application": application, "form": form, "service_name": sop.service_name(application.service_version),
        "kind_name": sop.output_kind_name(application.output_kind),
        "answers": sop.answers_display(application.service_version, application.answers),
    })


@role_required(Role.KADIS)
@require_http_methods(["GET", "POST"])
def sign_batch(request):
    """Kadis signs the checked applications at once; the passphrase (remote signing) is typed once."""
    if request.method == "POST":
        form = SignForm(request.POST)
        ids = [int(v) for v in request.POST.getlist("application") if v.isdigit()]
        if not ids:
            messages.error(request, _("Pilih permohonan yang akan ditandatangani."))
        elif form.is_valid():
            try:
                result = services.application_sign_batch(applications=ids, actor=request.user,
                                                         signer_secret=form.cleaned_data["passphrase"] or None,
                                                         request=request)
            except TransitionRefused as exc:
                messages.error(request, exc.message)
            except SigningError as exc:  # wrong passphrase, signing service down: nothing was recorded
                messages.error(request, _("Penandatanganan gagal: %(reason)s") % {"reason": exc})
            else:
                if result.signed:
                    messages.success(request, _("%(n)s dokumen ditandatangani dan dikirim ke pemohon.")
                                     % {"n": len(result.signed)})
                if result.error:
                    messages.error(request, _("Penandatanganan berhenti: %(reason)s") % {"reason": result.error})
                for number, why in result.skipped:
                    messages.warning(request, _("%(number)s dilewati: %(why)s") % {"number": number, "why": why})
            return redirect("applications:sign_batch")
    waiting = selectors.work_queue(role=Role.KADIS, limit=200)
    rows = [{"application": a, "service_name": sop.service_name(a.service_version),
             "kind_name": sop.output_kind_name(a.output_kind), "overdue": selectors.is_overdue(a)}
            for a in waiting if a.state == State.SIGNING]
    return render(request, "applications/office/sign.html", {"rows": rows, "form": SignForm()})


def _month(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("bulan", "").split("-"))
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise ValueError
    except ValueError:
        year, month = today.year, today.month
    return year, month


@role_required(Role.KASI, Role.KADIS)
def sla(request):
    year, month = _month(request)
    return render(request, "applications/office/sla.html", {
        "rows": selectors.sla_month(year=year, month=month), "year": year, "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "overdue_now": selectors.application_overdue_now()[:50],
    })


@role_required(Role.KASI, Role.KADIS)
def sla_late(request):
    year, month = _month(request)
    slug = request.GET.get("layanan", "")
    try:
        step = int(request.GET.get("langkah", ""))
    except ValueError as exc:
        raise Http404 from exc
    page = selectors.sla_late_events(year=year, month=month, service_slug=slug, sop_step=step,
                                     after=request.GET.get("after", ""), before=request.GET.get("before", ""))
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return render(request, "applications/office/sla_late.html", {
        "events": page.items, "page": page, "query": query.urlencode(), "year": year, "month": month,
        "step": step, "service_slug": slug, "month_value": f"{year:04d}-{month:02d}"})
