"""The one phone-number normaliser of the project (libphonenumber, region ID).

Citizens write 0812…, 812…, 62812…, +62 812-…, (0812) … with spaces, dots or dashes; all become
+62812… (E.164). Only numbers that can receive an SMS (mobile numbers) are accepted where a number is
entered for notices; a landline or an incomplete number is refused with a message that says why.
"""

from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SMS_CAPABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
_ALLOWED_CHARACTERS = set("0123456789+-.() \t")


@dataclass(frozen=True)
class PhoneNumber:
    e164: str

    def __str__(self) -> str:
        return self.e164

    @property
    def national(self) -> str:
        """As Indonesians write it: 0812-3456-7890."""
        parsed = phonenumbers.parse(self.e164)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)

    @property
    def masked(self) -> str:
        """For logs and screens that must not show the whole number: +62812******90."""
        return self.e164[:6] + "*" * (len(self.e164) - 8) + self.e164[-2:]


def normalise_phone(raw: str, *, region: str = "ID") -> PhoneNumber:
    """Return the number in E.164 or raise ValidationError with a message for the person who typed it."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Nomor HP wajib diisi."), code="required")
    if text.startswith("(+"):
        # "(+62) 812 …": the country code written in brackets.
        text = text[1:].replace(")", " ", 1)
    if any(ch not in _ALLOWED_CHARACTERS for ch in text) or text.count("+") > 1 or "+" in text[1:]:
        raise ValidationError(
            _("Nomor HP hanya boleh berisi angka, spasi, titik, tanda hubung, kurung, dan + di depan."),
            code="characters",
        )
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        candidate = "+" + digits
    elif digits.startswith("00") and len(digits) > 10:
        # "0062 812 …": the international call prefix written instead of the plus.
        candidate = "+" + digits[2:]
    elif digits.startswith("62") and not digits.startswith("620"):
        # "62812…" typed without the plus is the country code, never a national number: without this
        # it could become +6262812….
        candidate = "+" + digits
    else:
        candidate = digits
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Nomor HP tidak dikenali. Contoh: 0812 3456 7890."), code="invalid") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Nomor HP tidak lengkap atau tidak valid. Periksa jumlah angkanya, contoh: 0812 3456 7890."),
            code="invalid",
        )
    if phonenumbers.number_type(parsed) not in _SMS_CAPABLE:
        raise ValidationError(
            _("Nomor ini tidak dapat menerima SMS (misalnya nomor telepon rumah). Masukkan nomor HP."),
            code="not_mobile",
        )
    return PhoneNumber(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
