"""A genuine document verifies as valid; an edited byte, an added page, a re-signed copy, a PDF from
elsewhere and a revoked or superseded document do not — each with its reason in plain words."""

import io
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from capil.documents.samples import sample_data
from capil.documents.services import document_revoke, document_supersede
from capil.documents.signing import SigningSession, pdf_sign, signing_session_open
from capil.documents.verification import verify_pdf

from .conftest import pdf_bytes
from .factories import UserFactory

HOSTILE = Path("/work/shared/samples/hostile")


def _attacker_session(attacker_pki) -> SigningSession:
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(attacker_pki["certificate"].public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(attacker_pki["key"].private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore())
    return SigningSession(signer=signer, backend="attacker", signer_name="KEPALA DINAS PALSU")


def test_genuine_document_is_valid(issued):
    verdict = verify_pdf(pdf_bytes(issued))
    assert verdict.valid
    assert verdict.document == issued
    assert "masih berlaku" in verdict.reason


def test_one_edited_byte_is_not_valid(issued):
    pdf = bytearray(pdf_bytes(issued))
    # Change one character of the visible number inside the signed content stream area: any byte in the
    # signed ranges will do; pick one well inside the first range.
    pdf[len(pdf) // 4] ^= 0x01
    verdict = verify_pdf(bytes(pdf))
    assert not verdict.valid
    assert verdict.reason


def test_edited_text_is_reported_as_changed_after_signing(issued):
    pdf = pdf_bytes(issued)
    marker = b"/Producer"
    position = pdf.index(marker)
    edited = pdf[:position] + b"/Producar" + pdf[position + len(marker):]
    verdict = verify_pdf(edited)
    assert not verdict.valid
    assert "diubah setelah ditandatangani" in verdict.reason


def test_page_added_by_incremental_update_is_not_valid(issued):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes(issued)))
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Halaman palsu) Tj ET"))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    output = io.BytesIO()
    writer.write(output)
    verdict = verify_pdf(output.getvalue())
    assert not verdict.valid
    assert "ditambahkan setelah dokumen ditandatangani" in verdict.reason


def test_resigned_copy_is_not_valid(issued, attacker_pki):
    pdf = pdf_bytes(issued)
    # A second signature on top of the genuine one (field name must differ from the first).
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Palsu")
    output = io.BytesIO()
    signers.PdfSigner(meta, signer=_attacker_session(attacker_pki).signer).sign_pdf(writer, output=output)
    verdict = verify_pdf(output.getvalue())
    assert not verdict.valid
    assert "ditandatangani ulang" in verdict.reason


def test_copy_signed_with_a_key_the_office_does_not_trust_is_not_valid(signer, attacker_pki):
    # The forger renders a look-alike document and signs it with their own certificate.
    from capil.documents.kinds import output_kind_get
    from capil.documents.samples import sample_preview_pdf

    unsigned = sample_preview_pdf(output_kind_get("akta-kelahiran"))
    forged, _ts = pdf_sign(unsigned, session=_attacker_session(attacker_pki), page=0, box=(300, 100, 480, 150))
    verdict = verify_pdf(forged)
    assert not verdict.valid
    assert "tidak dibuat dengan sertifikat yang dipercaya" in verdict.reason


def test_pdf_signed_with_the_office_key_but_never_issued_is_not_valid(signer):
    from capil.documents.kinds import output_kind_get
    from capil.documents.samples import sample_preview_pdf

    unsigned = sample_preview_pdf(output_kind_get("kartu-keluarga"))
    with signing_session_open(user=signer) as session:
        signed, _ts = pdf_sign(unsigned, session=session, page=0, box=(300, 100, 480, 150))
    verdict = verify_pdf(signed)
    assert not verdict.valid
    assert "tidak tercatat" in verdict.reason


def test_revoked_document_is_not_valid(issued, signer):
    pdf = pdf_bytes(issued)
    document_revoke(document=issued, actor=signer, reason="Data orang tua salah ketik")
    verdict = verify_pdf(pdf)
    assert not verdict.valid
    assert "dicabut" in verdict.reason


def test_superseded_document_is_not_valid_and_its_replacement_is(issued, signer):
    old_pdf = pdf_bytes(issued)
    data = sample_data("akta-kelahiran") | {"pukul_lahir": "04:53"}
    replacement = document_supersede(document=issued, data=data, signer=signer, reason="Koreksi pukul lahir")
    assert "diganti" in verify_pdf(old_pdf).reason
    assert not verify_pdf(old_pdf).valid
    assert verify_pdf(pdf_bytes(replacement)).valid


def test_garbage_never_raises(db):
    samples = [b"", b"%PDF-", b"%PDF-1.7\n" + b"\x00" * 500, b"not a pdf at all",
               b"%PDF-1.4\n1 0 obj << /Type /Catalog", b"%PDF-1.7\ntrailer << /Root 1 0 R /Size 99999999999 >>\n%%EOF"]
    samples += [path.read_bytes() for path in sorted(HOSTILE.glob("*"))[:12] if path.is_file()]
    for data in samples:
        verdict = verify_pdf(data)
        assert not verdict.valid
        assert verdict.reason


def test_unsigned_pdf_is_reported_as_having_no_signature(db):
    from capil.documents.kinds import output_kind_get
    from capil.documents.samples import sample_preview_pdf

    verdict = verify_pdf(sample_preview_pdf(output_kind_get("kia")))
    assert not verdict.valid
    assert "tidak memiliki tanda tangan" in verdict.reason


def test_revocation_needs_kadis_or_admin(issued):
    import pytest
    from django.core.exceptions import PermissionDenied

    from capil.accounts.models import Role

    with pytest.raises(PermissionDenied):
        document_revoke(document=issued, actor=UserFactory(role=Role.OPERATOR), reason="x")
