import datetime
from unittest import mock

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capil.accounts import services
from capil.accounts.models import Role, User
from capil.audit.models import AuditEvent

from .factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def signin(client, user):
    return client.post(reverse("accounts:login"), {"identifier": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS, Role.ADMIN])
def test_every_staff_role_needs_the_second_factor_before_any_staff_page(role):
    user = StaffFactory(role=role)
    client = Client()
    response = signin(client, user)
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    # Signed in with the password only: every staff page (role_required) sends to the second factor.
    for name in ["accounts:second_factor_status", "accounts:profile"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:second_factor"))
    response = client.post(reverse("accounts:second_factor"),
                           {"code": pyotp.TOTP(user.totp_secret).now(), "next": "/akun/faktor-kedua/status/"})
    assert response["Location"] == "/akun/faktor-kedua/status/"
    assert client.get(reverse("accounts:second_factor_status")).status_code == 200
    assert AuditEvent.objects.filter(action="account.staff_signed_in", target_id=str(user.pk)).exists()


def test_admin_pages_need_the_second_factor():
    admin = StaffFactory(role=Role.ADMIN)
    client = Client()
    signin(client, admin)
    response = client.get(reverse("accounts:staff_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:second_factor"))


def test_a_wrong_code_is_refused_and_a_used_code_cannot_be_replayed():
    user = StaffFactory()
    client = Client()
    signin(client, user)
    response = client.post(reverse("accounts:second_factor"), {"code": "000000"})
    assert response.status_code == 200 and "Kode salah" in response.content.decode()
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post(reverse("accounts:second_factor"), {"code": code}).status_code == 302
    other = Client()
    signin(other, user)
    response = other.post(reverse("accounts:second_factor"), {"code": code})
    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()


def test_five_wrong_codes_lock_the_second_factor_for_a_while():
    user = StaffFactory()
    client = Client()
    signin(client, user)
    for _ in range(services.TOTP_FAILURES):
        client.post(reverse("accounts:second_factor"), {"code": "000000"})
    response = client.post(reverse("accounts:second_factor"), {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 429


def test_staff_without_a_second_factor_enrol_at_sign_in():
    user = StaffFactory(totp_secret="", totp_confirmed_at=None)
    client = Client()
    signin(client, user)
    page = client.get(reverse("accounts:second_factor"))
    assert "Pasang faktor kedua" in page.content.decode() and "<svg" in page.content.decode()
    user.refresh_from_db()
    assert user.totp_secret and not user.has_second_factor
    grouped = " ".join(user.totp_secret[i:i + 4] for i in range(0, len(user.totp_secret), 4))
    assert grouped in page.content.decode()
    response = client.post(reverse("accounts:second_factor"), {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.has_second_factor
    assert AuditEvent.objects.filter(action="account.totp_enrolled", target_id=str(user.pk)).exists()


def test_a_code_from_the_previous_step_is_accepted_for_clock_drift():
    user = StaffFactory()
    previous = pyotp.TOTP(user.totp_secret).at(timezone.now() - datetime.timedelta(seconds=30))
    assert services.totp_verify(user=user, code=previous)


def test_a_code_two_steps_old_is_refused():
    user = StaffFactory()
    old = pyotp.TOTP(user.totp_secret).at(timezone.now() - datetime.timedelta(seconds=90))
    assert not services.totp_verify(user=user, code=old)


def test_the_mark_belongs_to_one_user_in_one_session():
    user = StaffFactory()
    client = Client()
    signin(client, user)
    client.post(reverse("accounts:second_factor"), {"code": pyotp.TOTP(user.totp_secret).now()})
    other = StaffFactory(role=Role.ADMIN)
    signin(client, other)  # signing in as someone else rotates the session; the mark does not carry over
    response = client.get(reverse("accounts:staff_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:second_factor"))


def test_citizens_have_no_second_factor_page():
    from .factories import CitizenFactory, login_client

    client = Client()
    login_client(client, CitizenFactory())
    assert client.get(reverse("accounts:second_factor")).status_code == 403


def test_production_settings_do_not_relax_the_second_factor():
    # The set of roles is a constant in code, not a setting: every staff role, everywhere.
    from capil.accounts.models import SECOND_FACTOR_ROLES, STAFF_ROLES

    assert SECOND_FACTOR_ROLES == STAFF_ROLES
    assert all(User(role=r).needs_second_factor for r in STAFF_ROLES)
    assert not User(role=Role.CITIZEN).needs_second_factor


def test_demo_accounts_print_each_secret_and_a_current_code(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    out = StringIO()
    with mock.patch("capil.accounts.management.commands.demo_accounts.settings", settings):
        call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for role in [Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS, Role.ADMIN]:
        user = User.objects.get(role=role)
        assert user.has_second_factor
        assert user.totp_secret in text
        printed_code = text.split(user.totp_secret)[1].split("kode saat ini:")[1].split()[0]
        assert pyotp.TOTP(user.totp_secret).verify(printed_code, valid_window=1)
    citizen = User.objects.get(role=Role.CITIZEN)
    assert citizen.is_verified
    # Running it again keeps the same logins.
    out2 = StringIO()
    call_command("demo_accounts", stdout=out2)
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert out2.getvalue().split("sandi:")[1].split()[0] == text.split("sandi:")[1].split()[0]
