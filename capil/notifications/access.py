"""Who may see and do what in the notifications back office."""

from django.http import Http404

from capil.accounts.models import STAFF_ROLES, Role

from .models import Notification

VIEW_ROLES = tuple(STAFF_ROLES)
# Resending a dead letter is front-office work; the Kadis and the archivist read the log only.
RESEND_ROLES = (Role.OPERATOR, Role.KASI, Role.ADMIN)
TEMPLATE_ROLES = (Role.ADMIN,)


def access_notification_by_id(user, notification_id: int) -> Notification:
    """A notification a member of staff may see (the view itself is role-checked); 404 when missing."""
    if not getattr(user, "is_staff", False):
        raise Http404
    try:
        return Notification.objects.get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
