"""The signer backends: the local PKCS#12 key (cached), the remote BSrE-style service (passphrase at signing
time, never stored or logged; timeouts reconciled, never blindly retried), PKCS#11 (clear message when it is
not installed), and PAdES B-T when a time-stamp server is configured."""

import datetime
import io
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from capil.audit.models import AuditEvent
from capil.documents import pki
from capil.documents.models import IssuedDocument
from capil.documents.samples import sample_data
from capil.documents.services import document_issue, document_issue_batch
from capil.documents.signing import (
    PassphraseRejected,
    SignerNotConfigured,
    SigningOutcomeUnknown,
    load_pkcs12_signer,
    signing_session_open,
)
from capil.documents.verification import verify_pdf

from .conftest import pdf_bytes, stored_files
from .fakes import FakeSigningService, FakeTimeStampServer

PASSPHRASE = "Rahasia-Kadis-2026!"


@pytest.fixture(scope="session")
def remote_identity(test_pki):
    key, certificate = pki.issue_signing_certificate(test_pki["ca"], full_name="KADIS VIA BSRE",
                                                     nip="197503032000031003")
    return {"key": key, "certificate": certificate}


@pytest.fixture
def fake_service(signer, remote_identity, test_pki, settings):
    service = FakeSigningService(key=remote_identity["key"], certificate=remote_identity["certificate"],
                                 chain=[test_pki["ca"].certificate], nik=signer.nip, passphrase=PASSPHRASE,
                                 delay=1.2)
    with service:
        settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "SIGNING_BACKEND": "remote",
                                    "REMOTE_URL": service.url, "REMOTE_TIMEOUT": 0.6,
                                    "REMOTE_CLIENT_ID": "capil", "REMOTE_CLIENT_SECRET": "client-secret"}
        yield service


def _issue(signer, secret=PASSPHRASE, slug="kia"):
    return document_issue(kind=slug, data=sample_data(slug), holder_name="", signer=signer, signer_secret=secret)


def test_local_key_is_loaded_once_per_process(signer, test_pki):
    path = test_pki["dir"] / f"{pki.key_file_stem(signer.email)}.p12"
    passphrase = path.with_suffix(".pass").read_text()
    first = load_pkcs12_signer(path, passphrase)
    assert load_pkcs12_signer(path, passphrase) is first


def test_local_key_with_wrong_passphrase_is_refused(signer):
    with pytest.raises(PassphraseRejected):
        signing_session_open(user=signer, secret="bukan-passphrase-nya")


def test_signer_without_a_key_is_told_so(db, signing_settings):
    from .factories import kadis

    with pytest.raises(SignerNotConfigured):
        signing_session_open(user=kadis(email="baru@documents.test"))


def test_remote_service_signs_a_valid_document(signer, fake_service, caplog):
    caplog.set_level(logging.DEBUG)
    document = _issue(signer)
    verdict = verify_pdf(pdf_bytes(document))
    assert verdict.valid, verdict.reason
    assert verdict.signer == "KADIS VIA BSRE"
    assert document.signer_backend == "remote"
    assert fake_service.signatures_made == 1
    # The passphrase went to the service and nowhere else: not in the logs, not in the database.
    assert fake_service.posts[0]["passphrase"] == PASSPHRASE
    assert PASSPHRASE not in caplog.text
    assert PASSPHRASE not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert PASSPHRASE not in str(list(IssuedDocument.objects.values_list("data", flat=True)))


def test_remote_wrong_passphrase_records_nothing(signer, fake_service):
    before = stored_files()
    with pytest.raises(PassphraseRejected):
        _issue(signer, secret="salah")
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="document.issue").exists()
    assert stored_files() == before


def test_remote_needs_a_passphrase(signer, fake_service):
    with pytest.raises(PassphraseRejected):
        _issue(signer, secret=None)
    assert fake_service.posts == []


def test_timeout_after_the_service_signed_uses_that_signature_without_signing_again(signer, fake_service):
    fake_service.mode = "slow_after_signing"
    document = _issue(signer)
    assert len(fake_service.posts) == 1  # never sent twice
    assert fake_service.signatures_made == 1
    assert verify_pdf(pdf_bytes(document)).valid


def test_timeout_of_a_lost_request_is_resent_once_with_the_same_id(signer, fake_service):
    fake_service.mode = "lost_first"
    document = _issue(signer)
    assert len(fake_service.posts) == 2
    assert fake_service.posts[0]["request_id"] == fake_service.posts[1]["request_id"]
    assert fake_service.signatures_made == 1
    assert verify_pdf(pdf_bytes(document)).valid


def test_timeout_with_unknown_outcome_stops_without_retrying(signer, fake_service):
    fake_service.mode = "pending"
    with pytest.raises(SigningOutcomeUnknown) as raised:
        _issue(signer)
    assert len(fake_service.posts) == 1
    assert raised.value.request_id == fake_service.posts[0]["request_id"]
    assert not IssuedDocument.objects.exists()


def test_unreachable_service_is_reported_without_reconciling(signer, settings):
    import socket

    from capil.documents.signing import SigningUnavailable

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "SIGNING_BACKEND": "remote",
                                "REMOTE_URL": f"http://127.0.0.1:{port}", "REMOTE_TIMEOUT": 0.5}
    with pytest.raises(SigningUnavailable):
        _issue(signer)


def test_batch_signs_many_with_one_passphrase_entry(signer, fake_service):
    items = [{"kind": slug, "data": sample_data(slug), "holder_name": "", "reference": f"BPN-2026-00000{i}"}
             for i, slug in enumerate(["kia", "ktp-el", "sk-pencatatan-sipil"])]
    documents = document_issue_batch(items=items, signer=signer, signer_secret=PASSPHRASE)
    assert [d.kind for d in documents] == ["kia", "ktp-el", "sk-pencatatan-sipil"]
    assert len({p["request_id"] for p in fake_service.posts}) == 3
    assert all(verify_pdf(pdf_bytes(d)).valid for d in documents)


def test_pkcs11_backend_says_what_is_missing(signer, settings):
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "SIGNING_BACKEND": "pkcs11",
                                "PKCS11_MODULE": "/usr/lib/softhsm/libsofthsm2.so", "PKCS11_TOKEN_LABEL": "capil"}
    with pytest.raises(SignerNotConfigured) as raised:
        signing_session_open(user=signer, secret="1234")
    assert "PKCS#11" in str(raised.value)


@pytest.fixture(scope="session")
def tsa_identity(test_pki):
    ca = test_pki["ca"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Capil Test TSA (NOT FOR PRODUCTION)")]))
        .issuer_name(ca.certificate.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return {"key": key, "certificate": certificate}


def test_time_stamp_server_makes_pades_b_t(signer, tsa_identity, settings):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with FakeTimeStampServer(key=tsa_identity["key"], certificate=tsa_identity["certificate"]) as tsa:
        settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "TSA_URL": tsa.url}
        document = _issue(signer, secret=None)
        assert tsa.requests == 1
    assert document.timestamped
    pdf = pdf_bytes(document)
    assert verify_pdf(pdf).valid
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    unsigned = signature.signer_info["unsigned_attrs"]
    assert any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)
