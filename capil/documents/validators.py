"""Value checks for population numbers. A NIK or a KK number is 16 digits with a structure: the region code
of the place of registration (province, regency/city, district), a date, and a serial number. The structure
catches most mistyped numbers; only SIAK can tell whether the number exists."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Province codes used by Dukcapil (Kemendagri), including the Papua provinces created in 2022.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36",
    "51", "52", "53",
    "61", "62", "63", "64", "65",
    "71", "72", "73", "74", "75", "76",
    "81", "82",
    "91", "92", "93", "94", "95", "96", "97",
})


def _digits16(value: str, what: str) -> str:
    cleaned = "".join(value.split())
    if len(cleaned) != 16 or not cleaned.isdigit():
        raise ValidationError(_("%(what)s harus terdiri atas 16 angka."), code="length", params={"what": what})
    return cleaned


def _region(cleaned: str, what: str) -> None:
    if cleaned[:2] not in PROVINCE_CODES:
        raise ValidationError(_("Dua angka pertama %(what)s bukan kode provinsi yang berlaku."),
                              code="province", params={"what": what})
    if cleaned[2:4] == "00" or cleaned[4:6] == "00":
        raise ValidationError(_("Kode kabupaten/kota atau kecamatan pada %(what)s tidak valid."),
                              code="region", params={"what": what})


def _two_digit_year_date(day: int, month: int, yy: int, *, today: datetime.date) -> datetime.date | None:
    # A two-digit year is in this century unless that would put it in the future.
    for century in (2000, 1900):
        try:
            candidate = datetime.date(century + yy, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def nik_birth_date(nik: str, *, today: datetime.date | None = None) -> tuple[datetime.date, str] | None:
    """The birth date and sex written in a NIK (women have 40 added to the day), or None when they do not
    form a date."""
    today = today or timezone.localdate()
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "PEREMPUAN" if day > 40 else "LAKI-LAKI"
    if day > 40:
        day -= 40
    born = _two_digit_year_date(day, month, yy, today=today)
    return (born, sex) if born else None


def validate_nik(value: str) -> str:
    """Return the NIK without spaces, or raise ValidationError with the reason in plain words."""
    what = _("NIK")
    cleaned = _digits16(str(value), what)
    _region(cleaned, what)
    if nik_birth_date(cleaned) is None:
        raise ValidationError(_("Angka ke-7 sampai ke-12 NIK harus tanggal lahir (ddmmyy; perempuan: tanggal + 40)."),
                              code="birth_date")
    if cleaned[12:] == "0000":
        raise ValidationError(_("Empat angka terakhir NIK tidak boleh 0000."), code="serial")
    return cleaned


def validate_kk(value: str) -> str:
    """Return the KK number without spaces, or raise ValidationError with the reason in plain words."""
    what = _("Nomor KK")
    cleaned = _digits16(str(value), what)
    _region(cleaned, what)
    day, month, yy = int(cleaned[6:8]), int(cleaned[8:10]), int(cleaned[10:12])
    if _two_digit_year_date(day, month, yy, today=timezone.localdate()) is None:
        raise ValidationError(_("Angka ke-7 sampai ke-12 nomor KK harus tanggal penerbitan (ddmmyy)."), code="date")
    if cleaned[12:] == "0000":
        raise ValidationError(_("Empat angka terakhir nomor KK tidak boleh 0000."), code="serial")
    return cleaned


def validate_nip(value: str) -> str:
    """An Indonesian civil servant number: 18 digits (birth date, appointment month, sex, serial)."""
    cleaned = "".join(str(value).split())
    if len(cleaned) != 18 or not cleaned.isdigit():
        raise ValidationError(_("NIP harus terdiri atas 18 angka."), code="nip")
    return cleaned


def validate_not_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Tanggal tidak boleh di masa depan."), code="future")
