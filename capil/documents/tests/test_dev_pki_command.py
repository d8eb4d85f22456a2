"""The set-up step that makes development signing keys for each KADIS account."""

import io

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command

from capil.accounts.models import Role
from capil.documents import pki
from capil.documents.samples import sample_data
from capil.documents.services import document_issue
from capil.documents.verification import verify_pdf

from .conftest import pdf_bytes
from .factories import UserFactory


def test_dev_pki_creates_marked_keys_for_each_kadis_and_is_idempotent(db, settings, tmp_path):
    settings.DEBUG = True
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "KEY_DIR": tmp_path / "pki", "SIGNING_BACKEND": "local",
                                "TRUST_ROOTS": [str(tmp_path / "pki" / "dev-ca.pem")]}
    kadis = UserFactory(role=Role.KADIS, email="kadis@demo.test", full_name="Kadis Demo", nip="197503032000031003")
    UserFactory(role=Role.KASI, email="kasi@demo.test")
    call_command("documents_dev_pki", stdout=io.StringIO())

    keystore = tmp_path / "pki" / "kadis@demo.test.p12"
    assert keystore.exists() and not (tmp_path / "pki" / "kasi@demo.test.p12").exists()
    assert oct(keystore.stat().st_mode & 0o777) == "0o600"
    _key, certificate, _chain = pkcs12.load_key_and_certificates(
        keystore.read_bytes(), keystore.with_suffix(".pass").read_bytes())
    assert "NOT FOR PRODUCTION" in certificate.subject.rfc4514_string()
    assert "NOT FOR PRODUCTION" in certificate.issuer.rfc4514_string()

    before = keystore.stat().st_mtime_ns
    call_command("documents_dev_pki", stdout=io.StringIO())
    assert keystore.stat().st_mtime_ns == before

    document = document_issue(kind="ktp-el", data=sample_data("ktp-el"), holder_name="", signer=kadis)
    assert verify_pdf(pdf_bytes(document)).valid
    assert pki.load_ca(tmp_path / "pki") is not None


def test_dev_pki_refuses_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("documents_dev_pki")
