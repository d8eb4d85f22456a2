import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from capil.accounts import services

from .factories import PASSWORD, CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db


def signin(client, identifier, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"identifier": identifier, "password": password}, **extra)


def page_text(response) -> str:
    # The page without its per-request CSRF token.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("spelling", ["0812-5550-1111", "+62 812 5550 1111", "6281255501111", "SITI@Contoh.id"])
def test_sign_in_with_phone_in_any_spelling_or_email_in_any_case(client, spelling):
    user = CitizenFactory(phone="+6281255501111", email="siti@contoh.id")
    response = signin(client, spelling)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_unverified_citizen_is_sent_to_verification(client):
    user = UserFactory()
    response = signin(client, user.email)
    assert response["Location"] == reverse("accounts:verification")


def test_next_is_followed_only_within_the_site(client):
    user = CitizenFactory()
    assert signin(client, user.email, next="/layanan/")["Location"] == "/"
    client.logout()
    response = client.post(reverse("accounts:login"),
                           {"identifier": user.email, "password": PASSWORD, "next": "/akun/profil/"})
    assert response["Location"] == "/akun/profil/"
    client.logout()
    response = client.post(reverse("accounts:login"),
                           {"identifier": user.email, "password": PASSWORD, "next": "https://jahat.example/"})
    assert response["Location"] == "/"


def test_wrong_password_and_unknown_account_get_the_same_answer():
    user = CitizenFactory(email="ada@contoh.id")
    known = signin(Client(), user.email, "salah-sandi-123")
    unknown = signin(Client(), "tidak-ada@contoh.id", "salah-sandi-123")
    assert known.status_code == unknown.status_code == 200
    assert page_text(known).replace(user.email, "X") == page_text(unknown).replace("tidak-ada@contoh.id", "X")
    assert "Nomor HP/email atau kata sandi salah." in page_text(known)


def test_an_unknown_account_costs_a_password_hash_check_like_a_known_one():
    CitizenFactory(email="ada@contoh.id")
    from django.contrib.auth.hashers import MD5PasswordHasher

    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True, return_value=False) as verify:
        signin(Client(), "ada@contoh.id", "salah-sandi-123")
        signin(Client(), "tidak-ada@contoh.id", "salah-sandi-123")
        signin(Client(), "0812 5550 9999", "salah-sandi-123")
    assert verify.call_count == 3


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client):
    user = CitizenFactory()
    for _ in range(services.SIGNIN_ACCOUNT_FAILURES):
        assert signin(Client(REMOTE_ADDR="10.0.0.1"), user.phone, "salah-sandi-123").status_code == 200
    # From another address, with the right password: still locked.
    response = signin(Client(), user.phone)
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_the_lock_is_per_account_in_any_spelling():
    user = CitizenFactory(phone="+6281255501111")
    for spelling in ["0812 5550 1111", "+6281255501111", "62-812-5550-1111", "081255501111", "+62 81255501111"]:
        signin(Client(), spelling, "salah-sandi-123")
    assert signin(Client(), user.email).status_code == 302  # e-mail is another key; the phone is locked
    assert signin(Client(), "081255501111").status_code == 429


def test_an_unknown_account_locks_the_same_way():
    for _ in range(services.SIGNIN_ACCOUNT_FAILURES):
        signin(Client(), "tidak-ada@contoh.id", "salah-sandi-123")
    assert signin(Client(), "tidak-ada@contoh.id", "salah-sandi-123").status_code == 429


def test_a_successful_sign_in_clears_the_failures(client):
    user = CitizenFactory()
    for _ in range(services.SIGNIN_ACCOUNT_FAILURES - 1):
        signin(Client(), user.email, "salah-sandi-123")
    assert signin(Client(), user.email).status_code == 302
    for _ in range(services.SIGNIN_ACCOUNT_FAILURES - 1):
        signin(Client(), user.email, "salah-sandi-123")
    assert signin(Client(), user.email).status_code == 302


def test_one_address_is_limited_across_accounts():
    client = Client(REMOTE_ADDR="10.9.9.9")
    for i in range(services.SIGNIN_IP_ATTEMPTS):
        signin(client, f"orang{i}@contoh.id", "salah-sandi-123")
    response = signin(client, "orang-lain@contoh.id", "salah-sandi-123")
    assert response.status_code == 429
    assert signin(Client(REMOTE_ADDR="10.9.9.10"), "orang-lain@contoh.id", "salah-sandi-123").status_code == 200


def test_inactive_and_closed_accounts_cannot_sign_in():
    inactive = CitizenFactory(is_active=False)
    assert signin(Client(), inactive.email).status_code == 200


def test_sign_out_is_a_post_and_ends_the_session(client):
    user = CitizenFactory()
    signin(client, user.email)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_sign_in_needs_csrf():
    user = CitizenFactory()
    response = signin(Client(enforce_csrf_checks=True), user.email)
    assert response.status_code == 403


def test_pages_read_in_english_for_those_who_choose_it(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = signin(client, "tidak-ada@contoh.id", "salah-sandi-123")
    assert "Wrong mobile number/e-mail or password." in response.content.decode()
    assert "Mobile number or e-mail" in client.get(reverse("accounts:login")).content.decode()
