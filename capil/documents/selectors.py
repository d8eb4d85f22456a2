"""Reads of the documents context."""

from django.db.models import Q, QuerySet

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
    """The newest documents, or those found by `search`: a whole document number or reference (the tracking
    number), as typed or in capitals, through their unique/b-tree indexes; failing that, a part of a document
    number (a trigram index on PostgreSQL). An OR of both would read the whole table at a city's volume."""
    qs = IssuedDocument.objects.order_by("-issued_at")
    term = search.strip()
    if not term:
        return qs[:limit]
    spellings = {term, term.upper()}
    exact = qs.filter(Q(number__in=spellings) | Q(reference__in=spellings))
    if exact.exists():
        return exact[:limit]
    return qs.filter(number__icontains=term)[:limit]


def mask_name(name: str) -> str:
    """"RIZKY ADITYA PRATAMA" → "RI*** AD**** PR*****": enough to recognise, not enough to learn."""
    out = []
    for word in name.split():
        keep = 1 if len(word) <= 3 else 2
        out.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(out)
