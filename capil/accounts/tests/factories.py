"""Accounts for tests. Every account's password is PASSWORD."""

import factory
import pyotp
from django.utils import timezone

from capil.accounts.access import second_factor_mark
from capil.accounts.models import Role, User

PASSWORD = "Kelapa-Sawit-Balikpapan-7"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"warga{n}@contoh.id")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    full_name = factory.Sequence(lambda n: f"Warga Uji {n}")
    role = Role.CITIZEN
    password = factory.django.Password(PASSWORD)


class CitizenFactory(UserFactory):
    """A citizen who verified phone and e-mail."""

    phone_verified_at = factory.LazyFunction(timezone.now)
    email_verified_at = factory.LazyFunction(timezone.now)


class StaffFactory(UserFactory):
    """A member of staff with an enrolled second factor."""

    email = factory.Sequence(lambda n: f"staf{n}@disdukcapil.go.id")
    full_name = factory.Sequence(lambda n: f"Staf Uji {n}")
    role = Role.OPERATOR
    phone_verified_at = factory.LazyFunction(timezone.now)
    email_verified_at = factory.LazyFunction(timezone.now)
    totp_secret = factory.LazyFunction(pyotp.random_base32)
    totp_confirmed_at = factory.LazyFunction(timezone.now)


class _FakeRequest:
    def __init__(self, session, user):
        self.session = session
        self.user = user


def login_client(client, user) -> None:
    """Sign `user` in on a test client; staff with their second factor satisfied, as after a real sign-in."""
    client.force_login(user, backend="capil.accounts.backends.PhoneOrEmailBackend")
    if user.needs_second_factor:
        session = client.session
        second_factor_mark(_FakeRequest(session, user), user)
        session.save()
