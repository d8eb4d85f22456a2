"""A development certificate authority and signing certificates for the local signer. NOT FOR PRODUCTION:
every subject says so, so a document signed with these keys can never pass for an official one (and the
production trust roots never include this CA)."""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOT_FOR_PRODUCTION = "NOT FOR PRODUCTION - Capil Online development"


@dataclass
class CertificateAuthority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, *, organisation: str = NOT_FOR_PRODUCTION, serial: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "NOT FOR PRODUCTION"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attributes)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def create_ca(*, common_name: str = "Capil Online Development CA (NOT FOR PRODUCTION)",
              organisation: str = NOT_FOR_PRODUCTION, years: int = 10) -> CertificateAuthority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name, organisation=organisation)
    now = _now()
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key=key, certificate=certificate)


def issue_signing_certificate(ca: CertificateAuthority, *, full_name: str, nip: str = "", years: int = 3,
                              key: rsa.RSAPrivateKey | None = None) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(full_name, organisation=ca.certificate.subject.get_attributes_for_oid(
            NameOID.ORGANIZATION_NAME)[0].value, serial=nip))
        .issuer_name(ca.certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return key, certificate


def pkcs12_bytes(*, key, certificate: x509.Certificate, ca_certificate: x509.Certificate, passphrase: str,
                 friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(), key, certificate, [ca_certificate],
        serialization.BestAvailableEncryption(passphrase.encode()))


def key_file_stem(email: str) -> str:
    """The file name (without extension) of a signer's key, from the account's e-mail address."""
    return re.sub(r"[^a-z0-9._@-]", "_", email.lower())


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)


def save_ca(ca: CertificateAuthority, directory: Path) -> None:
    write_private(directory / "dev-ca.key.pem", ca.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (directory / "dev-ca.pem").write_bytes(ca.pem)


def load_ca(directory: Path) -> CertificateAuthority | None:
    key_path, cert_path = directory / "dev-ca.key.pem", directory / "dev-ca.pem"
    if not key_path.exists() or not cert_path.exists():
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if certificate.not_valid_after_utc < _now() + datetime.timedelta(days=30):
        return None
    return CertificateAuthority(key=key, certificate=certificate)


def write_signer_keystore(ca: CertificateAuthority, directory: Path, *, email: str, full_name: str,
                          nip: str = "") -> Path:
    """Create `<email>.p12` and its passphrase file `<email>.pass` (both readable by the owner only)."""
    key, certificate = issue_signing_certificate(ca, full_name=full_name, nip=nip)
    passphrase = secrets.token_urlsafe(18)
    stem = key_file_stem(email)
    path = directory / f"{stem}.p12"
    write_private(path, pkcs12_bytes(key=key, certificate=certificate, ca_certificate=ca.certificate,
                                     passphrase=passphrase, friendly_name=full_name))
    write_private(directory / f"{stem}.pass", passphrase.encode())
    return path


def keystore_is_current(path: Path, ca: CertificateAuthority, *, full_name: str) -> bool:
    """True when the keystore exists, was issued by `ca` for `full_name` and is valid for 30 more days."""
    passfile = path.with_suffix(".pass")
    if not path.exists() or not passfile.exists():
        return False
    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), passfile.read_bytes())
    except ValueError:
        return False
    if certificate is None or certificate.issuer != ca.certificate.subject:
        return False
    cn = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return cn == full_name and certificate.not_valid_after_utc > _now() + datetime.timedelta(days=30)
