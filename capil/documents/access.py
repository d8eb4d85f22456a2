"""Who may see an issued document through this context's own pages. Other contexts (a citizen's own
application) check their own access and then call `document_open`/`document_response`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from capil.accounts.models import Role

from .models import IssuedDocument

REGISTER_ROLES = frozenset({Role.KADIS, Role.KASI, Role.ARSIPARIS, Role.ADMIN})


def access_document_by_id(user, document_id) -> IssuedDocument:
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.is_active:
        raise PermissionDenied
    if user.role not in REGISTER_ROLES:
        raise PermissionDenied
    try:
        return IssuedDocument.objects.select_related("superseded_by", "signer").get(pk=document_id)
    except (IssuedDocument.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
