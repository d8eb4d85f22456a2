"""Every output kind is issued from the sample family's data, and the result is checked three ways: our
verifier (pyHanko, trust roots, register), poppler's pdfsig (independent implementation), and pdftotext
(the data is on the page)."""

import re
import subprocess
import tempfile

import pytest

from capil.documents.kinds import output_kinds
from capil.documents.models import DocumentStatus, IssuedDocument
from capil.documents.samples import sample_data
from capil.documents.services import document_issue
from capil.documents.verification import verify_pdf

from .conftest import pdf_bytes


def _pdf_tool(tool: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run([f"/usr/bin/{tool}", *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
                                capture_output=True, text=True, timeout=60, check=False)
    return result.stdout


def _numbers_in(data: dict) -> set[str]:
    found = set()
    for value in data.values():
        if isinstance(value, list):
            for row in value:
                found |= _numbers_in(row)
        elif isinstance(value, str) and re.fullmatch(r"\d{16}", value):
            found.add(value)
    return found


@pytest.mark.parametrize("slug", [kind.slug for kind in output_kinds()])
def test_every_kind_is_issued_signed_and_readable(signer, slug):
    data = sample_data(slug)
    document = document_issue(kind=slug, data=data, holder_name="", signer=signer)

    assert document.status == DocumentStatus.VALID
    assert IssuedDocument.objects.filter(pk=document.pk, number=document.number).exists()
    pdf = pdf_bytes(document)

    verdict = verify_pdf(pdf)
    assert verdict.valid, verdict.reason
    assert verdict.document == document

    pdfsig = _pdf_tool("pdfsig", pdf)
    assert "Signature Validation: Signature is Valid." in pdfsig
    assert "Total document signed" in pdfsig
    assert "ETSI.CAdES.detached" in pdfsig  # PAdES
    assert "Signature Field Name: TTE" in pdfsig

    text = " ".join(_pdf_tool("pdftotext", pdf).split())
    assert document.number in text
    assert document.holder_name in text
    for number in _numbers_in(data):
        assert number in text
    assert "tidak memerlukan tanda tangan basah dan cap/stempel" in text
    assert "Kode verifikasi" in text
