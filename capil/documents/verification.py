"""Verifying an uploaded PDF: is it, byte for byte, a document this office issued, signed with a certificate
that chains to the configured trust roots, and still valid? Every failure has a reason in plain Indonesian.

The byte-for-byte test (SHA-256 of the whole file against the register) is the one that settles it; the
signature checks run first so that a forged or edited file is explained precisely (edited after signing,
pages added, signed by someone else…) rather than only "unknown"."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import DocumentStatus, IssuedDocument
from .selectors import document_by_pdf_sha256

logger = logging.getLogger(__name__)


@dataclass
class Verdict:
    valid: bool
    reason: str
    document: IssuedDocument | None = None
    signer: str = ""
    signed_at: object = None


def _trust_roots():
    from pyhanko.keys import load_certs_from_pemder

    paths = [p for p in settings.CAPIL_DOCUMENTS.get("TRUST_ROOTS", []) if p and Path(p).is_file()]
    return list(load_certs_from_pemder(paths)) if paths else []


def _signer_name(status) -> str:
    try:
        return status.signing_cert.subject.native.get("common_name", "")
    except (AttributeError, ValueError):
        return ""


def verify_pdf(data: bytes) -> Verdict:
    """Judge an uploaded file. Never raises for bad input: garbage gets a verdict, not an error."""
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        return Verdict(False, _("Berkas ini bukan PDF."))
    try:
        return _verify(data)
    except Exception as exc:  # a malformed PDF can break the parser in many ways; it is still just "not valid"
        logger.info("uploaded PDF could not be checked: %s", type(exc).__name__)
        return Verdict(False, _("Berkas PDF rusak atau tidak dapat dibaca, sehingga keasliannya tidak dapat "
                                "dipastikan."))


def _verify(data: bytes) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        return Verdict(False, _("Dokumen ini tidak memiliki tanda tangan elektronik."))
    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    # The office's signature is the first; anything after it is an addition to the signed document.
    status = validate_pdf_signature(signatures[0], signer_validation_context=context, skip_diff=True)
    signer = _signer_name(status)
    signed_at = getattr(status, "signer_reported_dt", None)
    if not status.intact or not status.valid:
        return Verdict(False, _("Isi dokumen telah diubah setelah ditandatangani: tanda tangan elektronik "
                                "tidak lagi cocok dengan isinya."), signer=signer)
    if len(signatures) > 1 or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        if len(signatures) > 1:
            reason = _("Dokumen ini ditandatangani ulang atau diberi tanda tangan tambahan setelah diterbitkan.")
        else:
            reason = _("Ada perubahan yang ditambahkan setelah dokumen ditandatangani (misalnya halaman atau "
                       "isian tambahan).")
        return Verdict(False, reason, signer=signer)
    if not status.trusted:
        return Verdict(False, _("Tanda tangan elektronik ini tidak dibuat dengan sertifikat yang dipercaya "
                                "kantor ini; dokumen bukan terbitan kantor ini."), signer=signer)
    document = document_by_pdf_sha256(hashlib.sha256(data).hexdigest())
    if document is None:
        return Verdict(False, _("Tanda tangannya utuh, tetapi berkas ini tidak tercatat sebagai dokumen yang "
                                "diterbitkan kantor ini."), signer=signer, signed_at=signed_at)
    return verdict_for_document(document, signer=signer, signed_at=signed_at)


def verdict_for_document(document: IssuedDocument, *, signer: str = "", signed_at=None) -> Verdict:
    if document.status == DocumentStatus.REVOKED:
        return Verdict(False, _("Dokumen ini asli, tetapi telah dicabut dan tidak berlaku lagi."), document,
                       signer, signed_at)
    if document.status == DocumentStatus.SUPERSEDED:
        return Verdict(False, _("Dokumen ini asli, tetapi telah diganti dengan dokumen yang lebih baru dan tidak "
                                "berlaku lagi."), document, signer, signed_at)
    return Verdict(True, _("Dokumen asli, utuh, dan masih berlaku."), document, signer, signed_at)
