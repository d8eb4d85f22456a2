"""Fixtures of the documents tests. The test CA and the Kadis keystore are made once per session (RSA key
generation is the slow part); each test points the settings at them."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

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
