"""A citizen books a KTP-el recording slot on a phone-width browser, reads the SMS from the development
channel, and is checked in and called at the counter; the waiting-room display follows without reloading.
Screenshots go to /work/notes/shots/queueing/ (or CAPIL_SHOTS_DIR) for people to look at."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from capil.accounts.models import Role
from capil.accounts.tests.factories import StaffFactory, login_client
from capil.notifications.selectors import dev_messages
from capil.queueing.models import Booking

from .conftest import wita
from .helpers import solve_captcha

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CAPIL_SHOTS_DIR", "/work/notes/shots/queueing"))
CHROMIUM = {"executable_path": "/usr/bin/chromium", "headless": True,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_book_on_a_phone_read_the_sms_and_check_in_at_the_counter(browser_required, live_server, office_day,
                                                                  move_clock, settings):
    from playwright.sync_api import expect, sync_playwright

    settings.CAPIL_SITE_URL = live_server.url  # links in the SMS point at this server
    move_clock(wita(office_day, "07:30"))
    staff = StaffFactory(role=Role.OPERATOR, full_name="Operator Loket Tiga")
    staff_session = Client()
    login_client(staff_session, staff)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**CHROMIUM)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                    is_mobile=True, has_touch=True, locale="id-ID")
        page = phone.new_page()
        page.goto(live_server.url + "/antrian/ktp-el/")
        _shot(page, "booking-1-phone-captcha-390")
        page.get_by_label("Nomor HP").fill("0812 3456 7001")
        token = page.locator("input[name=captcha_token]").input_value()
        page.get_by_label("Berapa hasil hitungan pada gambar?").fill(solve_captcha(token))
        page.get_by_role("button", name="Lanjut pilih jadwal").click()

        expect(page.get_by_role("heading", name="Pilih tanggal dan jam perekaman")).to_be_visible()
        _shot(page, "booking-2-slots-390")
        page.locator("label.q-slot", has_text="09:00–10:00").click()
        page.get_by_role("button", name="Lanjut").click()

        expect(page.get_by_role("heading", name="Pernyataan dan konfirmasi")).to_be_visible()
        _shot(page, "booking-3-statement-390")
        page.get_by_label("Saya menyetujui pernyataan di atas.").check()
        page.get_by_role("button", name="Ambil nomor antrian").click()

        number = page.get_by_test_id("queue-number")
        expect(number).to_have_text(re.compile(r"^B-\d{3}$"))
        code = number.inner_text()
        _shot(page, "booking-4-number-390")

        # The SMS, as the development channel delivered it.
        [sms] = dev_messages("+6281234567001")
        assert code in sms["body"] and "09.00 WITA" in sms["body"]
        link = re.search(r"https?://\S+", sms["body"]).group(0)
        page.goto(link)
        expect(page.get_by_text(code)).to_be_visible()
        _shot(page, "booking-5-manage-link-390")

        # At the office, 09:05: the operator checks the number in and calls it at Loket 3.
        move_clock(wita(office_day, "09:05"))
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        desk.add_cookies([{"name": "sessionid", "value": staff_session.cookies["sessionid"].value,
                           "url": live_server.url}])
        counter = desk.new_page()
        counter.goto(live_server.url + "/antrian/ktp-el/hadir/")
        counter.get_by_label("Nomor antrian perekaman").fill(code)
        counter.get_by_role("button", name="Hadir").click()
        expect(counter.get_by_text(f"{code} hadir dan masuk antrian perekaman.")).to_be_visible()
        _shot(counter, "staff-check-in-1280")

        tv = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="id-ID")
        screen = tv.new_page()
        screen.goto(live_server.url + "/antrian/layar/")
        screen.evaluate("window.__notReloaded = true")

        counter.goto(live_server.url + "/antrian/loket/")
        counter.get_by_role("link", name=re.compile("Loket 3")).click()
        counter.get_by_test_id("call-next").click()
        expect(counter.get_by_test_id("current-ticket")).to_have_text(code)
        _shot(counter, "staff-counter-screen-1280")

        # The display follows by itself (polling), without a reload.
        expect(screen.locator("#now-ticket")).to_have_text(code, timeout=10000)
        expect(screen.locator("#now-counter")).to_have_text("Loket 3")
        assert screen.evaluate("window.__notReloaded") is True
        _shot(screen, "display-tv-1920x1080")
        laptop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID").new_page()
        laptop.goto(live_server.url + "/antrian/layar/")
        expect(laptop.locator("#now-ticket")).to_have_text(code)
        _shot(laptop, "display-1280")

        counter.get_by_role("button", name="Perekaman selesai").click()
        expect(counter.get_by_text(f"Perekaman {code} selesai.")).to_be_visible()
        browser.close()

    assert Booking.objects.get().status == "RECORDED"
