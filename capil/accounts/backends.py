"""Sign-in with a phone number or an e-mail address and a password.

Whether or not an account exists, the answer is the same and costs the same: when no account matches, a
dummy Argon2id hash is verified so the response time does not tell an attacker which numbers are
registered."""

from functools import lru_cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError

from capil.core.phones import normalise_phone

from .models import User


@lru_cache(maxsize=1)
def _dummy_hash(hashers_key: tuple) -> str:
    # Made with the current default hasher (and its parameters), once per process.
    return make_password("capil-dummy-password-for-timing")


def dummy_password_check(password: str) -> None:
    """Spend what a real password check spends."""
    from django.conf import settings

    check_password(password, _dummy_hash(tuple(settings.PASSWORD_HASHERS)))


def user_for_identifier(identifier: str) -> User | None:
    """The account a phone number or e-mail address belongs to, or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    try:
        phone = normalise_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone.e164).first()


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_identifier(username)
        if user is None:
            dummy_password_check(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.closed_at is None
