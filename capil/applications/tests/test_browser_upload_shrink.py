"""The upload page's script shrinks a large phone photo in the browser before sending it (Debian Chromium through
Playwright, on a 390 px phone): what reaches the server is a JPEG of the size the server keeps, upright, a
fraction of the original's bytes; a photo already small enough, and a HEIC the browser cannot decode, are sent
exactly as chosen. The server normalises whatever arrives, as for any upload."""

import hashlib
import io

import pytest
from django.test import Client
from PIL import Image, ImageStat

from capil.accounts.tests.factories import login_client

from .. import services
from ..images import MAX_LONG_EDGE
from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHOTOS = factories.SAMPLES / "documents"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _upper_band_darker(image: Image.Image) -> bool:
    """Upright rather than sideways or upside down: the printed text of these documents sits in the upper half."""
    grey = image.convert("L")
    w, h = grey.size
    upper = ImageStat.Stat(grey.crop((w // 4, int(h * 0.15), 3 * w // 4, int(h * 0.45)))).mean[0]
    lower = ImageStat.Stat(grey.crop((w // 4, int(h * 0.55), 3 * w // 4, int(h * 0.85)))).mean[0]
    return upper < lower


def test_a_large_photo_is_shrunk_in_the_browser_and_small_or_undecodable_ones_go_as_chosen(
        live_server, browser_required, private_storage, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    factories.catalog_load()
    citizen = factories.citizen()
    application = factories.draft(applicant=citizen)
    received: dict[str, bytes] = {}
    real_upload = services.requirement_upload

    def recording_upload(*, slot, fileobj, **kwargs):
        fileobj.seek(0)
        received[slot] = fileobj.read()
        fileobj.seek(0)
        return real_upload(slot=slot, fileobj=fileobj, **kwargs)

    monkeypatch.setattr(services, "requirement_upload", recording_upload)
    client = Client()
    login_client(client, citizen)
    chosen = {"ktp": "ktp_ayah.jpg", "kartu-keluarga": "kartu_keluarga_iphone.heic",
              "surat-keterangan-kelahiran": "pas_foto_3x4.jpg"}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True,
                                      has_touch=True)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/permohonan/{application.pk}/berkas/")
        for slot, name in chosen.items():
            card = page.locator(f"#slot-{slot}")
            card.locator("input[type=file]").set_input_files(str(PHOTOS / name))
            card.locator("[data-role=send]").click()
            card.locator(".upload-msg.ok").wait_for(timeout=60000)
        browser.close()

    # The 12-MP photo (pixels stored sideways, EXIF orientation 6) arrived shrunk to the kept size, upright,
    # without its EXIF (GPS, camera), and a fraction of the original's bytes.
    original = (PHOTOS / "ktp_ayah.jpg").read_bytes()
    sent = received["ktp"]
    with Image.open(io.BytesIO(sent)) as image:
        assert image.format == "JPEG"
        assert image.size == (MAX_LONG_EDGE, MAX_LONG_EDGE * 3 // 4)  # landscape: the KTP is upright
        assert image.getexif().get(0x0112) in (None, 1)
        assert _upper_band_darker(image)
    assert len(sent) < 0.7 * len(original)
    assert b"Exif" not in sent
    # A photo no larger than the kept size, and a HEIC that Chromium cannot decode, go byte for byte as chosen.
    for slot in ("kartu-keluarga", "surat-keterangan-kelahiran"):
        raw = (PHOTOS / chosen[slot]).read_bytes()
        assert hashlib.sha256(received[slot]).digest() == hashlib.sha256(raw).digest(), slot
    # And the server stored each, normalised as always.
    stored = {u.slot: u for u in application.uploads.all()}
    assert (stored["ktp"].width, stored["ktp"].height) == (MAX_LONG_EDGE, MAX_LONG_EDGE * 3 // 4)
    assert stored["kartu-keluarga"].width > 0 and stored["surat-keterangan-kelahiran"].width == 708
