from pathlib import Path

import pytest

from capil.accounts.models import Role
from capil.documents import pki
from capil.documents.tests.conftest import signing_settings, test_pki  # noqa: F401 — fixtures reused here

from . import factories

KADIS_EMAIL = "kadis@applications.test"


@pytest.fixture
def catalog(db):
    factories.catalog_load()


@pytest.fixture
def kadis(db, signing_settings, test_pki):  # noqa: F811
    """The KADIS who signs, with a keystore from the test CA (made once per session)."""
    user = factories.staff(Role.KADIS, email=KADIS_EMAIL, full_name="Dr. Hasbullah Helmi", nip="197001011990031001")
    path = Path(test_pki["dir"]) / f"{pki.key_file_stem(KADIS_EMAIL)}.p12"
    if not pki.keystore_is_current(path, test_pki["ca"], full_name=user.full_name):
        pki.write_signer_keystore(test_pki["ca"], test_pki["dir"], email=user.email, full_name=user.full_name,
                                  nip=user.nip)
    return user


@pytest.fixture
def team(db, kadis):
    """One member of staff per SOP role (and an admin, who has no SOP step)."""
    members = {role: factories.staff(role, full_name=f"{role.label} Uji") for role in
               (Role.OPERATOR, Role.KASI, Role.ARSIPARIS, Role.ADMIN)}
    members[Role.KADIS] = kadis
    return members


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores uploads in its own directory, so a test can see exactly what was written."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "private"}}}
    settings.MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"
