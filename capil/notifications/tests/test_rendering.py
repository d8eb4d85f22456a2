"""SMS texts: GSM-7 only, segment counting, no personal numbers; addresses masked for screens and logs."""

import logging

import pytest
from django.core.management import call_command

from capil.notifications.defaults import EVENTS
from capil.notifications.rendering import (
    NotificationRenderError,
    contains_personal_number,
    mask_address,
    sms_segments,
    sms_text,
    to_gsm7,
)
from capil.notifications.services import notification_enqueue, render_message


@pytest.mark.parametrize(("raw", "expected"), [
    ("Status “Selesai” – silakan ambil…", 'Status "Selesai" - silakan ambil...'),
    ("Kode’mu", "Kode'mu"),
    ("Mohon datang 🙏 tepat waktu", "Mohon datang tepat waktu"),
    ("Façade café", "Facade café"),  # é is in GSM-7, ç is not
    ("Jl.\u00a0Sudirman", "Jl. Sudirman"),
    ("Rp 10.000 — gratis", "Rp 10.000 - gratis"),
])
def test_characters_that_force_ucs2_are_replaced(raw, expected):
    assert to_gsm7(raw) == expected


def test_segments_are_counted_in_septets():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2 and sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # extension characters cost two


@pytest.mark.parametrize(("text", "found"), [
    ("NIK 6471010101010001", True),
    ("NIK 6471 0101 0101 0001", True),
    ("KK 6471.0101.0101.0001", True),
    ("NIP 198703152010011002", True),
    ("Nomor BPN-2026-000123", False),
    ("Kode 482913, berlaku 5 menit", False),
    ("Hubungi 0542-123456", False),
])
def test_personal_numbers_are_recognised(text, found):
    assert contains_personal_number(text) is found


def test_sms_with_a_personal_number_or_too_long_is_refused():
    with pytest.raises(NotificationRenderError):
        sms_text("Data NIK 6471010101010001 diterima")
    with pytest.raises(NotificationRenderError):
        sms_text("panjang " * 80)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("event", list(EVENTS))
def test_every_shipped_sms_fits_two_segments_of_gsm7(event, language):
    spec = EVENTS[event]
    message = render_message(event=event, channel="sms", language=language, context=spec.sample, name="Siti")
    assert message["segments"] <= 2, message["body"]
    assert to_gsm7(message["body"]) == message["body"]
    email = render_message(event=event, channel="email", language=language, context=spec.sample, name="Siti")
    assert email["title"] and "Siti" in email["body"] or event == "otp"
    assert "<html" in email["body_html"]


def test_addresses_are_masked():
    assert mask_address("+6281234567890") == "+62812******90"
    assert mask_address("siti.aminah@example.com") == "s***@example.com"


@pytest.mark.django_db
def test_log_lines_carry_no_phone_number(caplog):
    with caplog.at_level(logging.INFO, logger="capil.notifications"):
        notification_enqueue(event="otp", subject=("accounts.otp", "1"), phone="081234567890",
                             context={"code": "123456", "minutes": 5}, channels=["sms"])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "+62812******90" in text and "81234567890" not in text and "123456" not in text


@pytest.mark.django_db
def test_sweep_command_runs_once(capsys):
    call_command("notifications_sweep")
    assert "recovered=0" in capsys.readouterr().out
