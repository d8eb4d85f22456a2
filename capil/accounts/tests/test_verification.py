import datetime
from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from capil.accounts import services
from capil.accounts.access import verified_citizen_required
from capil.accounts.models import CodePurpose, OneTimeCode, User

from .factories import PASSWORD, CitizenFactory, UserFactory, login_client
from .helpers import link_in_email, path_of, sms_code, sms_count

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "Sungai-Ampal-Mengalir-9"  # any password the validators accept


def later(**delta):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(**delta))


@pytest.fixture
def fresh(client):
    """A citizen just registered: signed in, code and link sent."""
    registration = services.Registration(full_name="Rina", phone="081255502222", email="rina@contoh.id",
                                         password="Pohon-Mangga-di-Klandasan")
    user = services.user_register(registration=registration)
    login_client(client, user)
    return user


def verify(client, code):
    return client.post(reverse("accounts:verification"), {"code": code})


def test_the_sms_code_verifies_the_phone(client, fresh):
    code = sms_code(fresh.phone)
    response = verify(client, code)
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is not None


def test_only_the_hash_of_the_code_is_stored(fresh):
    code = sms_code(fresh.phone)
    otc = OneTimeCode.objects.get(user=fresh)
    assert code not in otc.code_hash and len(otc.code_hash) == 64


def test_a_code_works_once(client, fresh):
    code = sms_code(fresh.phone)
    verify(client, code)
    with pytest.raises(services.CodeRejected):
        services._code_consume(user=fresh, purpose=CodePurpose.PHONE_VERIFY, code=code)


def test_a_code_expires_after_five_minutes(client, fresh):
    code = sms_code(fresh.phone)
    with later(minutes=5, seconds=1):
        response = verify(client, code)
    assert "tidak berlaku" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is None


def test_a_code_still_works_just_before_five_minutes(client, fresh):
    code = sms_code(fresh.phone)
    with later(minutes=4, seconds=50):
        verify(client, code)
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is not None


def test_five_wrong_tries_kill_the_code_and_a_new_one_is_needed(client, fresh):
    code = sms_code(fresh.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    messages = [verify(client, wrong).content.decode() for _ in range(5)]
    assert "Sisa 4 kali" in messages[0]
    assert "tidak berlaku lagi" in messages[4]
    response = verify(client, code)
    assert "Minta kode baru" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is None
    with later(seconds=61):
        client.post(reverse("accounts:phone_code_resend"))
        verify(client, sms_code(fresh.phone))
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is not None


def test_resend_waits_sixty_seconds(client, fresh):
    assert sms_count(fresh.phone) == 1
    response = client.post(reverse("accounts:phone_code_resend"), follow=True)
    assert "detik lagi" in response.content.decode()
    assert sms_count(fresh.phone) == 1
    with later(seconds=61):
        client.post(reverse("accounts:phone_code_resend"))
    assert sms_count(fresh.phone) == 2


def test_a_resent_code_replaces_the_previous_one(client, fresh):
    first = sms_code(fresh.phone)
    with later(seconds=61):
        client.post(reverse("accounts:phone_code_resend"))
        second = sms_code(fresh.phone)
        if first != second:
            assert "Kode salah" in verify(client, first).content.decode()
            fresh.refresh_from_db()
            assert fresh.phone_verified_at is None
        verify(client, second)
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is not None


def test_at_most_five_codes_an_hour(client, fresh):
    for minute in range(1, 8):
        with later(minutes=minute):
            client.post(reverse("accounts:phone_code_resend"))
    assert sms_count(fresh.phone) == services.CODE_SENDS_PER_HOUR


def test_the_email_link_verifies_the_address_even_without_signing_in(client, fresh):
    from django.test import Client

    response = Client().get(path_of(link_in_email(fresh.email)))
    assert response.status_code == 200
    fresh.refresh_from_db()
    assert fresh.email_verified_at is not None


def test_the_email_link_expires(fresh):
    import time

    from django.test import Client

    path = path_of(link_in_email(fresh.email))
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 2 * 86400 + 5):
        response = Client().get(path)
    assert response.status_code == 400
    assert "kedaluwarsa" in response.content.decode()


def test_a_tampered_link_is_refused(fresh):
    from django.test import Client

    path = path_of(link_in_email(fresh.email))
    response = Client().get(path[:-3] + "xx/")
    assert response.status_code == 400


def test_changing_the_email_voids_the_old_link_and_needs_verification_again(client, fresh):
    old_link = path_of(link_in_email(fresh.email))
    response = client.post(reverse("accounts:email_change"),
                           {"email": "rina.baru@contoh.id", "password": "Pohon-Mangga-di-Klandasan"})
    assert response.status_code == 302
    assert client.get(old_link).status_code == 400
    assert client.get(path_of(link_in_email("rina.baru@contoh.id"))).status_code == 200
    fresh.refresh_from_db()
    assert fresh.email == "rina.baru@contoh.id" and fresh.email_verified_at is not None


def test_changing_the_phone_needs_verification_again_and_old_codes_die(client):
    user = CitizenFactory()
    login_client(client, user)
    response = client.post(reverse("accounts:phone_change"),
                           {"phone": "0812 5550 3333", "password": "Kelapa-Sawit-Balikpapan-7"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == "+6281255503333" and user.phone_verified_at is None and not user.is_verified
    verify(client, sms_code("+6281255503333"))
    user.refresh_from_db()
    assert user.phone_verified_at is not None


def test_changing_phone_needs_the_password_and_a_free_number(client):
    user, other = CitizenFactory(), CitizenFactory()
    login_client(client, user)
    response = client.post(reverse("accounts:phone_change"), {"phone": other.phone, "password": "salah"})
    assert "Kata sandi salah" in response.content.decode()
    response = client.post(reverse("accounts:phone_change"),
                           {"phone": other.phone, "password": "Kelapa-Sawit-Balikpapan-7"})
    assert "sudah dipakai" in response.content.decode()
    user.refresh_from_db()
    assert user.phone_verified_at is not None


def test_applying_needs_both_verified():
    @verified_citizen_required
    def apply(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    from django.core.exceptions import PermissionDenied

    rf = RequestFactory()
    for user, allowed in [
        (UserFactory(), False),
        (UserFactory(phone_verified_at=timezone.now()), False),
        (UserFactory(email_verified_at=timezone.now()), False),
        (CitizenFactory(), True),
    ]:
        request = rf.get("/ajukan/")
        request.user = user
        if allowed:
            assert apply(request).status_code == 200
        else:
            with pytest.raises(PermissionDenied):
                apply(request)


def test_verification_survives_nothing_half_written_when_sending_fails(client):
    # The SMS cannot be queued (a notification error): no account is left behind without its code.
    registration = services.Registration(full_name="Rudi", phone="081255504444", email="rudi@contoh.id",
                                         password="Pohon-Mangga-di-Klandasan")
    with mock.patch("capil.accounts.services.notification_enqueue", side_effect=RuntimeError("gateway")):
        with pytest.raises(RuntimeError):
            services.user_register(registration=registration)
    assert not User.objects.filter(email="rudi@contoh.id").exists()


def test_the_old_phone_and_address_are_told_of_a_change_without_the_new_one(client):
    """A stolen session with the password could move the account to another phone or e-mail: the holder
    hears of it where they could before, and the notice carries neither the new number nor the address."""
    from .helpers import last_email_to, last_sms

    user = CitizenFactory()
    old_phone, old_email = user.phone, user.email
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 4444", "password": PASSWORD})
    notice = last_sms(old_phone)
    assert "Nomor HP akun Capil Online Anda baru saja diganti" in notice and "4444" not in notice
    client.post(reverse("accounts:email_change"), {"email": "baru@contoh.id", "password": PASSWORD})
    mail_notice = last_email_to(old_email)
    assert "Alamat email akun Capil Online Anda baru saja diganti" in mail_notice.body
    assert "baru@contoh.id" not in mail_notice.body
    # The new phone and address are not verified yet: a password change is told to neither.
    sent_before = sms_count("+6281255504444")
    services.password_change(user=User.objects.get(pk=user.pk), old_password=PASSWORD,
                             password=NEW_PASSWORD)
    assert sms_count("+6281255504444") == sent_before


def test_a_password_change_is_told_by_sms_and_email(client):
    from .helpers import last_email_to, last_sms

    user = CitizenFactory()
    services.password_change(user=user, old_password=PASSWORD, password=NEW_PASSWORD)
    assert "Kata sandi akun Capil Online Anda baru saja diganti" in last_sms(user.phone)
    assert "Kata sandi akun Capil Online Anda baru saja diganti" in last_email_to(user.email).body
