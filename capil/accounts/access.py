"""Who may do what. Every view that is not public goes through one of these; each condition is a line
of its own, and each is tested. Object-level access lives in each context's `access_<thing>_by_id`."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role


def role_required(*roles: Role) -> Callable:
    """Only signed-in, active users whose role is one of `roles`. Anonymous visitors are sent to sign in
    (302); anyone else gets 403."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active:
                raise PermissionDenied
            if user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def verified_citizen_required(view):
    """Citizens who verified both phone and e-mail (SOP steps 3–4). Browsing needs no account; applying does."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != Role.CITIZEN:
            raise PermissionDenied
        if not user.is_verified:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
