import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from capil.accounts.models import Role, User
from capil.audit.models import AuditEvent
from capil.audit.services import audit_chain_verify

from .factories import PASSWORD, StaffFactory, login_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client():
    admin = StaffFactory(role=Role.ADMIN)
    client = Client()
    login_client(client, admin)
    client.admin = admin
    return client


def test_admin_creates_a_staff_member_who_gets_a_link_to_choose_a_password(admin_client):
    response = admin_client.post(reverse("accounts:staff_create"), {
        "full_name": "Rahmat Hidayat", "email": "Rahmat@disdukcapil.go.id", "phone": "0812 5550 8888",
        "role": "KASI", "nip": "198001012005011001",
    })
    assert response.status_code == 302
    member = User.objects.get(email="rahmat@disdukcapil.go.id")
    assert member.role == Role.KASI and member.phone == "+6281255508888" and not member.has_usable_password()
    assert member.created_by == admin_client.admin
    event = AuditEvent.objects.get(action="staff.created")
    assert event.actor_id == admin_client.admin.pk and event.data == {"role": "KASI"}
    message = mail.outbox[-1]
    assert message.to == ["rahmat@disdukcapil.go.id"] and "/akun/lupa-sandi/" in message.body
    # A welcome, not a "someone asked to reset your password": the role, the two first steps.
    assert message.subject == "Akun petugas Capil Online Anda"
    assert "peran Kepala Seksi (Kasi)" in message.body and "faktor kedua" in message.body
    assert "mengatur ulang" not in message.body


def test_a_citizen_role_cannot_be_given_through_the_staff_pages(admin_client):
    response = admin_client.post(reverse("accounts:staff_create"), {
        "full_name": "X", "email": "x@contoh.id", "role": "CITIZEN",
    })
    assert response.status_code == 200
    assert not User.objects.filter(email="x@contoh.id").exists()


def test_admin_edits_a_staff_member_and_the_audit_names_fields_not_values(admin_client):
    member = StaffFactory(role=Role.OPERATOR)
    response = admin_client.post(reverse("accounts:staff_edit", args=[member.pk]), {
        "full_name": member.full_name, "email": member.email, "phone": "0812 5550 7777",
        "role": "ARSIPARIS", "nip": "199001012020011009",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.ARSIPARIS
    event = AuditEvent.objects.get(action="staff.updated")
    assert event.data == {"changed": ["phone", "role", "nip"], "role": "ARSIPARIS"}
    assert "7777" not in str(event.data) and "199001012020011009" not in str(event.data)
    assert audit_chain_verify() is None


def test_a_number_the_administrator_sets_ends_the_members_unconfirmed_change(admin_client):
    member = StaffFactory(role=Role.KASI, phone="+6281255507770", pending_phone="+6281255507771",
                          pending_email="kasi.baru@disdukcapil.go.id")
    admin_client.post(reverse("accounts:staff_edit", args=[member.pk]), {
        "full_name": member.full_name, "email": member.email, "phone": "0812 5550 7772",
        "role": "KASI", "nip": member.nip,
    })
    member.refresh_from_db()
    assert member.phone == "+6281255507772" and member.pending_phone == ""
    assert member.pending_email == "kasi.baru@disdukcapil.go.id"  # the address was not touched


def test_a_deactivated_member_cannot_sign_in_and_reactivation_is_audited(admin_client):
    member = StaffFactory(role=Role.OPERATOR)
    admin_client.post(reverse("accounts:staff_set_active", args=[member.pk]), {"active": "0"})
    member.refresh_from_db()
    assert not member.is_active
    response = Client().post(reverse("accounts:login"), {"identifier": member.email, "password": PASSWORD})
    assert response.status_code == 200
    admin_client.post(reverse("accounts:staff_set_active", args=[member.pk]), {"active": "1"})
    assert list(AuditEvent.objects.filter(target_id=str(member.pk)).values_list("action", flat=True)) == [
        "staff.deactivated", "staff.activated"]


def test_a_signed_in_member_is_out_once_deactivated(admin_client):
    member = StaffFactory(role=Role.KASI)
    client = Client()
    login_client(client, member)
    assert client.get(reverse("accounts:second_factor_status")).status_code == 200
    admin_client.post(reverse("accounts:staff_set_active", args=[member.pk]), {"active": "0"})
    assert client.get(reverse("accounts:second_factor_status")).status_code == 302


def test_the_admin_cannot_deactivate_themself_nor_the_last_admin(admin_client):
    response = admin_client.post(reverse("accounts:staff_set_active", args=[admin_client.admin.pk]),
                                 {"active": "0"}, follow=True)
    assert "sendiri" in response.content.decode()
    admin_client.admin.refresh_from_db()
    assert admin_client.admin.is_active
    response = admin_client.post(reverse("accounts:staff_edit", args=[admin_client.admin.pk]), {
        "full_name": "A", "email": admin_client.admin.email, "role": "OPERATOR",
    })
    assert "administrator aktif terakhir" in response.content.decode()


def test_resetting_a_lost_second_factor(admin_client):
    member = StaffFactory(role=Role.KADIS)
    admin_client.post(reverse("accounts:staff_second_factor_reset", args=[member.pk]))
    member.refresh_from_db()
    assert not member.has_second_factor
    assert AuditEvent.objects.filter(action="staff.second_factor_reset", target_id=str(member.pk)).exists()


def test_staff_pages_do_not_reach_citizens(admin_client):
    from .factories import CitizenFactory

    citizen = CitizenFactory()
    assert admin_client.get(reverse("accounts:staff_edit", args=[citizen.pk])).status_code == 404
    response = admin_client.post(reverse("accounts:staff_set_active", args=[citizen.pk]), {"active": "0"})
    assert response.status_code == 404
    citizen.refresh_from_db()
    assert citizen.is_active


def test_other_roles_cannot_manage_staff():
    member = StaffFactory(role=Role.OPERATOR)
    for role in [Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS]:
        client = Client()
        login_client(client, StaffFactory(role=role))
        assert client.post(reverse("accounts:staff_set_active", args=[member.pk]), {"active": "0"}).status_code == 403
    member.refresh_from_db()
    assert member.is_active
