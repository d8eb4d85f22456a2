"""A citizen registers on a phone-width screen, verifies phone (code read from the development SMS channel)
and e-mail (link read from the captured message), signs out and signs in again."""

import os
import re

import pytest
from django.core import mail

from capil.accounts.models import User
from capil.notifications.selectors import dev_messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page(browser_required):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are plain
    # synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="id-ID")
        yield context.new_page()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_verify_sign_out_and_in_at_phone_width(live_server, page):
    base = live_server.url
    page.goto(base + "/akun/daftar/")
    assert fits_the_screen(page)
    page.fill("#id_full_name", "Nur Aisyah")
    page.fill("#id_phone", "0812-5550-4321")
    page.fill("#id_email", "aisyah@contoh.id")
    page.fill("#id_password", "Pantai-Manggar-Sore-Hari")
    page.fill("#id_password2", "Pantai-Manggar-Sore-Hari")
    page.click("button[type=submit]:has-text('Daftar')")
    page.wait_for_url("**/akun/verifikasi/")
    assert fits_the_screen(page)

    # The code, as a tester reads it from the development SMS channel.
    sms = dev_messages("0812 5550 4321")[0]["body"]
    code = re.search(r"\b(\d{6})\b", sms).group(1)
    page.fill("#id_code", code)
    page.click("button:has-text('Verifikasi nomor HP')")
    page.wait_for_selector("text=Nomor HP terverifikasi.")

    # The e-mail link, from the captured message.
    message = [m for m in mail.outbox if m.to == ["aisyah@contoh.id"]][-1]
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.wait_for_selector("text=terverifikasi")
    user = User.objects.get(email="aisyah@contoh.id")
    assert user.is_verified

    page.click("nav button:has-text('Keluar')")
    page.goto(base + "/akun/profil/")
    page.wait_for_url("**/akun/masuk/**")

    page.fill("#id_identifier", "+62 812 5550 4321")
    page.fill("#id_password", "Pantai-Manggar-Sore-Hari")
    page.click("button[type=submit]:has-text('Masuk')")
    page.wait_for_url("**/akun/profil/")
    assert page.is_visible("text=Nur Aisyah")
    assert fits_the_screen(page)
