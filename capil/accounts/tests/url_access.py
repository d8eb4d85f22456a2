"""URL access rows of the accounts app (format: capil/accounts/tests/test_url_access.py)."""

from capil.accounts import services
from capil.accounts.models import Role, User

from .factories import StaffFactory

ANYONE_SIGNED_IN = {"anonymous": 302, "*": 200}
CITIZENS_ONLY = {"anonymous": 302, "unverified": 200, "citizen": 200, "other_citizen": 200, "*": 403}
STAFF_ONLY = {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403, "*": 200}
ADMIN_ONLY = {"anonymous": 302, "admin": 200, "*": 403}
ADMIN_ACTION = {"anonymous": 302, "admin": 302, "*": 403}
CITIZEN_ACTION = {"anonymous": 302, "unverified": 302, "citizen": 302, "other_citizen": 302, "*": 403}


def _reset_link_kwargs(world):
    path = services.password_reset_link_path(User.objects.get(pk=world.citizen.pk))
    uidb64, token = path.rstrip("/").split("/")[-2:]
    return {"uidb64": uidb64, "token": token}


def _everyone_changing_phone(world):
    """Every account waits for a new number's code (inside the row's savepoint)."""
    User.objects.update(pending_phone="+6281255509999")
    return {}


URL_ACCESS = [
    {"name": "accounts:login", "expect": {"*": 200}},
    {"name": "accounts:login", "method": "post", "data": lambda w: {"identifier": "", "password": ""},
     "expect": {"*": 200}},
    {"name": "accounts:logout", "method": "post", "expect": {"*": 302}, "redirect_to": "*"},
    {"name": "accounts:logout", "expect": {"*": 405}},
    {"name": "accounts:register", "expect": {"anonymous": 200, "*": 302}, "redirect_to": "accounts:profile"},
    {"name": "accounts:verification", "expect": CITIZENS_ONLY},
    {"name": "accounts:phone_code_resend", "method": "post", "expect": CITIZEN_ACTION},
    {"name": "accounts:phone_code_resend", "expect": {"*": 405}},
    {"name": "accounts:email_link_resend", "method": "post", "expect": CITIZEN_ACTION},
    {"name": "accounts:email_verify", "kwargs": lambda w: {"token": services.email_verification_token(w.unverified)},
     "expect": {"*": 200}},
    {"name": "accounts:email_verify", "kwargs": lambda w: {"token": "bukan-token"}, "expect": {"*": 400}},
    {"name": "accounts:password_reset", "expect": {"*": 200}},
    {"name": "accounts:password_reset_code", "expect": {"*": 302}, "redirect_to": "accounts:password_reset"},
    {"name": "accounts:password_reset_link", "kwargs": _reset_link_kwargs, "expect": {"*": 200}},
    {"name": "accounts:password_reset_link", "kwargs": lambda w: {"uidb64": "MQ", "token": "salah-token"},
     "expect": {"*": 400}},
    {"name": "accounts:profile", "expect": ANYONE_SIGNED_IN},
    {"name": "accounts:password_change", "expect": ANYONE_SIGNED_IN},
    {"name": "accounts:phone_change", "expect": ANYONE_SIGNED_IN},
    {"name": "accounts:email_change", "expect": ANYONE_SIGNED_IN},
    # Without a change waiting, the confirmation page sends everyone signed in to their profile.
    {"name": "accounts:phone_change_confirm", "expect": {"*": 302}},
    {"name": "accounts:phone_change_confirm", "kwargs": _everyone_changing_phone, "expect": ANYONE_SIGNED_IN},
    {"name": "accounts:phone_change_resend", "method": "post", "kwargs": _everyone_changing_phone,
     "expect": {"*": 302}},
    {"name": "accounts:phone_change_resend", "expect": {"*": 405}},
    {"name": "accounts:phone_change_cancel", "method": "post", "expect": {"*": 302}},
    {"name": "accounts:email_change_resend", "method": "post", "expect": {"*": 302}},
    {"name": "accounts:email_change_cancel", "method": "post", "expect": {"*": 302}},
    {"name": "accounts:my_data", "expect": CITIZENS_ONLY},
    {"name": "accounts:my_data_download", "expect": CITIZENS_ONLY},
    {"name": "accounts:account_close", "expect": CITIZENS_ONLY},
    # Staff who passed their second factor are sent on to where they were going.
    {"name": "accounts:second_factor", "expect": {"anonymous": 302, "unverified": 403, "citizen": 403,
                                                    "other_citizen": 403, "*": 302}, "redirect_to": "*"},
    {"name": "accounts:second_factor_status", "expect": STAFF_ONLY},
    {"name": "accounts:staff_list", "expect": ADMIN_ONLY},
    {"name": "accounts:staff_create", "expect": ADMIN_ONLY},
    {"name": "accounts:staff_edit", "kwargs": lambda w: {"pk": w.operator.pk}, "expect": ADMIN_ONLY},
    # A citizen's account is not reachable through the staff pages.
    {"name": "accounts:staff_edit", "kwargs": lambda w: {"pk": w.citizen.pk},
     "expect": {"anonymous": 302, "admin": 404, "*": 403}},
    {"name": "accounts:staff_set_active", "method": "post",
     "kwargs": lambda w: {"pk": StaffFactory(role=Role.OPERATOR).pk}, "data": lambda w: {"active": "0"},
     "expect": ADMIN_ACTION},
    {"name": "accounts:staff_second_factor_reset", "method": "post",
     "kwargs": lambda w: {"pk": StaffFactory(role=Role.KASI).pk}, "expect": ADMIN_ACTION},
]
