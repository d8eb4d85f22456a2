"""Who may do what. Every view that is not public goes through one of these; each condition is a line
of its own, and each is tested. Object-level access lives in each context's `access_<thing>_by_id`.

Staff (every role in SECOND_FACTOR_ROLES) must have passed their second factor (TOTP) in this session;
every decorator here checks it, so no staff view can forget it.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from .models import STAFF_ROLES, Role, User

_SECOND_FACTOR_SESSION_KEY = "capil_second_factor"


def second_factor_mark(request, user) -> None:
    """Record that `user` passed the second factor in this session (after login(), which rotates the
    session key)."""
    request.session[_SECOND_FACTOR_SESSION_KEY] = {"user": user.pk, "at": timezone.now().isoformat()}


def second_factor_satisfied(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if not user.needs_second_factor:
        return True
    mark = request.session.get(_SECOND_FACTOR_SESSION_KEY) or {}
    return mark.get("user") == user.pk


def _second_factor_redirect(request):
    return HttpResponseRedirect(
        reverse("accounts:second_factor") + "?" + urlencode({"next": request.get_full_path()})
    )


def _gate(*, roles: frozenset | None = None, verified: bool = False) -> Callable:
    """The one door every non-public view goes through. In order: anonymous visitors are sent to sign in
    (302); inactive accounts, a role outside `roles` and (with `verified`) a citizen who has not verified
    phone and e-mail get 403; staff who have not passed their second factor in this session are sent to it
    (302)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active:
                raise PermissionDenied
            if roles is not None and user.role not in roles:
                raise PermissionDenied
            if verified and not user.is_verified:
                raise PermissionDenied
            if not second_factor_satisfied(request):
                return _second_factor_redirect(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Any signed-in, active account (staff with their second factor).
signed_in_required = _gate()
# A signed-in citizen, verified or not (the verification and personal-data pages).
citizen_required = _gate(roles=frozenset({Role.CITIZEN}))
# Citizens who verified both phone and e-mail (SOP steps 3–4). Browsing needs no account; applying does.
verified_citizen_required = _gate(roles=frozenset({Role.CITIZEN}), verified=True)


def role_required(*roles: Role) -> Callable:
    """Only signed-in, active users whose role is one of `roles` (staff with their second factor)."""
    return _gate(roles=frozenset(roles))


def access_staff_member_by_id(user, pk: int) -> User:
    """A member of staff that `user` (an ADMIN) may manage; 404 for anything else, so citizens' accounts
    cannot be reached through the staff pages."""
    if user.role != Role.ADMIN:
        raise PermissionDenied
    member = User.objects.filter(pk=pk, role__in=STAFF_ROLES).first()
    if member is None:
        raise Http404
    return member
