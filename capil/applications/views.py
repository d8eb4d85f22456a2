"""Citizen pages (verified citizens only): choose an online service, fill its form, upload each required
document into its slot, submit, track, withdraw, and download the signed PDF."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from capil.accounts.access import verified_citizen_required

from . import selectors, services, sop
from .forms import AnswersForm, UploadForm, answers_initial
from .models import State
from .workflow import TransitionRefused, application_transition


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or "application/json" in request.headers.get(
        "Accept", "")


@verified_citizen_required
def mine(request):
    page = selectors.applications_page_of(user=request.user, after=request.GET.get("after", ""),
                                          before=request.GET.get("before", ""))
    return render(request, "applications/mine.html", {"page": page, "applications": page.items, "query": ""})


@verified_citizen_required
def choose(request):
    return render(request, "applications/choose.html", {"services": sop.online_services()})


@verified_citizen_required
@require_http_methods(["GET", "POST"])
def start(request, slug):
    version = sop.online_version_by_slug(slug)
    if version is None:
        raise Http404
    if request.method == "POST":
        application = services.application_create(applicant=request.user, service_version=version, request=request)
        return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/start.html", {"version": version, "service_name": sop.service_name(version),
                                                        "slots": sop.requirements_all(version)})


@verified_citizen_required
def detail(request, pk):
    application = selectors.access_application_by_id(request.user, pk)
    return render(request, "applications/detail.html", {
        "application": application,
        "service_name": sop.service_name(application.service_version),
        "timeline": selectors.application_timeline(application=application),
        "events": application.events.all(),
        "holder": selectors.application_holder_label(application=application),
        "expected": selectors.application_expected_completion(application=application),
        "slots": services.application_slots(application=application),
        "missing": services.application_missing_items(application=application)
        if application.state in services.EDITABLE_STATES else [],
        "editable": application.state in services.EDITABLE_STATES,
        "can_withdraw": application.state in (State.DRAFT, State.VERIFICATION, State.RETURNED),
        "has_document": application.output_document_id is not None and not sop.output_collected_at_counter(
            application.output_kind),
    })


@verified_citizen_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    application = selectors.access_application_by_id(request.user, pk)
    if application.state not in services.EDITABLE_STATES:
        messages.info(request, _("Permohonan ini sudah diajukan dan tidak dapat diubah."))
        return redirect("applications:detail", pk=pk)
    version = application.service_version
    if request.method == "POST":
        is_draft = "save_draft" in request.POST
        form = AnswersForm(request.POST, version=version, require=not is_draft)
        if form.is_valid():
            services.application_answers_save(application=application, actor=request.user, answers=form.answers())
            if is_draft:
                messages.success(request, _("Draf disimpan. Anda dapat melanjutkannya kapan saja."))
                return redirect("applications:edit", pk=pk)
            return redirect("applications:uploads", pk=pk)
    else:
        initial = answers_initial(application.answers)
        if application.output_kind:
            initial.setdefault("output_kind", application.output_kind)
        form = AnswersForm(initial=initial, version=version)
    return render(request, "applications/edit.html", {
        "application": application, "form": form, "service_name": sop.service_name(version), "step": 1})


@verified_citizen_required
def uploads(request, pk):
    from .images import MAX_LONG_EDGE

    application = selectors.access_application_by_id(request.user, pk)
    return render(request, "applications/uploads.html", {
        "application": application, "service_name": sop.service_name(application.service_version),
        "slots": services.application_slots(application=application), "form": UploadForm(),
        "editable": application.state in services.EDITABLE_STATES,
        "missing": services.application_missing_items(application=application), "step": 2,
        "max_edge": MAX_LONG_EDGE,  # the page's script shrinks larger photos to this before sending
    })


@verified_citizen_required
@require_POST
def upload(request, pk, slot):
    """One file into one slot. Answers JSON to the page's script (XHR with progress) and redirects back
    otherwise, so the page works without JavaScript."""
    from .images import UploadRejected

    application = selectors.access_application_by_id(request.user, pk)
    # The file goes straight to the normaliser (no Django file-field checks): it judges content, empty files
    # included, and names the slot in every refusal.
    fileobj = request.FILES.get("file")
    error = None
    stored = None
    try:
        if fileobj is None:
            raise TransitionRefused(_("Pilih berkas foto untuk diunggah."), code="no_file")
        stored = services.requirement_upload(application=application, actor=request.user, slot=slot,
                                             fileobj=fileobj, request=request)
    except UploadRejected as exc:
        error = exc.message
    except TransitionRefused as exc:
        error = exc.message
    if _wants_json(request):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=422)
        return JsonResponse({"ok": True, "slot": slot, "version": stored.version,
                             "preview": reverse("applications:upload_file", args=[pk, stored.pk]),
                             "width": stored.width, "height": stored.height,
                             "message": _("%(label)s tersimpan.") % {"label": stored.slot_label}})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(label)s tersimpan.") % {"label": stored.slot_label})
    return redirect(reverse("applications:uploads", kwargs={"pk": pk}) + f"#slot-{slot}")


@verified_citizen_required
def upload_file(request, pk, upload_pk):
    application = selectors.access_application_by_id(request.user, pk)
    item = selectors.access_upload_by_id(request.user, application, upload_pk)
    return _stream_image(item)


def _stream_image(item):
    response = FileResponse(item.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@verified_citizen_required
@require_POST
def submit(request, pk):
    application = selectors.access_application_by_id(request.user, pk)
    action = "resubmit" if application.state == State.RETURNED else "submit"
    try:
        application_transition(application=application, action=action, actor=request.user, request=request,
                               expected_state=application.state)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("applications:uploads", pk=pk)
    messages.success(request, _("Permohonan %(number)s telah diajukan. Kami memberi tahu Anda lewat SMS dan "
                                "email setiap ada perkembangan.") % {"number": application.tracking_number})
    return redirect("applications:detail", pk=pk)


@verified_citizen_required
@require_POST
def withdraw(request, pk):
    application = selectors.access_application_by_id(request.user, pk)
    try:
        application_transition(application=application, action="withdraw", actor=request.user, request=request,
                               reason=request.POST.get("reason", "")[:500])
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Permohonan dibatalkan."))
    return redirect("applications:detail", pk=pk)


@verified_citizen_required
def document(request, pk):
    """The signed PDF, for the applicant only."""
    from capil.documents.services import document_open

    application = selectors.access_application_by_id(request.user, pk)
    issued = selectors.application_output_document(application=application)
    if issued is None:
        raise Http404
    response = FileResponse(document_open(issued), content_type="application/pdf", as_attachment=True,
                            filename=f"{application.tracking_number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
