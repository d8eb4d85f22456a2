"""Fixtures of the documents tests. The test CA and the Kadis keystore are made once per session (RSA key
generation is the slow part); each test points the settings at them."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage

from capil.documents import pki
from capil.documents.tests.factories import kadis


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    ca = pki.create_ca(common_name="Capil Test CA (NOT FOR PRODUCTION)")
    pki.save_ca(ca, directory)
    return {"dir": directory, "ca": ca}


@pytest.fixture
def signing_settings(settings, test_pki):
    settings.CAPIL_DOCUMENTS = {**django_settings.CAPIL_DOCUMENTS, "KEY_DIR": test_pki["dir"],
                                "TRUST_ROOTS": [str(test_pki["dir"] / "dev-ca.pem")], "TSA_URL": "",
                                "SIGNING_BACKEND": "local"}
    return settings


_KADIS_EMAIL = "kadis@documents.test"


@pytest.fixture
def signer(db, signing_settings, test_pki):
    """The KADIS account with a keystore issued by the test CA (made once per session)."""
    user = kadis(email=_KADIS_EMAIL)
    path = Path(test_pki["dir"]) / f"{pki.key_file_stem(_KADIS_EMAIL)}.p12"
    if not pki.keystore_is_current(path, test_pki["ca"], full_name=user.full_name):
        pki.write_signer_keystore(test_pki["ca"], test_pki["dir"], email=user.email, full_name=user.full_name,
                                  nip=user.nip)
    return user


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the (process-wide) test cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def attacker_pki(tmp_path_factory):
    """A CA and a signer the office does not trust (someone forging documents with their own key)."""
    ca = pki.create_ca(common_name="Forger CA")
    key, certificate = pki.issue_signing_certificate(ca, full_name="KEPALA DINAS PALSU")
    return {"ca": ca, "key": key, "certificate": certificate}


@pytest.fixture
def issued(signer):
    """One genuine Kutipan Akta Kelahiran, issued through the service."""
    from capil.documents.samples import sample_data
    from capil.documents.services import document_issue

    return document_issue(kind="akta-kelahiran", data=sample_data("akta-kelahiran"), holder_name="", signer=signer,
                          reference="BPN-2026-000123")


def pdf_bytes(document) -> bytes:
    from capil.documents.services import document_open

    with document_open(document) as handle:
        return handle.read()


def stored_files() -> set[str]:
    found = set()

    def walk(path):
        if not default_storage.exists(path):
            return
        directories, files = default_storage.listdir(path)
        found.update(f"{path}{name}" for name in files)
        for directory in directories:
            walk(f"{path}{directory}/")

    walk("documents/")
    return found
