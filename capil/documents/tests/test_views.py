"""The public verification pages (no login, rate-limited) and the staff pages, through HTTP."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capil.accounts.models import Role
from capil.accounts.tests.factories import login_client
from capil.audit.models import AuditEvent
from capil.documents.models import DocumentStatus, DocumentTemplate
from capil.documents.samples import sample_data
from capil.documents.services import document_issue, document_revoke, verification_code_display

from .conftest import pdf_bytes
from .factories import UserFactory


def _upload(client, data: bytes, name="dokumen.pdf"):
    return client.post(reverse("documents:verify_upload"),
                       {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_verify_page_needs_no_login(client, db):
    response = client.get(reverse("documents:verify"))
    assert response.status_code == 200
    assert "Verifikasi keaslian dokumen" in response.content.decode()


def test_code_page_shows_only_what_it_should(client, issued):
    code = verification_code_display(issued.verification_code)
    response = client.get(reverse("documents:verify_code", kwargs={"code": code}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen berlaku" in body
    assert issued.number in body and "Kutipan Akta Kelahiran" in body
    assert "NA*** PU*** PR*****" in body
    assert "NAYLA PUTRI PRATAMA" not in body
    assert "6471035811260001" not in body and "SITI NURHALIZA" not in body


def test_code_typed_loosely_is_found(client, issued):
    loose = issued.verification_code.lower()[:6] + " " + issued.verification_code.lower()[6:]
    response = client.post(reverse("documents:verify"), {"code": loose})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_unknown_code_is_404_with_a_plain_message(client, db):
    response = client.get(reverse("documents:verify_code", kwargs={"code": "AAAA-BBBB-CCCC"}))
    assert response.status_code == 404
    assert "Kode tidak ditemukan" in response.content.decode()


def test_revoked_document_shows_revoked(client, issued, signer):
    document_revoke(document=issued, actor=signer, reason="Data salah")
    body = client.get(reverse("documents:verify_code", kwargs={"code": issued.verification_code})).content.decode()
    assert "Dokumen tidak berlaku" in body and "Dicabut" in body


def test_code_lookups_are_rate_limited_per_address(client, db, settings):
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "VERIFY_CODE_PER_MINUTE": 3}
    url = reverse("documents:verify_code", kwargs={"code": "AAAA-BBBB-CCCC"})
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 404


def test_upload_of_genuine_pdf_is_valid(client, issued):
    response = _upload(client, pdf_bytes(issued))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Berkas asli dan berlaku" in body and issued.number in body


def test_upload_of_edited_pdf_says_why(client, issued):
    pdf = pdf_bytes(issued)
    position = pdf.index(b"/Producer")
    response = _upload(client, pdf[:position] + b"/Producar" + pdf[position + 9:])
    assert "diubah setelah ditandatangani" in response.content.decode()


@pytest.mark.parametrize("data", [b"", b"MZ\x90\x00 not a pdf", b"%PDF-1.7\n%%EOF", b"\xff\xd8\xff\xe0" * 100])
def test_upload_of_garbage_never_500(client, db, data):
    response = _upload(client, data)
    assert response.status_code in (200, 400)
    assert "tidak" in response.content.decode().lower()


def test_upload_without_file_is_a_form_error(client, db):
    response = client.post(reverse("documents:verify_upload"), {})
    assert response.status_code == 400


def test_upload_too_large_is_refused(client, db, settings):
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "VERIFY_UPLOAD_MAX_BYTES": 100}
    response = _upload(client, b"%PDF-1.7\n" + b"0" * 200)
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()


def test_uploads_are_rate_limited(client, db, settings):
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "VERIFY_UPLOAD_PER_MINUTE": 2}
    codes = [_upload(client, b"nope").status_code for _ in range(3)]
    assert codes[-1] == 429


def test_staff_register_detail_download_are_audited(client, issued):
    kasi = UserFactory(role=Role.KASI)
    login_client(client, kasi)
    assert issued.number in client.get(reverse("documents:register")).content.decode()
    assert client.get(reverse("documents:register"), {"q": "BPN-2026-000123"}).status_code == 200
    detail = client.get(reverse("documents:detail", kwargs={"pk": issued.pk}))
    assert detail.status_code == 200 and "NAYLA PUTRI PRATAMA" in detail.content.decode()
    assert "Cabut dokumen" not in detail.content.decode()  # Kasi may not revoke
    download = client.get(reverse("documents:download", kwargs={"pk": issued.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf_bytes(issued)
    actions = set(AuditEvent.objects.filter(actor=kasi).values_list("action", flat=True))
    assert actions == {"document.view", "document.download"}


def test_kadis_revokes_through_the_page(client, issued, signer):
    login_client(client, signer)
    url = reverse("documents:revoke", kwargs={"pk": issued.pk})
    client.post(url, {"reason": ""})
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.VALID
    response = client.post(url, {"reason": "Diterbitkan atas permohonan yang dibatalkan"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.REVOKED


def test_operator_cannot_revoke(client, issued):
    login_client(client, UserFactory(role=Role.OPERATOR))
    assert client.post(reverse("documents:revoke", kwargs={"pk": issued.pk}), {"reason": "x"}).status_code == 403


def test_admin_edits_a_template_and_the_next_document_uses_it(client, signer):
    admin = UserFactory(role=Role.ADMIN)
    login_client(client, admin)
    url = reverse("documents:template_edit", kwargs={"slug": "kia"})
    source = client.get(url).context["form"].initial["source"]
    assert "documents/pdf/base.html" in source

    broken = client.post(url, {"source": "<html>tanpa QR</html>", "action": "save"})
    assert broken.status_code == 200 and "Templat harus memuat" in broken.content.decode()
    assert not DocumentTemplate.objects.exists()
    syntax = client.post(url, {"source": "{% if %}", "action": "save"})
    assert "tidak dapat dibaca" in syntax.content.decode()

    preview = client.post(url, {"source": source, "action": "preview"})
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")

    own = source.replace("{% block content %}", "{% block content %}<p>KANTOR UJI COBA TEMPLAT</p>", 1)
    assert client.post(url, {"source": own, "action": "save"}).status_code == 302
    assert AuditEvent.objects.filter(action="document_template.save", actor=admin).exists()

    document = document_issue(kind="kia", data=sample_data("kia"), holder_name="", signer=signer)
    from capil.documents.tests.test_issue_every_kind import _pdf_tool

    assert "KANTOR UJI COBA TEMPLAT" in _pdf_tool("pdftotext", pdf_bytes(document))

    client.post(url, {"action": "reset", "source": "x"})
    assert not DocumentTemplate.objects.exists()


def test_template_pages_are_for_admin_only(client, db):
    login_client(client, UserFactory(role=Role.KADIS))
    assert client.get(reverse("documents:templates")).status_code == 403
    login_client(client, UserFactory(role=Role.ADMIN))
    assert client.get(reverse("documents:templates")).status_code == 200
    assert client.get(reverse("documents:template_edit", kwargs={"slug": "tidak-ada"})).status_code == 404
    preview = client.get(reverse("documents:template_preview", kwargs={"slug": "kartu-keluarga"}))
    assert preview.status_code == 200 and io.BytesIO(preview.content).read(4) == b"%PDF"


def test_register_search_by_whole_number_reference_or_a_part(issued):
    from capil.documents.selectors import documents_recent

    assert list(documents_recent(search=issued.number)) == [issued]
    assert list(documents_recent(search=issued.number.lower())) == [issued]
    assert list(documents_recent(search="bpn-2026-000123")) == [issued]  # the reference, any case
    assert list(documents_recent(search=issued.number[-6:])) == [issued]  # a part of the number
    assert list(documents_recent(search="BPN-2026-000124")) == []
    assert list(documents_recent(search="")) == [issued]


@pytest.mark.postgres
def test_a_number_part_search_can_use_the_trigram_index(issued):
    from django.db import connection

    from capil.documents.selectors import documents_recent

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # two rows are cheaper to scan than to look up
    assert "documents_number_trgm_idx" in documents_recent(search="0001X").explain()
