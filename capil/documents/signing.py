"""Electronic signatures (TTE): PAdES with pyHanko, behind one signer interface with three backends.

    session = signing_session_open(user=kadis, secret=passphrase_or_None)
    try:
        signed = pdf_sign(pdf_bytes, session=session, page=0, box=(x1, y1, x2, y2))
    finally:
        session.close()

Backends (settings.CAPIL_DOCUMENTS["SIGNING_BACKEND"]):

- ``local`` (default): a PKCS#12 file per signer under KEY_DIR (``<e-mail>.p12``). The passphrase is typed
  at signing time, or — in the embedded development set-up only — read from ``<e-mail>.pass`` beside it.
  The loaded private key is cached per process (pyHanko's SimpleSigner parses the key for every signature).
- ``remote``: a signing service over HTTP in the style of the national BSrE API. The Kadis types the
  passphrase at signing time; it lives in memory for one signing session (one document or one batch) and is
  never stored or logged. The service signs a digest; the PDF, its visible field and the CMS structure are
  made here, so documents look the same whichever backend signs them. A call that times out is reconciled
  (the service is asked what became of that request id) before anything is sent again, because a second
  call could produce a second signature. See `RemoteSigningClient` for the API.
- ``pkcs11``: a key in an HSM or smart card through PKCS#11 (pyHanko's PKCS11Signer). Needs the
  ``python-pkcs11`` package and the vendor's module; the PIN is typed at signing time (or comes from the
  HSM's own authentication). See docs in `Pkcs11Backend`.

With settings.CAPIL_DOCUMENTS["TSA_URL"] set, each signature carries an RFC 3161 time-stamp (PAdES B-T);
without, it is PAdES B-B.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import threading
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import requests
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import (  # noqa: F401 — re-exported: callers import the errors from here too
    PassphraseRejected,
    SignerNotConfigured,
    SigningError,
    SigningOutcomeUnknown,
    SigningUnavailable,
)
from .pki import key_file_stem

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "TTE"


# --- the local backend: PKCS#12 with a cached private key --------------------------------------------------
class CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner that parses its private key once (pyHanko parses it on every signature: ~30 ms for RSA)."""

    _private_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism["algorithm"].native
        if self._private_key is None:
            self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        key = self._private_key
        if algorithm in ("sha256_rsa", "sha384_rsa", "sha512_rsa", "rsassa_pkcs1v15") and isinstance(
                key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algorithm.endswith("ecdsa") and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)


_key_cache: dict[tuple, CachedKeySigner] = {}
_key_cache_lock = threading.Lock()


def load_pkcs12_signer(path: Path, passphrase: str) -> CachedKeySigner:
    """Load (once per process, per file version and passphrase) a PKCS#12 keystore."""
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size, hashlib.sha256(passphrase.encode()).hexdigest())
    with _key_cache_lock:
        cached = _key_cache.get(cache_key)
        if cached is not None:
            return cached
    try:
        signer = CachedKeySigner.load_pkcs12(str(path), passphrase=passphrase.encode())
    except (ValueError, OSError) as exc:
        raise PassphraseRejected(_("Passphrase salah atau berkas kunci rusak.")) from exc
    if signer is None:  # pyHanko returns None (and logs) when the passphrase does not open the file
        raise PassphraseRejected(_("Passphrase salah atau berkas kunci rusak."))
    signer.__class__ = CachedKeySigner
    with _key_cache_lock:
        _key_cache.clear() if len(_key_cache) > 32 else None
        _key_cache[cache_key] = signer
    return signer


@dataclass
class SigningSession:
    """A signer ready to sign one document or a batch; `close()` forgets any secret it holds."""

    signer: signers.Signer
    backend: str
    signer_name: str
    on_close: list = field(default_factory=list)

    @property
    def certificate_sha256(self) -> str:
        return hashlib.sha256(self.signer.signing_cert.dump()).hexdigest()

    def close(self) -> None:
        for callback in self.on_close:
            callback()
        self.on_close.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SignerBackend(ABC):
    name: str

    def asks_secret_for(self, user) -> bool:
        """Whether `user` must type a secret (passphrase/PIN) to open a signing session."""
        return True

    @abstractmethod
    def open(self, *, user, secret: str | None) -> SigningSession: ...


class LocalPkcs12Backend(SignerBackend):
    name = "local"

    def __init__(self, key_dir: Path):
        self.key_dir = Path(key_dir)

    def keystore_path(self, user) -> Path:
        return self.key_dir / f"{key_file_stem(user.email)}.p12"

    def asks_secret_for(self, user) -> bool:
        # The development set-up keeps each passphrase beside its keystore; elsewhere it is typed.
        return not self.keystore_path(user).with_suffix(".pass").exists()

    def open(self, *, user, secret: str | None) -> SigningSession:
        path = self.keystore_path(user)
        if not path.exists():
            raise SignerNotConfigured(_("Belum ada kunci penandatanganan untuk akun ini."))
        if not secret:
            passfile = path.with_suffix(".pass")
            if not passfile.exists():
                raise PassphraseRejected(_("Passphrase TTE wajib diisi."))
            secret = passfile.read_text().strip()
        return SigningSession(signer=load_pkcs12_signer(path, secret), backend=self.name, signer_name=str(user))


# --- the remote backend (BSrE-style API) -------------------------------------------------------------------
def _never_connected(exc: requests.ConnectionError) -> bool:
    """True when the TCP connection itself failed (refused, no route, DNS): the request was not sent."""
    from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (NewConnectionError, NameResolutionError))


class RemoteSigningClient:
    """Client of a remote signing service, modelled on the national BSrE API. Endpoints (JSON):

    GET  {base}/api/v2/signers/{nik}/certificate
         → 200 {"certificate": b64 DER, "chain": [b64 DER, …]}; 404 when the NIK has no certificate.
    POST {base}/api/v2/sign/hash  {"nik", "passphrase", "request_id", "digest_algorithm", "hash": b64}
         → 200 {"request_id", "status": "SIGNED", "signature": b64 raw PKCS#1 v1.5 signature}
         → 401 {"error": …} passphrase wrong; 423 certificate suspended.
         The service signs each request_id at most once: a repeated POST of a known id returns the first result.
    GET  {base}/api/v2/sign/requests/{request_id}
         → 200 {"status": "SIGNED", "signature": …} | 200 {"status": "PENDING"} | 404 never received.

    The client authenticates with HTTP Basic (client id and secret from the environment). The passphrase is
    sent only in the body of the sign call over TLS, and never appears in a log line or an exception."""

    def __init__(self, *, base_url: str, client_id: str, client_secret: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.auth = (client_id, client_secret) if client_id else None
        self.timeout = timeout
        self.http = requests.Session()

    def certificate_chain(self, nik: str) -> list[bytes]:
        try:
            response = self.http.get(f"{self.base_url}/api/v2/signers/{nik}/certificate", auth=self.auth,
                                     timeout=self.timeout)
        except requests.RequestException as exc:
            raise SigningUnavailable(_("Layanan TTE tidak dapat dihubungi. Coba lagi nanti.")) from exc
        if response.status_code == 404:
            raise SignerNotConfigured(_("Penandatangan belum terdaftar pada layanan TTE."))
        if response.status_code != 200:
            raise SigningUnavailable(_("Layanan TTE menolak permintaan sertifikat."))
        body = response.json()
        return [base64.b64decode(body["certificate"])] + [base64.b64decode(c) for c in body.get("chain", [])]

    def _status(self, request_id: str) -> dict | None:
        response = self.http.get(f"{self.base_url}/api/v2/sign/requests/{request_id}", auth=self.auth,
                                 timeout=self.timeout)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def _post_sign(self, payload: dict) -> requests.Response:
        return self.http.post(f"{self.base_url}/api/v2/sign/hash", json=payload, auth=self.auth,
                              timeout=self.timeout)

    def sign_digest(self, *, nik: str, passphrase: str, digest: bytes, digest_algorithm: str) -> bytes:
        request_id = str(uuid.uuid4())
        payload = {"nik": nik, "passphrase": passphrase, "request_id": request_id,
                   "digest_algorithm": digest_algorithm, "hash": base64.b64encode(digest).decode()}
        try:
            response = self._post_sign(payload)
        except requests.exceptions.ConnectTimeout:
            # No connection was made: nothing reached the service, nothing to reconcile.
            raise SigningUnavailable(_("Layanan TTE tidak dapat dihubungi. Coba lagi nanti.")) from None
        except requests.ConnectionError as exc:
            if _never_connected(exc):
                raise SigningUnavailable(_("Layanan TTE tidak dapat dihubungi. Coba lagi nanti.")) from None
            return self._reconcile(payload, request_id)
        except requests.Timeout:
            return self._reconcile(payload, request_id)
        return self._signature_from(response)

    def _signature_from(self, response: requests.Response) -> bytes:
        if response.status_code == 401:
            raise PassphraseRejected(_("Passphrase TTE salah."))
        if response.status_code == 423:
            raise SigningUnavailable(_("Sertifikat elektronik penandatangan sedang dibekukan."))
        if response.status_code != 200:
            raise SigningUnavailable(_("Layanan TTE menolak permintaan tanda tangan."))
        body = response.json()
        if body.get("status") != "SIGNED" or not body.get("signature"):
            raise SigningUnavailable(_("Layanan TTE tidak mengembalikan tanda tangan."))
        return base64.b64decode(body["signature"])

    def _reconcile(self, payload: dict, request_id: str) -> bytes:
        """After a timeout: ask what became of request_id. Signed → use that signature. Never received →
        send the same request once more (same id, so the service cannot sign it twice). Pending or unknown
        → stop; the Kadis is told the outcome is not known yet."""
        logger.warning("remote signing call timed out; reconciling request %s", request_id)
        try:
            status = self._status(request_id)
        except requests.RequestException:
            status = {"status": "UNKNOWN"}
        if status is not None and status.get("status") == "SIGNED" and status.get("signature"):
            return base64.b64decode(status["signature"])
        if status is None:
            try:
                return self._signature_from(self._post_sign(payload))
            except requests.RequestException:
                pass
        raise SigningOutcomeUnknown(
            _("Layanan TTE tidak menjawab tepat waktu dan belum dapat dipastikan apakah dokumen sudah "
              "ditandatangani. Tidak ada yang dikirim ulang; coba lagi beberapa saat lagi."), request_id)


class RemoteSigner(signers.Signer):
    """A pyHanko signer whose raw signature comes from the remote service."""

    def __init__(self, *, client: RemoteSigningClient, nik: str, passphrase: str, chain: list[bytes]):
        certificates = [asn1_x509.Certificate.load(der) for der in chain]
        self._client, self._nik, self._passphrase = client, nik, passphrase
        self._key_bytes = certificates[0].public_key.bit_size // 8
        super().__init__(signing_cert=certificates[0],
                         cert_registry=SimpleCertificateStore.from_certs(certificates[1:]), embed_roots=True)

    def forget_passphrase(self) -> None:
        self._passphrase = None

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:  # pyHanko sizes the signature container with a dry run; never bother the service for it
            return bytes(self._key_bytes)
        if self._passphrase is None:
            raise PassphraseRejected(_("Sesi penandatanganan sudah ditutup."))
        digest = hashlib.new(digest_algorithm, data).digest()
        return self._client.sign_digest(nik=self._nik, passphrase=self._passphrase, digest=digest,
                                        digest_algorithm=digest_algorithm)


class RemoteBackend(SignerBackend):
    name = "remote"

    def __init__(self, *, base_url: str, client_id: str, client_secret: str, timeout: float):
        if not base_url:
            raise SignerNotConfigured(_("Alamat layanan TTE belum diatur (CAPIL_SIGNING_REMOTE_URL)."))
        self.client = RemoteSigningClient(base_url=base_url, client_id=client_id, client_secret=client_secret,
                                          timeout=timeout)

    def open(self, *, user, secret: str | None) -> SigningSession:
        if not secret:
            raise PassphraseRejected(_("Passphrase TTE wajib diisi."))
        identity = user.nik or user.nip
        if not identity:
            raise SignerNotConfigured(_("Akun penandatangan belum memiliki NIK atau NIP."))
        signer = RemoteSigner(client=self.client, nik=identity, passphrase=secret,
                              chain=self.client.certificate_chain(identity))
        return SigningSession(signer=signer, backend=self.name, signer_name=str(user),
                              on_close=[signer.forget_passphrase])


class Pkcs11Backend(SignerBackend):
    """A key held in an HSM or a smart card, through PKCS#11.

    Settings: SIGNING_BACKEND=pkcs11, PKCS11_MODULE (path of the vendor's .so, e.g.
    /usr/lib/softhsm/libsofthsm2.so), PKCS11_TOKEN_LABEL, and the key and certificate labels per signer:
    the key label is ``PKCS11_KEY_LABEL`` formatted with the account's NIP (default ``tte-{nip}``). The PIN
    is the secret the Kadis types at signing time. Install ``python-pkcs11`` (pyHanko's optional
    dependency) on the machines that sign. The session stays open for a batch and is closed afterwards."""

    name = "pkcs11"

    def __init__(self, *, module: str, token_label: str, key_label: str):
        self.module, self.token_label, self.key_label = module, token_label, key_label

    def open(self, *, user, secret: str | None) -> SigningSession:
        try:
            from pyhanko.sign import pkcs11 as pyhanko_pkcs11
        except ImportError as exc:
            raise SignerNotConfigured(_("Dukungan PKCS#11 belum terpasang (paket python-pkcs11).")) from exc
        if not self.module or not Path(self.module).exists():
            raise SignerNotConfigured(_("Modul PKCS#11 belum diatur atau tidak ditemukan."))
        label = self.key_label.format(nip=user.nip, email=user.email)
        session = pyhanko_pkcs11.open_pkcs11_session(self.module, token_label=self.token_label, user_pin=secret)
        signer = pyhanko_pkcs11.PKCS11Signer(session, key_label=label, cert_label=label)
        return SigningSession(signer=signer, backend=self.name, signer_name=str(user), on_close=[session.close])


def signer_backend() -> SignerBackend:
    config = settings.CAPIL_DOCUMENTS
    name = config.get("SIGNING_BACKEND", "local")
    if name == "local":
        return LocalPkcs12Backend(config["KEY_DIR"])
    if name == "remote":
        return RemoteBackend(base_url=config.get("REMOTE_URL", ""), client_id=config.get("REMOTE_CLIENT_ID", ""),
                             client_secret=config.get("REMOTE_CLIENT_SECRET", ""),
                             timeout=float(config.get("REMOTE_TIMEOUT", 15)))
    if name == "pkcs11":
        return Pkcs11Backend(module=config.get("PKCS11_MODULE", ""), token_label=config.get("PKCS11_TOKEN_LABEL", ""),
                             key_label=config.get("PKCS11_KEY_LABEL", "tte-{nip}"))
    raise SignerNotConfigured(_("Jenis penanda tangan tidak dikenal."))


def signing_secret_required(user) -> bool:
    """For the signing page: show a passphrase field to this Kadis?"""
    return signer_backend().asks_secret_for(user)


def signing_session_open(*, user, secret: str | None = None) -> SigningSession:
    return signer_backend().open(user=user, secret=secret)


# --- signing a PDF -----------------------------------------------------------------------------------------
_stamp_style_cache: dict[str, TextStampStyle] = {}


def _stamp_style() -> TextStampStyle:
    # The stamp uses PDF's built-in Courier (no font file to embed per signature; pyHanko's OpenType
    # stamps need HarfBuzz). Its text is therefore folded to Latin-1 (`_stamp_text`); the signer's name in
    # full Unicode is printed by the page itself, just below the field.
    style = _stamp_style_cache.get("style")
    if style is None:
        from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory

        style = TextStampStyle(
            stamp_text="Ditandatangani secara elektronik oleh:\n%(signer)s\n%(when)s",
            text_box_style=TextBoxStyle(font=SimpleFontEngineFactory.default_factory(), font_size=7, leading=9),
            border_width=1,
            inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                                            y_align=layout.AxisAlignment.ALIGN_MID),
        )
        _stamp_style_cache["style"] = style
    return style


def _stamp_text(value: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in folded if ord(ch) < 256 and not unicodedata.combining(ch)) or "?"


def _timestamper():
    url = settings.CAPIL_DOCUMENTS.get("TSA_URL") or ""
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=float(settings.CAPIL_DOCUMENTS.get("TSA_TIMEOUT", 10)))


def pdf_sign(pdf: bytes, *, session: SigningSession, page: int, box: tuple[float, float, float, float],
             reason: str = "", location: str = "") -> tuple[bytes, bool]:
    """Sign `pdf` (PAdES; B-T with a time-stamp when a TSA is configured) with a visible signature field at
    `box` on `page`. Returns (signed PDF, whether it is time-stamped)."""
    timestamper = _timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, use_pades_lta=False,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=session.signer, timestamper=timestamper, stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=tuple(round(v, 2) for v in box)),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = io.BytesIO()
    when = timezone.localtime().strftime("%d-%m-%Y %H:%M WITA")
    params = {"signer": _stamp_text(session.signer_name), "when": when}
    # Reserving the signature's space up front spares pyHanko a dry-run signature (and, with a TSA, a
    # second time-stamp request) that it would otherwise make only to measure the size.
    certificates = 1 + len(list(session.signer.cert_registry))
    reserved = 4096 + 2048 * certificates + (8192 if timestamper is not None else 0)
    pdf_signer.sign_pdf(writer, output=output, appearance_text_params=params, bytes_reserved=reserved)
    return output.getvalue(), timestamper is not None
