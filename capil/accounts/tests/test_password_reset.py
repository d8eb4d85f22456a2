import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from capil.accounts.models import User
from capil.audit.models import AuditEvent

from .factories import PASSWORD, CitizenFactory
from .helpers import link_in_email, path_of, sms_code, sms_count

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "Sungai-Ampal-Mengalir-9"


def request_reset(client, identifier):
    return client.post(reverse("accounts:password_reset"), {"identifier": identifier})


def page_text(response) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text


def test_reset_by_sms_code(client):
    user = CitizenFactory(phone="+6281255506666")
    response = request_reset(client, "0812 5550 6666")
    assert response["Location"] == reverse("accounts:password_reset_code")
    code = sms_code(user.phone)
    response = client.post(reverse("accounts:password_reset_code"),
                           {"code": code, "password": NEW, "password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="account.password_reset_sms", target_id=str(user.pk)).exists()


def test_a_reset_code_works_once(client):
    user = CitizenFactory(phone="+6281255506666")
    request_reset(client, user.phone)
    code = sms_code(user.phone)
    client.post(reverse("accounts:password_reset_code"), {"code": code, "password": NEW, "password2": NEW})
    again = Client()
    again.session  # noqa: B018
    session = again.session
    session["capil_reset_identifier"] = user.phone
    session.save()
    response = again.post(reverse("accounts:password_reset_code"),
                          {"code": code, "password": "Lain-Lagi-Sandi-42", "password2": "Lain-Lagi-Sandi-42"})
    assert "Kode salah atau sudah tidak berlaku" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_reset_by_email_link_which_then_dies(client):
    user = CitizenFactory(email="lupa@contoh.id")
    response = request_reset(client, "LUPA@contoh.id")
    assert response.status_code == 200
    path = path_of(link_in_email("lupa@contoh.id"))
    assert client.get(path).status_code == 200
    response = client.post(path, {"password": NEW, "password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(path).status_code == 400


def test_a_weak_new_password_is_refused_and_the_code_still_works(client):
    user = CitizenFactory(phone="+6281255506666")
    request_reset(client, user.phone)
    code = sms_code(user.phone)
    response = client.post(reverse("accounts:password_reset_code"),
                           {"code": code, "password": "password123", "password2": "password123"})
    assert response.status_code == 200
    response = client.post(reverse("accounts:password_reset_code"), {"code": code, "password": NEW, "password2": NEW})
    assert response.status_code == 302


def test_reset_does_not_reveal_whether_a_phone_is_registered():
    CitizenFactory(phone="+6281255506666")
    known, unknown = Client(), Client()
    a = request_reset(known, "081255506666")
    b = request_reset(unknown, "081255507777")
    assert a.status_code == b.status_code == 302 and a["Location"] == b["Location"]
    a = known.get(a["Location"])
    b = unknown.get(b["Location"])
    assert page_text(a).replace("081255506666", "X") == page_text(b).replace("081255507777", "X")
    a = known.post(reverse("accounts:password_reset_code"), {"code": "000000", "password": NEW, "password2": NEW})
    b = unknown.post(reverse("accounts:password_reset_code"), {"code": "000000", "password": NEW, "password2": NEW})
    assert page_text(a).replace("081255506666", "X") == page_text(b).replace("081255507777", "X")
    # A second request within the minute: same answer again (no "wait 60 s" that only an account would get).
    a = request_reset(known, "081255506666")
    b = request_reset(unknown, "081255507777")
    assert a.status_code == b.status_code == 302
    assert sms_count("+6281255506666") == 1 and sms_count("+6281255507777") == 0


def test_reset_does_not_reveal_whether_an_email_is_registered():
    CitizenFactory(email="ada@contoh.id")
    a = request_reset(Client(), "ada@contoh.id")
    b = request_reset(Client(), "tidak-ada@contoh.id")
    assert page_text(a).replace("ada@contoh.id", "X") == page_text(b).replace("tidak-ada@contoh.id", "X")
    assert len(mail.outbox) == 1


def test_resets_are_rate_limited_per_identifier_whether_or_not_it_exists():
    for identifier in ["ada@contoh.id", "tidak-ada@contoh.id"]:
        if identifier == "ada@contoh.id":
            CitizenFactory(email=identifier)
        answers = [request_reset(Client(REMOTE_ADDR=f"10.1.0.{i}"), identifier).status_code for i in range(6)]
        assert answers == [200] * 5 + [429]


def test_a_malformed_phone_gets_a_clear_message(client):
    response = request_reset(client, "12ab")
    assert response.status_code == 200
    assert "Nomor HP" in response.content.decode()


def test_password_change_keeps_the_session_and_checks_the_old_password(client):
    user = CitizenFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": "salah", "password": NEW, "password2": NEW})
    assert "Kata sandi lama salah" in response.content.decode()
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "password": NEW, "password2": NEW})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert User.objects.get(pk=user.pk).check_password(NEW)
