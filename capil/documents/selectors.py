"""Reads of the documents context."""

from django.db.models import QuerySet

from .models import IssuedDocument
from .services import verification_code_normalise


def document_by_code(code: str) -> IssuedDocument | None:
    normalised = verification_code_normalise(code)
    if not normalised:
        return None
    return IssuedDocument.objects.select_related("superseded_by").filter(verification_code=normalised).first()


def document_by_pdf_sha256(sha256: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("superseded_by").filter(pdf_sha256=sha256).first()


def documents_for_reference(reference: str) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(reference=reference).order_by("-issued_at")


def documents_recent(*, search: str = "", limit: int = 50) -> QuerySet[IssuedDocument]:
    qs = IssuedDocument.objects.order_by("-issued_at")
    if search:
        qs = qs.filter(number__icontains=search.strip()) | IssuedDocument.objects.filter(
            reference__iexact=search.strip())
        qs = qs.order_by("-issued_at")
    return qs[:limit]


def mask_name(name: str) -> str:
    """"RIZKY ADITYA PRATAMA" → "RI*** AD**** PR*****": enough to recognise, not enough to learn."""
    out = []
    for word in name.split():
        keep = 1 if len(word) <= 3 else 2
        out.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(out)
