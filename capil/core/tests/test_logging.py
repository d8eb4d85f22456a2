import logging

from capil.core.logging import MaskPersonalDataFilter, mask_personal_data


def test_nik_phone_and_email_are_masked():
    text = "NIK 6471031507880004 phone +6281234567890 or 0812-3456-7890 mail rizky.aditya@example.com"
    masked = mask_personal_data(text)
    assert "6471031507880004" not in masked
    assert "1234567890" not in masked and "3456-78" not in masked
    assert "rizky.aditya@" not in masked
    assert "6471********0004" in masked


def test_filter_rewrites_record_arguments(caplog):
    logger = logging.getLogger("capil.test")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="capil.test"):
        logger.info("sending to %s for %s", "+6281234567890", "6471031507880004")
    assert "6471031507880004" not in caplog.text
    assert "+6281234567890" not in caplog.text


def test_django_records_are_printed_once_and_masked_when_debug_is_on(tmp_path):
    """With DEBUG on, Django's own console handler on the "django" logger printed each record again, unmasked."""
    import os
    import subprocess
    import sys

    code = ("import django, logging; django.setup(); "
            "logging.getLogger('django.request').warning('Bad Request: /x/%s', '+6281234567890')")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capil.settings.dev", "CAPIL_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    printed = result.stdout + result.stderr
    assert "+6281234567890" not in printed
    assert printed.count("Bad Request") == 1 and "+6281******90" in printed
