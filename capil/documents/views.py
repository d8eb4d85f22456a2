"""Thin views: public verification (no login, rate-limited per address), and the staff pages — the register
of issued documents (view, download, revoke) and the template editor (ADMIN)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capil.accounts.access import role_required
from capil.accounts.models import Role
from capil.audit.services import audit_record

from .access import REGISTER_ROLES, access_document_by_id
from .forms import RevokeForm, TemplateEditForm, VerifyCodeForm, VerifyUploadForm
from .kinds import output_kind_get, output_kinds
from .models import DocumentTemplate
from .ratelimit import client_address, rate_limit_hit
from .samples import sample_preview_pdf
from .selectors import document_by_code, documents_recent, mask_name
from .services import (
    document_response,
    document_revoke,
    document_template_reset,
    document_template_save,
    verification_code_display,
    verification_code_normalise,
)
from .verification import verdict_for_document, verify_pdf


def _limited(request, scope: str) -> bool:
    per_minute = settings.CAPIL_DOCUMENTS[f"VERIFY_{scope.upper()}_PER_MINUTE"]
    return rate_limit_hit(scope=scope, key=client_address(request), limit=per_minute)


def _too_many(request):
    return render(request, "documents/rate_limited.html", status=429)


def _public_facts(document) -> dict:
    kind = output_kind_get(document.kind)
    return {"kind_name": kind.name, "number": document.number, "issued_at": document.issued_at,
            "holder": mask_name(document.holder_name), "status": document.status,
            "status_label": document.get_status_display(), "status_changed_at": document.status_changed_at,
            "replacement_number": document.superseded_by.number if document.superseded_by_id else ""}


@require_http_methods(["GET", "POST"])
def verify(request):
    code_form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and code_form.is_valid():
        code = verification_code_normalise(code_form.cleaned_data["code"])
        if code:
            return redirect("documents:verify_code", code=verification_code_display(code))
        code_form.add_error("code", _("Kode verifikasi tidak valid."))
    return render(request, "documents/verify.html", {"code_form": code_form, "upload_form": VerifyUploadForm()})


@require_GET
def verify_code(request, code: str):
    if _limited(request, "code"):
        return _too_many(request)
    document = document_by_code(code)
    if document is None:
        return render(request, "documents/verify_code.html", {"code": code, "found": False}, status=404)
    verdict = verdict_for_document(document)
    return render(request, "documents/verify_code.html", {
        "code": verification_code_display(document.verification_code), "found": True, "verdict": verdict,
        "facts": _public_facts(document)})


@require_http_methods(["GET", "POST"])
def verify_upload(request):
    if request.method == "GET":
        return redirect("documents:verify")
    if _limited(request, "upload"):
        return _too_many(request)
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "documents/verify.html", {"code_form": VerifyCodeForm(), "upload_form": form},
                      status=400)
    upload = form.cleaned_data["pdf"]
    if upload.size > settings.CAPIL_DOCUMENTS["VERIFY_UPLOAD_MAX_BYTES"]:
        form.add_error("pdf", _("Berkas terlalu besar. Dokumen asli kantor ini jauh lebih kecil dari 10 MB."))
        return render(request, "documents/verify.html", {"code_form": VerifyCodeForm(), "upload_form": form},
                      status=400)
    verdict = verify_pdf(upload.read())
    facts = _public_facts(verdict.document) if verdict.document else None
    return render(request, "documents/verify_upload.html", {"verdict": verdict, "facts": facts})


# --- staff: register of issued documents -------------------------------------------------------------------
@role_required(*REGISTER_ROLES)
@require_GET
def register(request):
    search = request.GET.get("q", "")[:60]
    names = {k.slug: k.name for k in output_kinds()}
    documents = list(documents_recent(search=search))
    for document in documents:
        document.kind_name = names.get(document.kind, document.kind)
    return render(request, "documents/register.html", {"documents": documents, "q": search})


@role_required(*REGISTER_ROLES)
@require_GET
def detail(request, pk):
    document = access_document_by_id(request.user, pk)
    audit_record(actor=request.user, action="document.view", target=document, request=request)
    kind = output_kind_get(document.kind)
    from .kinds import display_sections, display_tables

    return render(request, "documents/detail.html", {
        "document": document, "kind": kind, "sections": display_sections(kind, document.data),
        "tables": display_tables(kind, document.data), "revoke_form": RevokeForm(),
        "may_revoke": request.user.role in (Role.KADIS, Role.ADMIN),
        "code": verification_code_display(document.verification_code)})


@role_required(*REGISTER_ROLES)
@require_GET
def download(request, pk):
    document = access_document_by_id(request.user, pk)
    audit_record(actor=request.user, action="document.download", target=document, request=request)
    return document_response(document)


@role_required(Role.KADIS, Role.ADMIN)
@require_POST
def revoke(request, pk):
    document = access_document_by_id(request.user, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan pencabutan wajib diisi."))
        return redirect("documents:detail", pk=document.pk)
    try:
        document_revoke(document=document, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Dokumen telah dicabut."))
    return redirect("documents:detail", pk=document.pk)


# --- ADMIN: templates --------------------------------------------------------------------------------------
@role_required(Role.ADMIN)
@require_GET
def templates_list(request):
    own = set(DocumentTemplate.objects.values_list("kind", flat=True))
    return render(request, "documents/templates_list.html",
                  {"kinds": [(kind, kind.slug in own) for kind in output_kinds()]})


def _kind_or_404(slug: str):
    try:
        return output_kind_get(slug)
    except KeyError:
        raise Http404 from None


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def template_edit(request, slug: str):
    kind = _kind_or_404(slug)
    from .rendering import template_source  # WeasyPrint: imported by the pages that render (services.py)

    source, own = template_source(kind)
    form = TemplateEditForm(request.POST or None, initial={"source": source})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "reset":
            document_template_reset(kind=slug, actor=request.user, request=request)
            messages.success(request, _("Templat dikembalikan ke bawaan."))
            return redirect("documents:template_edit", slug=slug)
        if form.is_valid():
            try:
                if action == "preview":
                    pdf = sample_preview_pdf(kind, source=form.cleaned_data["source"])
                    return HttpResponse(pdf, content_type="application/pdf")
                document_template_save(kind=slug, source=form.cleaned_data["source"], actor=request.user,
                                       request=request)
            except ValidationError as exc:
                form.add_error("source", exc.messages)
            else:
                messages.success(request, _("Templat disimpan. Dokumen berikutnya memakai templat ini."))
                return redirect("documents:template_edit", slug=slug)
    return render(request, "documents/template_edit.html", {"kind": kind, "form": form, "own": own,
                                                            "preview_url": reverse("documents:template_preview",
                                                                                   kwargs={"slug": slug})})


@role_required(Role.ADMIN)
@require_GET
def template_preview(request, slug: str):
    kind = _kind_or_404(slug)
    return HttpResponse(sample_preview_pdf(kind), content_type="application/pdf")
