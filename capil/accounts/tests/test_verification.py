import datetime
import time
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


def test_the_link_does_not_carry_the_address(fresh):
    import base64

    token = path_of(link_in_email(fresh.email)).rstrip("/").split("/")[-1]
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "rina" not in decoded and "contoh" not in decoded


def test_a_tampered_link_is_refused(fresh):
    from django.test import Client

    path = path_of(link_in_email(fresh.email))
    response = Client().get(path[:-3] + "xx/")
    assert response.status_code == 400


def test_changing_the_email_voids_the_old_link_and_needs_verification_again(client, fresh):
    """An unverified address (a typo at registration) is replaced at once; the old link dies."""
    old_link = path_of(link_in_email(fresh.email))
    response = client.post(reverse("accounts:email_change"),
                           {"email": "rina.baru@contoh.id", "password": "Pohon-Mangga-di-Klandasan"})
    assert response.status_code == 302
    assert client.get(old_link).status_code == 400
    assert client.get(path_of(link_in_email("rina.baru@contoh.id"))).status_code == 200
    fresh.refresh_from_db()
    assert fresh.email == "rina.baru@contoh.id" and fresh.email_verified_at is not None


def test_a_verified_email_stays_until_the_link_to_the_new_one_is_opened(client):
    user = CitizenFactory()
    old_email = user.email
    login_client(client, user)
    client.post(reverse("accounts:email_change"), {"email": "Ganti.Baru@Contoh.id", "password": PASSWORD})
    user.refresh_from_db()
    assert user.email == old_email and user.is_verified and user.pending_email == "ganti.baru@contoh.id"
    assert "ganti.baru@contoh.id" in client.get(reverse("accounts:profile")).content.decode()
    first_link = path_of(link_in_email("ganti.baru@contoh.id"))
    # A second request for another address (a minute later) voids the first link.
    with mock.patch("capil.core.ratelimit.time.time", return_value=time.time() + 61):
        client.post(reverse("accounts:email_change"), {"email": "benar@contoh.id", "password": PASSWORD})
    assert client.get(first_link).status_code == 400
    user.refresh_from_db()
    assert user.email == old_email
    with mock.patch("capil.core.ratelimit.time.time", return_value=time.time() + 122):
        assert client.post(reverse("accounts:email_change_resend")).status_code == 302
    link = path_of(link_in_email("benar@contoh.id"))
    # Opening the link (as a mail scanner fetching every link would) only shows the button.
    page = client.get(link)
    assert page.status_code == 200 and "Pakai alamat email ini" in page.content.decode()
    user.refresh_from_db()
    assert user.email == old_email and user.pending_email == "benar@contoh.id"
    assert client.post(link).status_code == 200
    user.refresh_from_db()
    assert user.email == "benar@contoh.id" and user.email_verified_at is not None and not user.pending_email
    assert client.get(link).status_code == 200  # opened again later: the address is verified, nothing to do


def test_a_pending_email_change_can_be_cancelled(client):
    user = CitizenFactory()
    old_email = user.email
    login_client(client, user)
    client.post(reverse("accounts:email_change"), {"email": "batal@contoh.id", "password": PASSWORD})
    link = path_of(link_in_email("batal@contoh.id"))
    assert client.post(reverse("accounts:email_change_cancel")).status_code == 302
    assert client.get(link).status_code == 400
    user.refresh_from_db()
    assert user.email == old_email and not user.pending_email and user.is_verified


def test_a_new_email_taken_by_another_account_meanwhile_is_refused(client):
    user = CitizenFactory()
    old_email = user.email
    login_client(client, user)
    client.post(reverse("accounts:email_change"), {"email": "rebutan@contoh.id", "password": PASSWORD})
    link = path_of(link_in_email("rebutan@contoh.id"))
    UserFactory(email="rebutan@contoh.id")
    response = client.post(link)
    assert response.status_code == 400 and "sudah dipakai" in response.content.decode()
    user.refresh_from_db()
    assert user.email == old_email


def test_asking_for_new_addresses_is_rate_limited(client):
    """The change form e-mails a link each time: one limit with the resend button, so that no address can
    be flooded from the office's domain."""
    from django.core import mail

    user = CitizenFactory()
    login_client(client, user)
    hour = (int(time.time()) // 3600 + 1) * 3600  # the start of an hour: every try below falls inside it
    answers = []
    for second in (1, 2, *range(62, 62 * 12, 62)):
        with mock.patch("capil.core.ratelimit.time.time", return_value=hour + second):
            answers.append(client.post(reverse("accounts:email_change"),
                                       {"email": "korban@contoh.id", "password": PASSWORD}))
    assert answers[0].status_code == 302
    assert "satu menit lagi" in answers[1].content.decode()
    assert "dalam satu jam terakhir" in answers[-1].content.decode()
    assert len([m for m in mail.outbox if m.to == ["korban@contoh.id"]]) == services.EMAIL_SENDS_PER_HOUR


def test_the_confirmation_page_says_when_no_code_is_on_its_way(client):
    user = CitizenFactory()
    login_client(client, user)
    with mock.patch.object(services, "CODE_SENDS_PER_HOUR", 0):
        client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3340", "password": PASSWORD})
    assert sms_count("+6281255503340") == 0
    page = client.get(reverse("accounts:phone_change_confirm")).content.decode()
    assert "Belum ada kode yang berlaku" in page and "Kode SMS dikirim ke" not in page


def test_a_reset_code_sent_to_a_number_the_account_has_left_does_not_reset(client):
    """Numbers are given to new owners: a reset code that reached the old number (sent in the instant the
    change was confirmed) must not open the account."""
    user = CitizenFactory()
    old_phone = user.phone
    stale = User.objects.get(pk=user.pk)
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3341", "password": PASSWORD})
    confirm_phone(client, sms_code("+6281255503341"))
    services._code_issue(user=stale, purpose=CodePurpose.PASSWORD_RESET, ip="10.0.0.9")  # the worker's race
    with pytest.raises(services.CodeRejected):
        services.password_reset_with_code(identifier=user.email, code=sms_code(old_phone), password=NEW_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_registering_in_the_same_instant_as_another_account_is_a_form_error():
    from django.core.exceptions import ValidationError

    taken = CitizenFactory()
    registration = services.Registration(full_name="Dua", phone=taken.phone, email="dua@contoh.id",
                                         password="Pohon-Mangga-di-Klandasan")
    real = services.registration_validate
    calls = []

    def first_sees_nothing(reg):  # the other account committed between the check and the insert
        calls.append(1)
        return {} if len(calls) == 1 else real(reg)

    with mock.patch.object(services, "registration_validate", side_effect=first_sees_nothing):
        with pytest.raises(ValidationError) as caught:
            services.user_register(registration=registration)
    assert "phone" in caught.value.message_dict
    assert not User.objects.filter(email="dua@contoh.id").exists()


def test_pending_changes_are_in_the_data_download_and_gone_when_the_account_closes(client):
    from capil.accounts.selectors import accounts_personal_data

    user = CitizenFactory()
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3339", "password": PASSWORD})
    client.post(reverse("accounts:email_change"), {"email": "unduh@contoh.id", "password": PASSWORD})
    section = accounts_personal_data(User.objects.get(pk=user.pk))
    data = section["akun"]
    assert data["nomor_hp_baru_belum_dikonfirmasi"] == "+6281255503339"
    assert "+6281255503339" in [c["dikirim_ke"] for c in section["kode_sms"]]  # where each code went
    assert data["email_baru_belum_dikonfirmasi"] == "unduh@contoh.id"
    services.account_close(user=User.objects.get(pk=user.pk), password=PASSWORD)
    closed = User.objects.get(pk=user.pk)
    assert not closed.pending_phone and not closed.pending_email


def test_an_unverified_phone_is_replaced_at_once_and_must_be_verified(client, fresh):
    """A typo at registration: nothing to keep, so the new number replaces it and gets the code."""
    old_code = sms_code(fresh.phone)
    response = client.post(reverse("accounts:phone_change"),
                           {"phone": "0812 5550 3333", "password": "Pohon-Mangga-di-Klandasan"})
    assert response.status_code == 302 and response.url == reverse("accounts:verification")
    fresh.refresh_from_db()
    assert fresh.phone == "+6281255503333" and fresh.phone_verified_at is None and not fresh.pending_phone
    assert "Kode" in verify(client, old_code).content.decode()  # the code sent to the typo'd number died
    verify(client, sms_code("+6281255503333"))
    fresh.refresh_from_db()
    assert fresh.phone_verified_at is not None


def confirm_phone(client, code):
    return client.post(reverse("accounts:phone_change_confirm"), {"code": code})


def test_a_verified_phone_stays_until_the_new_one_is_confirmed(client):
    user = CitizenFactory()
    old_phone = user.phone
    login_client(client, user)
    response = client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3333", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:phone_change_confirm")
    user.refresh_from_db()
    # Still the old, verified number: the citizen can sign in with it and apply in the meantime.
    assert user.phone == old_phone and user.is_verified and user.pending_phone == "+6281255503333"
    page = client.get(reverse("accounts:phone_change_confirm")).content.decode()
    assert "0812-5550-3333" in page
    assert "0812-5550-3333" in client.get(reverse("accounts:profile")).content.decode()
    code = sms_code("+6281255503333")
    assert "Kode salah" in confirm_phone(client, "000000" if code != "000000" else "111111").content.decode()
    user.refresh_from_db()
    assert user.phone == old_phone
    response = confirm_phone(client, code)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.phone == "+6281255503333" and user.phone_verified_at is not None and not user.pending_phone
    assert user.is_verified
    # The change is audited, and a code for the old number (a password reset) no longer works.
    from capil.audit.models import AuditEvent

    actions = set(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))
    assert {"account.phone_change_requested", "account.phone_changed"} <= actions


def test_a_password_reset_code_sent_to_the_old_number_dies_with_the_change(client):
    user = CitizenFactory()
    old_phone = user.phone
    services.password_reset_send(identifier=old_phone, ip="10.0.0.1")
    reset_code = sms_code(old_phone)
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3334", "password": PASSWORD})
    confirm_phone(client, sms_code("+6281255503334"))
    with pytest.raises(services.CodeRejected):
        services._code_consume(user=user, purpose=CodePurpose.PASSWORD_RESET, code=reset_code)


def test_a_pending_phone_change_can_be_cancelled_or_corrected(client):
    user = CitizenFactory()
    old_phone = user.phone
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3335", "password": PASSWORD})
    first_code = sms_code("+6281255503335")
    # A typo in the new number: asking again for the right one makes the first code useless.
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3336", "password": PASSWORD})
    user.refresh_from_db()
    assert user.pending_phone == "+6281255503336"
    assert "Kode" in confirm_phone(client, first_code).content.decode()
    user.refresh_from_db()
    assert user.phone == old_phone
    response = client.post(reverse("accounts:phone_change_cancel"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == old_phone and not user.pending_phone and user.is_verified
    assert client.get(reverse("accounts:phone_change_confirm")).url == reverse("accounts:profile")


def test_a_new_phone_taken_by_another_account_meanwhile_is_refused(client):
    user = CitizenFactory()
    old_phone = user.phone
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3337", "password": PASSWORD})
    code = sms_code("+6281255503337")
    CitizenFactory(phone="+6281255503337")  # registered with that number before the code was typed
    assert "sudah dipakai" in confirm_phone(client, code).content.decode()
    user.refresh_from_db()
    assert user.phone == old_phone and user.is_verified


def test_the_change_code_is_resent_to_the_new_number_only(client):
    user = CitizenFactory()
    login_client(client, user)
    client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3338", "password": PASSWORD})
    sent_old = sms_count(user.phone)
    with later(minutes=2):
        response = client.post(reverse("accounts:phone_change_resend"))
    assert response.status_code == 302
    assert sms_count("+6281255503338") == 2 and sms_count(user.phone) == sent_old


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
    sent_before_confirm = sms_count(old_phone)
    confirm_phone(client, sms_code("+6281255504444"))
    assert sms_count(old_phone) == sent_before_confirm + 1
    notice = last_sms(old_phone)
    assert "Nomor HP akun Capil Online Anda baru saja diganti" in notice and "4444" not in notice
    client.post(reverse("accounts:email_change"), {"email": "baru@contoh.id", "password": PASSWORD})
    client.post(path_of(link_in_email("baru@contoh.id")))
    mail_notice = last_email_to(old_email)
    assert "Alamat email akun Capil Online Anda baru saja diganti" in mail_notice.body
    assert "baru@contoh.id" not in mail_notice.body
    # From now on the new phone and address are the account's: a password change is told to them.
    sent_before = sms_count("+6281255504444")
    services.password_change(user=User.objects.get(pk=user.pk), old_password=PASSWORD,
                             password=NEW_PASSWORD)
    assert sms_count("+6281255504444") == sent_before + 1
    assert sms_count(old_phone) == sent_before_confirm + 1
    assert "Kata sandi" in last_email_to("baru@contoh.id").body


def test_a_password_change_is_told_by_sms_and_email(client):
    from .helpers import last_email_to, last_sms

    user = CitizenFactory()
    services.password_change(user=user, old_password=PASSWORD, password=NEW_PASSWORD)
    assert "Kata sandi akun Capil Online Anda baru saja diganti" in last_sms(user.phone)
    assert "Kata sandi akun Capil Online Anda baru saja diganti" in last_email_to(user.email).body


def test_a_signed_in_session_cannot_be_used_to_guess_the_password(client):
    """Wrong passwords in the change forms are counted per account; past the limit even the right one waits."""
    user = CitizenFactory()
    login_client(client, user)
    forms = [
        (reverse("accounts:phone_change"), {"phone": "0812 5550 3342", "password": "tebakan-1"}),
        (reverse("accounts:email_change"), {"email": "tebak@contoh.id", "password": "tebakan-2"}),
        (reverse("accounts:password_change"), {"old_password": "tebakan-3", "password": NEW_PASSWORD,
                                               "password2": NEW_PASSWORD}),
    ]
    for i in range(services.PASSWORD_CONFIRM_FAILURES):
        url, data = forms[i % len(forms)]
        assert "salah" in client.post(url, data).content.decode()
    response = client.post(reverse("accounts:phone_change"), {"phone": "0812 5550 3342", "password": PASSWORD})
    assert "Terlalu banyak kata sandi salah" in response.content.decode()
    user.refresh_from_db()
    assert not user.pending_phone
