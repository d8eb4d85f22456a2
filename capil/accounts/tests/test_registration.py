import pytest
from django.urls import reverse

from capil.accounts.models import User
from capil.audit.models import AuditEvent

from .factories import CitizenFactory
from .helpers import last_email_to, sms_code

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {
    "full_name": "  Sukarti  ", "phone": "0812-5550-1234", "email": "Sukarti@Contoh.ID",
    "password": "Pohon-Mangga-di-Klandasan", "password2": "Pohon-Mangga-di-Klandasan",
    "nik": "", "birth_date": "", "sex": "",
}


def register(client, **changes):
    return client.post(reverse("accounts:register"), {**FORM, **changes})


def test_registration_creates_a_citizen_signed_in_and_sends_code_and_link(client):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verification")
    user = User.objects.get()
    assert (user.full_name, user.phone, user.email) == ("Sukarti", "+6281255501234", "sukarti@contoh.id")
    assert user.role == "CITIZEN" and not user.is_verified
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert len(sms_code("+6281255501234")) == 6
    assert "/akun/verifikasi/email/" in last_email_to("sukarti@contoh.id").body
    assert client.get(reverse("accounts:verification")).status_code == 200
    assert AuditEvent.objects.filter(action="account.registered", target_id=str(user.pk)).exists()


def test_single_names_are_accepted(client):
    register(client, full_name="Sukarno")
    assert User.objects.get().full_name == "Sukarno"


def test_one_account_per_phone_in_any_spelling_and_per_email_in_any_case(client):
    CitizenFactory(phone="+6281255501234", email="lain@contoh.id")
    response = register(client, email="baru@contoh.id")
    assert "Nomor HP ini sudah dipakai" in response.content.decode()
    CitizenFactory(phone="+6281255509999", email="sukarti@contoh.id")
    response = register(client, phone="+62 812 5550 7777", email="SUKARTI@contoh.id")
    assert "Alamat email ini sudah dipakai" in response.content.decode()
    assert User.objects.count() == 2


@pytest.mark.parametrize("password", ["password123", "1234567890123", "sukarti-contoh"])
def test_weak_passwords_are_refused_with_django_validators(client, password):
    response = register(client, password=password, password2=password)
    assert response.status_code == 200
    assert not User.objects.exists()
    assert 'class="error"' in response.content.decode()


def test_a_landline_is_refused_with_a_clear_message(client):
    response = register(client, phone="0542 123456")
    assert "tidak dapat menerima SMS" in response.content.decode() or "tidak valid" in response.content.decode()
    assert not User.objects.exists()


def test_an_impossible_nik_is_refused(client):
    response = register(client, nik="6471013201900001")
    assert "bukan tanggal lahir" in response.content.decode()
    assert not User.objects.exists()


def test_a_nik_that_disagrees_with_birth_date_and_sex_is_kept_with_a_note_for_the_operator(client):
    response = register(client, nik="6471010101900001", birth_date="1990-01-02", sex="F")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.nik == "6471010101900001"
    assert "Tanggal lahir" in user.nik_warning and "Jenis kelamin" in user.nik_warning


def test_a_matching_nik_leaves_no_note(client):
    register(client, nik="6471 0101 0190 0001", birth_date="1990-01-01", sex="M")
    user = User.objects.get()
    assert user.nik == "6471010101900001" and user.nik_warning == ""


def test_the_nik_is_not_written_to_the_audit_log(client):
    register(client, nik="6471010101900001")
    for event in AuditEvent.objects.all():
        assert "6471010101900001" not in str(event.data)


def test_registration_is_rate_limited_per_address(client):
    for i in range(10):
        register(client, phone=f"08125550{i:04d}", email=f"w{i}@contoh.id", password="x", password2="x")
    response = register(client)
    assert response.status_code == 429
    assert not User.objects.exists()


def test_the_form_needs_csrf():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("accounts:register"), FORM)
    assert response.status_code == 403
