"""The whole Akta Kelahiran flow in a real browser (Debian Chromium through Playwright): the citizen on a
390 px phone, staff at 1280 px, one round of "requirements not met" and correction, and the applicant's
e-mail arriving at a real SMTP server (aiosmtpd on a free port) with a signed PDF whose signature validates.

Set CAPIL_SHOTS_DIR to keep screenshots of each page."""

import email
import os
import socket
import threading
from email import policy
from pathlib import Path

import pytest
from django.test import Client

from capil.accounts.models import Role
from capil.accounts.tests.factories import PASSWORD, login_client

from ..models import Application, State
from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHOTOS = factories.SAMPLES / "documents"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _Inbox:
    """Messages received by the SMTP server, as parsed e-mails."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's handler API
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.arrived.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    # aiosmtpd's readiness check connects to the port it was given, so it cannot take port 0 itself: the
    # system picks a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _shot(page, name):
    directory = os.environ.get("CAPIL_SHOTS_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def _staff_context(browser, live_server, user, viewport=None):
    """A browser context signed in as `user` (second factor satisfied), through a session cookie: the
    sign-in pages have their own browser test in the accounts context."""
    client = Client()
    login_client(client, user)
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="id-ID")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def _fill_birth_form(page):
    values = {
        "nama_anak": "NAYLA PUTRI PRATAMA", "tanggal_lahir_anak": "2026-11-18", "waktu_lahir": "04:35",
        "tempat_lahir": "Balikpapan", "nama_fasilitas": "RSUD Beriman Balikpapan", "kelahiran_ke": "2",
        "berat_bayi_gram": "3150", "panjang_bayi_cm": "49", "nik_ibu": "6471035903910002",
        "nik_ayah": "6471031507880004", "no_kk": "6471031204190007", "nomor_akta_perkawinan": "0412/017/V/2018",
        "tanggal_perkawinan": "2018-05-12",
    }
    for name, value in values.items():
        if page.locator(f"[name={name}]").count():
            page.fill(f"[name={name}]", value)
    for select in page.locator("select").all():
        if select.get_attribute("name") in ("language",):
            continue
        options = select.locator("option").all()
        if len(options) > 1 and not select.input_value():
            select.select_option(index=1)


def _await_state(application, state, timeout=30.0):
    """The live server handles a click in its own thread: read the application until it reaches `state`
    (a read right after the click could come before the server's transaction commits)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        application.refresh_from_db()
        if application.state == state or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert application.state == state


def _upload(page, slot, photo):
    card = page.locator(f"#slot-{slot}")
    card.locator("input[type=file]").set_input_files(str(PHOTOS / photo))
    card.locator("[data-role=send]").click()
    card.locator(".upload-msg.ok").wait_for(timeout=60000)


def test_akta_kelahiran_from_phone_to_signed_pdf_in_the_inbox(live_server, browser_required, smtp_server, kadis,
                                                              settings, private_storage, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are synchronous and
    # safe here (Django's documented switch for this case).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    port, inbox = smtp_server
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10}}}
    settings.CAPIL_SITE_URL = live_server.url
    factories.catalog_load()
    citizen = factories.citizen(full_name="Siti Nurhaliza", email="siti.nurhaliza@contoh.id", phone="+6281250001111")
    operator = factories.staff(Role.OPERATOR, full_name="Rina Operator")
    kasi = factories.staff(Role.KASI, full_name="Bambang Kasi")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True,
                                    has_touch=True)
        page = phone.new_page()
        # The citizen signs in and chooses the service.
        page.goto(live_server.url + "/akun/masuk/?next=/permohonan/baru/")
        page.fill("[name=identifier]", citizen.email)
        page.fill("[name=password]", PASSWORD)
        page.locator("form [type=submit]").first.click()
        page.wait_for_url("**/permohonan/baru/")
        _shot(page, "citizen-01-choose")
        page.click("a[href='/permohonan/baru/akta-kelahiran/']")
        _shot(page, "citizen-02-start")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/formulir/")
        # A birth date in the future is refused by the server.
        _fill_birth_form(page)
        page.fill("[name=tanggal_lahir_anak]", "2099-01-01")
        page.click("button[name=next]")
        assert page.locator("text=Tanggal tidak boleh di masa depan.").count() == 1
        _shot(page, "citizen-03-form-error")
        page.fill("[name=tanggal_lahir_anak]", "2026-11-18")
        page.click("button[name=next]")
        page.wait_for_url("**/berkas/")
        for slot, photo in (("buku-nikah", "buku_nikah.jpg"), ("ktp", "kartu_keluarga_whatsapp_320.jpg")):
            card = page.locator(f"#slot-{slot}")
            card.locator("input[type=file]").set_input_files(str(PHOTOS / photo))
            card.locator("[data-role=send]").click()
            if slot == "ktp":  # the tiny chat-app copy is refused, with the slot named, and can be retried
                card.locator(".upload-msg.error").wait_for(timeout=60000)
                assert "KTP" in card.locator(".upload-msg.error").inner_text()
                _shot(page, "citizen-04-upload-refused")
            else:
                card.locator(".upload-msg.ok").wait_for(timeout=60000)
        _upload(page, "ktp", "ktp_ayah.jpg")
        _upload(page, "kartu-keluarga", "kartu_keluarga.jpg")
        _upload(page, "surat-keterangan-kelahiran", "surat_keterangan_kelahiran.jpg")
        page.locator("[data-role=submit-application]").wait_for(timeout=30000)
        _shot(page, "citizen-05-uploads")
        page.click("[data-role=submit-application]")
        page.wait_for_url("**/permohonan/*/")
        application = Application.objects.get(applicant=citizen)
        _await_state(application, State.VERIFICATION)
        _shot(page, "citizen-06-tracking")

        # The operator rejects the KTP photo with a reason and returns the application.
        office = _staff_context(browser, live_server, operator)
        desk = office.new_page()
        desk.goto(live_server.url + "/kantor/antrean/")
        _shot(desk, "office-01-queue-operator")
        desk.click(f"text={application.tracking_number}")
        _shot(desk, "office-02-detail")
        ktp = application.uploads.get(slot="ktp")
        desk.goto(live_server.url + f"/kantor/permohonan/{application.pk}/berkas/{ktp.pk}/")
        desk.click("[data-view=zoom-in]")
        desk.click("[data-view=rotate-right]")
        _shot(desk, "office-03-viewer")
        desk.check("input[name=decision][value=reject]")
        desk.select_option("[name=reason_code]", "unreadable")
        desk.fill("[name=reason_text]", "Foto KTP terpotong di bagian NIK, ulangi foto seluruh kartu.")
        desk.click("text=Simpan keputusan")
        while "/berkas/" in desk.url:  # the viewer moves on to the next file still to check
            desk.check("input[name=decision][value=accept]")
            desk.click("text=Simpan keputusan")
        desk.click("[data-action=requirements_not_met]")
        _await_state(application, State.RETURNED)

        # The applicant reads exactly what is wrong, replaces only that file and resubmits.
        page.goto(live_server.url + f"/permohonan/{application.pk}/")
        assert "Foto KTP terpotong di bagian NIK" in page.content()
        _shot(page, "citizen-07-returned")
        page.click("a.button:has-text('Ganti berkas')")
        # Wait for the page's load event: its upload script is deferred, and a file sent before it runs goes
        # by the plain form post (no progress message), as it would for a browser without JavaScript.
        page.wait_for_url("**/berkas/")
        assert page.locator("#slot-buku-nikah input[type=file]").count() == 0  # accepted: nothing to replace
        _upload(page, "ktp", "ktp_ibu.jpg")
        page.locator("[data-role=submit-application]").wait_for(timeout=30000)
        page.click("[data-role=submit-application]")
        page.wait_for_url(f"**/permohonan/{application.pk}/")
        _await_state(application, State.VERIFICATION)

        # The operator accepts the new version, moves on and enters the data (step 10).
        new_ktp = application.uploads.get(slot="ktp", superseded_at__isnull=True)
        desk.goto(live_server.url + f"/kantor/permohonan/{application.pk}/berkas/{new_ktp.pk}/")
        desk.check("input[name=decision][value=accept]")
        desk.click("text=Simpan keputusan")
        desk.click("[data-action=requirements_met]")
        desk.goto(live_server.url + f"/kantor/permohonan/{application.pk}/entri-data/")
        from capil.documents.samples import sample_data

        entry = sample_data("akta-kelahiran") | {"nama_anak": "NAYLA PUTRI PRATAMA"}
        for name, value in entry.items():
            field = desk.locator(f"form [name={name}]")
            if not field.count() or isinstance(value, list | dict):
                continue
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(str(value))
            else:
                field.fill(str(value))
        _shot(desk, "office-04-data-entry")
        desk.click("text=Simpan dan kirim ke Kasi")
        _await_state(application, State.KASI_VERIFICATION)

        # Kasi: verify, request certification, certify.
        kasi_page = _staff_context(browser, live_server, kasi).new_page()
        for action, after in (("verify", State.CERTIFICATION_REQUEST),
                              ("request_certification", State.CERTIFICATION), ("certify", State.TTE_VALIDATION)):
            kasi_page.goto(live_server.url + f"/kantor/permohonan/{application.pk}/")
            kasi_page.click(f"[data-action={action}]")
            _await_state(application, after)
        # Kadis: validate, then sign in a batch.
        kadis_page = _staff_context(browser, live_server, kadis).new_page()
        kadis_page.goto(live_server.url + f"/kantor/permohonan/{application.pk}/")
        kadis_page.click("[data-action=validate]")
        _await_state(application, State.SIGNING)
        kadis_page.goto(live_server.url + "/kantor/tandatangan/")
        _shot(kadis_page, "office-05-signing")
        kadis_page.click("text=Tandatangani yang dipilih")
        kadis_page.locator("text=dokumen ditandatangani").wait_for(timeout=60000)
        _await_state(application, State.ARCHIVING)

        # The Kasi's SLA page counts this month's steps of the service.
        kasi_page.goto(live_server.url + "/kantor/sla/")
        assert "Akta Kelahiran" in kasi_page.content()
        _shot(kasi_page, "office-06-sla")

        # The applicant downloads the signed PDF in the portal.
        page.goto(live_server.url + f"/permohonan/{application.pk}/")
        _shot(page, "citizen-08-done")
        with page.expect_download() as download:
            page.click("text=Unduh PDF bertanda tangan")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        browser.close()

    # The e-mail arrived at the SMTP server with the signed PDF, whose signature validates.
    assert inbox.arrived.wait(30), "no e-mail reached the SMTP server"
    signed = [m for m in inbox.messages if any(a.get_content_type() == "application/pdf"
                                               for a in m.iter_attachments())]
    assert signed, [m["Subject"] for m in inbox.messages]
    message = signed[0]
    assert message["To"] == citizen.email
    pdf = next(a for a in message.iter_attachments() if a.get_content_type() == "application/pdf").get_content()
    _assert_signature_valid(pdf)


def _assert_signature_valid(pdf: bytes) -> None:
    import io

    from django.conf import settings
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = list(load_certs_from_pemder(settings.CAPIL_DOCUMENTS["TRUST_ROOTS"]))
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
