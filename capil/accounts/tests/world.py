"""The `world` of the URL access matrix: one account of each kind of visitor (see capil/conftest.py)."""

from django.test import Client

from capil.accounts.models import Role

from .factories import CitizenFactory, StaffFactory, UserFactory, login_client

KINDS = ("anonymous", "unverified", "citizen", "other_citizen", "operator", "kasi", "kadis", "arsiparis", "admin")
STAFF_KINDS = ("operator", "kasi", "kadis", "arsiparis", "admin")


class World:
    """Attributes: anonymous (None), unverified, citizen, other_citizen, operator, kasi, kadis, arsiparis,
    admin. `client(kind)` is a test client signed in as that kind (staff with their second factor)."""

    kinds = KINDS

    def __init__(self):
        self.anonymous = None
        self.unverified = UserFactory(full_name="Warga Belum Verifikasi")
        self.citizen = CitizenFactory(full_name="Siti Aminah")
        self.other_citizen = CitizenFactory(full_name="Budi")
        self.operator = StaffFactory(role=Role.OPERATOR, full_name="Operator Uji")
        self.kasi = StaffFactory(role=Role.KASI, full_name="Kasi Uji")
        self.kadis = StaffFactory(role=Role.KADIS, full_name="Kadis Uji")
        self.arsiparis = StaffFactory(role=Role.ARSIPARIS, full_name="Arsiparis Uji")
        self.admin = StaffFactory(role=Role.ADMIN, full_name="Admin Uji")

    def user(self, kind: str):
        return getattr(self, kind)

    def client(self, kind: str) -> Client:
        client = Client()
        user = self.user(kind)
        if user is not None:
            # A fresh copy: signing in writes last_login, and the matrix rolls that back after each request,
            # so the world's own objects must not keep it.
            login_client(client, type(user).objects.get(pk=user.pk))
        return client
