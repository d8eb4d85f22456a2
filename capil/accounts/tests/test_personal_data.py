import json

import pytest
from django.test import Client
from django.urls import reverse

from capil.accounts import personal_data
from capil.accounts.models import OneTimeCode, User
from capil.audit.models import AuditEvent
from capil.audit.services import audit_chain_verify

from .factories import PASSWORD, CitizenFactory, login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_app():
    """A section as another context registers it: it keeps 'applications' and erases 'drafts'."""
    store = {"applications": {}, "drafts": {}, "blockers": {}}

    def export(user):
        return {"permohonan": store["applications"].get(user.pk, []), "draf": store["drafts"].get(user.pk, [])}

    def erase(user):
        removed = len(store["drafts"].pop(user.pk, []))
        return {"draf_dihapus": removed}

    personal_data.register(name="zz_test", export=export, erase=erase, retained="Permohonan disimpan.",
                           closure_blockers=lambda user: store["blockers"].get(user.pk, []))
    yield store
    personal_data._SECTIONS.pop("zz_test")


@pytest.fixture
def citizen_client():
    user = CitizenFactory(nik="6471010101900001", full_name="Siti Aminah")
    client = Client()
    login_client(client, user)
    client.user = user
    return client


def test_the_download_holds_every_section(citizen_client, other_app):
    user = citizen_client.user
    other_app["applications"][user.pk] = [{"nomor": "BPN-2026-000001"}]
    response = citizen_client.get(reverse("accounts:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert list(data["bagian"]) == ["accounts", "zz_test"]
    account = data["bagian"]["accounts"]["akun"]
    assert (account["nama_lengkap"], account["email"], account["nomor_hp"], account["nik"]) == (
        "Siti Aminah", user.email, user.phone, "6471010101900001")
    assert data["bagian"]["zz_test"]["permohonan"] == [{"nomor": "BPN-2026-000001"}]
    assert AuditEvent.objects.filter(action="account.data_exported", target_id=str(user.pk)).exists()


def test_the_download_holds_no_secrets(citizen_client):
    text = citizen_client.get(reverse("accounts:my_data_download")).content.decode()
    assert "md5$" not in text and "argon2" not in text and "totp" not in text.lower()


def test_closing_keeps_what_law_requires_and_removes_the_rest(citizen_client, other_app):
    user = citizen_client.user
    other_app["applications"][user.pk] = [{"nomor": "BPN-2026-000001"}]
    other_app["drafts"][user.pk] = [{"draf": 1}, {"draf": 2}]
    OneTimeCode.objects.create(user=user, purpose="phone_verify", phone=user.phone, code_hash="x" * 64,
                               expires_at=user.date_joined)
    response = citizen_client.post(reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    closed = User.objects.get(pk=user.pk)
    assert closed.closed_at is not None and not closed.is_active and not closed.has_usable_password()
    assert closed.phone is None and closed.nik == "" and closed.email.endswith(".invalid")
    assert "Siti" not in closed.full_name
    assert not OneTimeCode.objects.filter(user=user).exists()
    assert other_app["applications"][user.pk] == [{"nomor": "BPN-2026-000001"}]
    assert user.pk not in other_app["drafts"]
    event = AuditEvent.objects.get(action="account.closed")
    assert event.data == {"erased": {"zz_test": {"draf_dihapus": 2}}}
    assert audit_chain_verify() is None
    # Signed out, cannot sign in again, and the phone and e-mail are free for a new account.
    assert citizen_client.get(reverse("accounts:profile")).status_code == 302
    login = Client().post(reverse("accounts:login"), {"identifier": user.email, "password": PASSWORD})
    assert login.status_code == 200
    CitizenFactory(phone=user.phone, email=user.email)


def test_a_blocker_stops_the_closure_and_nothing_is_erased(citizen_client, other_app):
    user = citizen_client.user
    other_app["drafts"][user.pk] = [{"draf": 1}]
    other_app["blockers"][user.pk] = ["Permohonan BPN-2026-000001 masih diproses."]
    page = citizen_client.get(reverse("accounts:account_close"))
    assert "masih diproses" in page.content.decode()
    response = citizen_client.post(reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).closed_at is None
    assert other_app["drafts"][user.pk] == [{"draf": 1}]


def test_a_failing_section_leaves_the_account_untouched(citizen_client):
    def erase(user):
        raise RuntimeError("storage down")

    personal_data.register(name="zz_broken", export=lambda u: {}, erase=erase)
    try:
        with pytest.raises(RuntimeError):
            citizen_client.post(reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"})
    finally:
        personal_data._SECTIONS.pop("zz_broken")
    user = User.objects.get(pk=citizen_client.user.pk)
    assert user.closed_at is None and user.is_active and user.nik == "6471010101900001"
    assert not AuditEvent.objects.filter(action="account.closed").exists()


def test_closing_needs_the_password_and_the_confirmation(citizen_client):
    response = citizen_client.post(reverse("accounts:account_close"), {"password": "salah", "confirm": "on"})
    assert "Kata sandi salah" in response.content.decode()
    response = citizen_client.post(reverse("accounts:account_close"), {"password": PASSWORD})
    assert response.status_code == 200
    assert User.objects.get(pk=citizen_client.user.pk).closed_at is None
