"""Issuing, revoking and superseding documents. Every write of this context goes through these functions.

Issuing one document = validate the data against its kind → take the number (database sequence) → render
(HTML → PDF, QR code with the verification URL) → sign (PAdES) → store the PDF privately → record it and
audit it. The PDF is rendered and signed outside any transaction of ours: holding a database write lock
for the ~0.2 s of rendering would stall every other writer on SQLite. A failure after the number was taken
leaves a gap in the register, never a duplicate."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capil.accounts.models import Role
from capil.audit.services import audit_record

from .forms import output_kind_clean
from .kinds import OutputKind, output_kind_get
from .models import DocumentDraft, DocumentStatus, DocumentTemplate, IssuedDocument
from .numbering import document_number_next

# WeasyPrint (rendering) and pyHanko (signing) cost ≈ 90 MB of memory per process when imported. Most requests
# of a web worker (citizens browsing, tracking, uploading) never render or sign, so they are imported by the
# functions that do (issue 8: a web worker stays within 150 MB).
if TYPE_CHECKING:
    from .signing import SigningSession

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone without doubt
CODE_LENGTH = 12


def verification_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_code_normalise(raw: str) -> str:
    """What a person typed (lower case, spaces, hyphens) → the stored form."""
    return "".join(ch for ch in str(raw).upper() if ch.isalnum())[:CODE_LENGTH * 2]


def verification_code_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def verification_url(code: str) -> str:
    return settings.CAPIL_SITE_URL.rstrip("/") + reverse("documents:verify_code", kwargs={"code": code})


def signer_title() -> str:
    return settings.CAPIL_DOCUMENTS.get("SIGNER_TITLE") or f"Kepala {settings.CAPIL_OFFICE['name']}"


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check_signer(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("signer must be an active account")
    if user.role != Role.KADIS:
        raise PermissionDenied("only a KADIS signs documents")


@dataclass
class _Prepared:
    kind: OutputKind
    data: dict
    holder_name: str
    reference: str


def _prepare(kind: str, data: dict, holder_name: str, reference: str) -> _Prepared:
    try:
        definition = output_kind_get(kind)
    except KeyError:
        raise ValidationError({"kind": [_("Jenis dokumen tidak dikenal.")]}) from None
    cleaned = output_kind_clean(kind, data or {})
    holder = (holder_name or definition.holder_from(cleaned)).strip()
    if not holder:
        raise ValidationError({"holder_name": [_("Nama pemegang dokumen wajib diisi.")]})
    return _Prepared(kind=definition, data=cleaned, holder_name=holder[:300], reference=(reference or "")[:60])


@dataclass
class _Rendered:
    """A numbered, rendered, unsigned document (in memory, or loaded from a `DocumentDraft`)."""

    item: _Prepared
    number: str
    year: int
    sequence: int
    code: str
    pdf: bytes
    signature_page: int
    signature_box: tuple
    template_sha256: str
    draft: DocumentDraft | None = None


def _render(item: _Prepared, *, signer) -> _Rendered:
    from .rendering import build_context, render_html, render_pdf

    kind = item.kind
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = document_number_next(kind=kind.slug, year=year)
    number = kind.format_number(seq=sequence, issued_on=timezone.localdate(now),
                                region=settings.CAPIL_DOCUMENTS["REGION_CODE"])
    code = verification_code_new()
    context = build_context(kind=kind, data=item.data, number=number, code=verification_code_display(code),
                            verification_url=verification_url(code), issued_at=now,
                            signer_name=signer.full_name, signer_title=signer_title(), signer_nip=signer.nip)
    html, template_sha256 = render_html(kind, context)
    rendered = render_pdf(kind, html, template_sha256)
    return _Rendered(item=item, number=number, year=year, sequence=sequence, code=code, pdf=rendered.pdf,
                     signature_page=rendered.signature_page, signature_box=rendered.signature_box,
                     template_sha256=template_sha256)


def _from_draft(draft: DocumentDraft) -> _Rendered:
    with default_storage.open(draft.unsigned_pdf.name, "rb") as handle:
        pdf = handle.read()
    item = _Prepared(kind=output_kind_get(draft.kind), data=draft.data, holder_name=draft.holder_name,
                     reference=draft.reference)
    return _Rendered(item=item, number=draft.number, year=draft.year, sequence=draft.sequence,
                     code=draft.verification_code, pdf=pdf, signature_page=draft.signature_page,
                     signature_box=tuple(draft.signature_box), template_sha256=draft.template_sha256, draft=draft)


def _sign_and_record(rendered: _Rendered, *, signer, session: SigningSession,
                     supersedes: IssuedDocument | None = None, reason: str = "") -> IssuedDocument:
    from .signing import pdf_sign

    item, kind = rendered.item, rendered.item.kind
    signed, timestamped = pdf_sign(rendered.pdf, session=session, page=rendered.signature_page,
                                   box=rendered.signature_box, reason=f"{kind.name} {rendered.number}",
                                   location=settings.CAPIL_OFFICE.get("city", ""))
    pdf_sha256 = hashlib.sha256(signed).hexdigest()
    name = default_storage.save(f"documents/{rendered.year}/{kind.slug}/{rendered.code}.pdf", ContentFile(signed))
    try:
        with transaction.atomic():
            if rendered.draft is not None:
                # The draft row is the claim on this number: whoever deletes it signs it, once.
                deleted, _rows = DocumentDraft.objects.filter(pk=rendered.draft.pk).delete()
                if not deleted:
                    raise ValidationError(_("Draf dokumen ini sudah ditandatangani atau dibuang."))
            document = IssuedDocument.objects.create(
                kind=kind.slug, number=rendered.number, year=rendered.year, sequence=rendered.sequence,
                holder_name=item.holder_name, reference=item.reference, data=item.data,
                data_sha256=hashlib.sha256(_canonical(item.data)).hexdigest(), pdf=name, pdf_sha256=pdf_sha256,
                pdf_size=len(signed), template_sha256=rendered.template_sha256, verification_code=rendered.code,
                signer=signer, signer_name=signer.full_name, signer_title=signer_title(), signer_nip=signer.nip,
                signer_backend=session.backend, certificate_sha256=session.certificate_sha256,
                timestamped=timestamped, issued_at=timezone.now(),
            )
            audit_record(actor=signer, action="document.issue", target=document,
                         data={"kind": kind.slug, "number": rendered.number, "reference": item.reference,
                               "backend": session.backend, "supersedes": str(supersedes.pk) if supersedes else ""})
            if supersedes is not None:
                _mark_superseded(document=supersedes, by=document, actor=signer, reason=reason)
            if rendered.draft is not None:
                unsigned = rendered.draft.unsigned_pdf.name
                transaction.on_commit(lambda: default_storage.delete(unsigned))
    except BaseException:
        default_storage.delete(name)  # the row was not written: leave no orphan file behind
        raise
    return document


def document_issue(*, kind: str, data: dict, holder_name: str, signer, signer_secret: str | None = None,
                   reference: str = "") -> IssuedDocument:
    """Render, sign, store and record one document. `signer` is the KADIS account that signs;
    `signer_secret` the passphrase/PIN typed at signing time (used for this call only, never stored).
    Raises ValidationError (bad data), PermissionDenied (signer is not a KADIS), SigningError (the
    signature could not be made; nothing is recorded)."""
    _check_signer(signer)
    item = _prepare(kind, data, holder_name, reference)
    from .signing import signing_session_open

    with signing_session_open(user=signer, secret=signer_secret) as session:
        return _sign_and_record(_render(item, signer=signer), signer=signer, session=session)


PREPARER_ROLES = frozenset({Role.OPERATOR, Role.KASI, Role.KADIS})


def document_prepare(*, kind: str, data: dict, holder_name: str, signer, prepared_by=None,
                     reference: str = "") -> DocumentDraft:
    """Validate, number and render a document for `signer` to sign later (alone or in a batch). The
    unsigned PDF is stored privately; `document_draft_open` gives it to the Kasi who checks it."""
    _check_signer(signer)
    prepared_by = prepared_by or signer
    if prepared_by.role not in PREPARER_ROLES or not prepared_by.is_active:
        raise PermissionDenied("only OPERATOR, KASI or KADIS prepare documents")
    rendered = _render(_prepare(kind, data, holder_name, reference), signer=signer)
    name = default_storage.save(f"documents/drafts/{rendered.year}/{rendered.code}.pdf", ContentFile(rendered.pdf))
    try:
        with transaction.atomic():
            draft = DocumentDraft.objects.create(
                kind=rendered.item.kind.slug, number=rendered.number, year=rendered.year, sequence=rendered.sequence,
                holder_name=rendered.item.holder_name, reference=rendered.item.reference, data=rendered.item.data,
                unsigned_pdf=name, signature_page=rendered.signature_page,
                signature_box=list(rendered.signature_box), template_sha256=rendered.template_sha256,
                verification_code=rendered.code, signer=signer, prepared_by=prepared_by, prepared_at=timezone.now())
            audit_record(actor=prepared_by, action="document.prepare", target=draft,
                         data={"kind": draft.kind, "number": draft.number, "reference": draft.reference})
    except BaseException:
        default_storage.delete(name)
        raise
    return draft


def document_draft_open(draft: DocumentDraft):
    """The unsigned PDF of a draft (for the Kasi's check), as an open binary file."""
    return default_storage.open(draft.unsigned_pdf.name, "rb")


def document_draft_discard(*, draft: DocumentDraft, actor, reason: str = "") -> None:
    """Throw a draft away (data corrected before signing). Its number stays unused: a gap, not a reuse."""
    if actor.role not in PREPARER_ROLES:
        raise PermissionDenied("only OPERATOR, KASI or KADIS discard drafts")
    with transaction.atomic():
        deleted, _rows = DocumentDraft.objects.filter(pk=draft.pk).delete()
        if deleted:
            audit_record(actor=actor, action="document.discard", target_type="documents.documentdraft",
                         target_id=str(draft.pk), data={"kind": draft.kind, "number": draft.number,
                                                        "reason": reason[:200]})
            name = draft.unsigned_pdf.name
            transaction.on_commit(lambda: default_storage.delete(name))


class BatchInterrupted(Exception):
    """Signing stopped part-way through a batch: `issued` were issued (and stay valid); `error` is why the
    rest were not."""

    def __init__(self, issued: list[IssuedDocument], error: Exception):
        super().__init__(str(error))
        self.issued, self.error = issued, error


def document_issue_batch(*, items: Iterable, signer, signer_secret: str | None = None) -> list[IssuedDocument]:
    """Issue many documents with one passphrase entry (one signing session). Each item is either a
    `DocumentDraft` prepared for this signer (it is only signed: the fast path of a Kadis's batch) or a dict
    with the keyword arguments of `document_issue` (kind, data, holder_name, reference: rendered, then
    signed). All items are checked before the first signature; a bad item stops the batch before anything
    is signed (ValidationError naming its position)."""
    _check_signer(signer)
    work: list = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, DocumentDraft):
            if item.signer_id != signer.pk:
                raise ValidationError({f"item {position}": [_("Draf ini disiapkan untuk penanda tangan lain.")]})
            if not DocumentDraft.objects.filter(pk=item.pk).exists():
                raise ValidationError({f"item {position}": [_("Draf ini sudah ditandatangani atau dibuang.")]})
            work.append(item)
            continue
        try:
            work.append(_prepare(item.get("kind", ""), item.get("data") or {}, item.get("holder_name", ""),
                                 item.get("reference", "")))
        except ValidationError as exc:
            raise ValidationError({f"item {position}": exc.messages}) from exc
    issued: list[IssuedDocument] = []
    from .signing import signing_session_open

    with signing_session_open(user=signer, secret=signer_secret) as session:
        for item in work:
            try:
                rendered = _from_draft(item) if isinstance(item, DocumentDraft) else _render(item, signer=signer)
                issued.append(_sign_and_record(rendered, signer=signer, session=session))
            except Exception as exc:
                if not issued:
                    raise
                raise BatchInterrupted(issued, exc) from exc
    return issued


def _check_revoker(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("revoking needs an active staff account")
    if actor.role not in (Role.KADIS, Role.ADMIN):
        raise PermissionDenied("only KADIS or ADMIN revoke documents")


def document_revoke(*, document: IssuedDocument, actor, reason: str, request=None) -> IssuedDocument:
    """Revoke a document: verification reports it as not valid, with the reason. Idempotent."""
    _check_revoker(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Alasan pencabutan wajib diisi.")]})
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == DocumentStatus.REVOKED:
            return locked
        if locked.status == DocumentStatus.SUPERSEDED:
            raise ValidationError(_("Dokumen ini sudah diganti; cabut dokumen penggantinya bila perlu."))
        locked.status = DocumentStatus.REVOKED
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor
        locked.status_reason = reason[:1000]
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
        audit_record(actor=actor, action="document.revoke", target=locked, request=request,
                     data={"kind": locked.kind, "number": locked.number})
    return locked


def _mark_superseded(*, document: IssuedDocument, by: IssuedDocument, actor, reason: str) -> None:
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.VALID:
        raise ValidationError(_("Hanya dokumen yang masih berlaku yang dapat diganti."))
    locked.status = DocumentStatus.SUPERSEDED
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    locked.status_reason = reason[:1000]
    locked.superseded_by = by
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason", "superseded_by"])
    audit_record(actor=actor, action="document.supersede", target=locked,
                 data={"kind": locked.kind, "number": locked.number, "replacement": by.number})


def document_supersede(*, document: IssuedDocument, data: dict, signer, reason: str, holder_name: str = "",
                       signer_secret: str | None = None, reference: str | None = None) -> IssuedDocument:
    """Issue a corrected document of the same kind and mark `document` as superseded by it (in the same
    transaction as the new row). Returns the new document."""
    _check_signer(signer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Alasan penggantian wajib diisi.")]})
    if document.status != DocumentStatus.VALID:
        raise ValidationError(_("Hanya dokumen yang masih berlaku yang dapat diganti."))
    item = _prepare(document.kind, data, holder_name or document.holder_name,
                    document.reference if reference is None else reference)
    from .signing import signing_session_open

    with signing_session_open(user=signer, secret=signer_secret) as session:
        return _sign_and_record(_render(item, signer=signer), signer=signer, session=session, supersedes=document,
                                reason=reason)


def document_template_save(*, kind: str, source: str, actor, request=None) -> DocumentTemplate:
    """Store an office's own template for `kind` after proving it renders a complete document (with the
    signature field, the QR code and the electronic-signature line)."""
    from .samples import sample_preview_pdf

    if actor.role != Role.ADMIN:
        raise PermissionDenied("only ADMIN edits document templates")
    definition = output_kind_get(kind)
    sample_preview_pdf(definition, source=source)  # raises ValidationError with the reason
    with transaction.atomic():
        template, _created = DocumentTemplate.objects.update_or_create(
            kind=kind, defaults={"source": source, "updated_at": timezone.now(), "updated_by": actor})
        audit_record(actor=actor, action="document_template.save", target=template, request=request,
                     data={"kind": kind, "sha256": hashlib.sha256(source.encode()).hexdigest()})
    return template


def document_template_reset(*, kind: str, actor, request=None) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("only ADMIN edits document templates")
    output_kind_get(kind)
    with transaction.atomic():
        deleted, _rows = DocumentTemplate.objects.filter(kind=kind).delete()
        if deleted:
            audit_record(actor=actor, action="document_template.reset", target_type="documents.documenttemplate",
                         target_id=kind, request=request, data={"kind": kind})


def document_open(document: IssuedDocument):
    """The signed PDF as an open binary file (streamed from private storage). The caller has already
    checked that its user may have it."""
    return default_storage.open(document.pdf.name, "rb")


def document_response(document: IssuedDocument, *, as_attachment: bool = True):
    """A streaming HTTP response of the signed PDF, for other contexts' views after their own checks."""
    from django.http import FileResponse

    filename = f"{document.kind}-{document.number.replace('/', '-')}.pdf"
    return FileResponse(document_open(document), content_type="application/pdf", as_attachment=as_attachment,
                        filename=filename)
