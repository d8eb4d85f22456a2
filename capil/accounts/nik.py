"""The structure of a NIK (Nomor Induk Kependudukan), the 16-digit person number.

Digits 1–6 are the place of registration: province (2), regency or city (2), district (2). Digits 7–12 are
the birth date as DDMMYY, with 40 added to the day for women. Digits 13–16 are a serial number.

A NIK whose structure is impossible is refused (it was mistyped). A NIK whose date or sex disagrees with
what the citizen entered is *not* refused: NIKs are never re-issued, and some were issued with a wrong date,
so the disagreement becomes a note for the operator who checks the documents.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Province codes of the Indonesian administrative code (Kepmendagri), including the Papua provinces
# formed in 2022.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36",
    "51", "52", "53",
    "61", "62", "63", "64", "65",
    "71", "72", "73", "74", "75", "76",
    "81", "82",
    "91", "92", "93", "94", "95", "96", "97",
})


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str
    regency: str
    district: str
    birth_date: datetime.date
    sex: str  # "M" or "F", as accounts.models.Sex
    serial: str


def nik_parse(raw: str, *, today: datetime.date | None = None) -> NikInfo:
    """Return what a NIK says, or raise ValidationError with a message for the person who typed it."""
    nik = "".join((raw or "").split())
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        raise ValidationError(_("NIK terdiri dari 16 angka."), code="length")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCE_CODES or regency == "00" or district == "00":
        raise ValidationError(
            _("Enam angka pertama NIK (kode provinsi, kabupaten/kota, kecamatan) tidak dikenal. Periksa lagi."),
            code="region",
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > 40 else "M"
    if day > 40:
        day -= 40
    today = today or timezone.localdate()
    # Two-digit year: the latest century that does not put the birth in the future.
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError as exc:
        raise ValidationError(
            _("Angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang mungkin. Periksa lagi."), code="date"
        ) from exc
    if birth_date > today:
        birth_date = birth_date.replace(year=birth_date.year - 100)
    serial = nik[12:16]
    if serial == "0000":
        raise ValidationError(_("Empat angka terakhir NIK tidak boleh 0000."), code="serial")
    return NikInfo(nik, province, regency, district, birth_date, sex, serial)


def nik_mismatches(info: NikInfo, *, birth_date: datetime.date | None, sex: str) -> list[str]:
    """Disagreements between the NIK and what the citizen entered, as sentences for the operator."""
    notes = []
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.birth_date.day, info.birth_date.month, info.birth_date.year % 100
    ):
        notes.append(_("Tanggal lahir yang diisi tidak sama dengan tanggal lahir di NIK."))
    if sex and sex != info.sex:
        notes.append(_("Jenis kelamin yang diisi tidak sama dengan kode jenis kelamin di NIK."))
    return notes
