import pytest
from django.core.exceptions import ValidationError

from capil.core.phones import normalise_phone

VALID = [
    ("081234567890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812.3456.7890", "+6281234567890"),
    ("(0812) 3456 7890", "+6281234567890"),
    ("81234567890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("62 812 3456 7890", "+6281234567890"),
    ("+6281234567890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"),
    ("+62 (812) 3456-7890", "+6281234567890"),
    ("  0812 3456 7890  ", "+6281234567890"),
    ("0811 5401 234", "+628115401234"),  # Telkomsel Kalimantan prefix
    ("0852-4612-3456", "+6285246123456"),
    ("0878 1234 5678", "+6287812345678"),
    ("0896 1234 5678", "+6289612345678"),
    ("6282112345678", "+6282112345678"),  # "62" then 821: never +6262…
    ("+65 8123 4567", "+6581234567"),  # a foreign mobile (SKTT applicants) is kept as it is
    ("(+62) 812 3456 7890", "+6281234567890"),  # country code in brackets
    ("0062 812 3456 7890", "+6281234567890"),  # international call prefix instead of the plus
    ("+62 0812 3456 7890", "+6281234567890"),  # trunk 0 kept after the country code
    ("62-812-3456-7890", "+6281234567890"),
]

INVALID = [
    ("", "required"),
    ("   ", "required"),
    ("0812345", "invalid"),  # too short
    ("0812 3456 7890 1234 5", "invalid"),  # too long
    ("0542 123456", "not_mobile"),  # Balikpapan landline cannot receive SMS
    ("021-5551234", "not_mobile"),
    ("0812-abc-7890", "characters"),
    ("0812+3456", "characters"),
    ("++6281234567890", "characters"),
    ("626281234567", "not_mobile"),  # 62 62… is not a mobile number
    ("+62 0812", "invalid"),
    ("0800 123 4567", "not_mobile"),  # toll-free numbers receive no SMS
    ("0812/3456/7890", "characters"),
    ("0062 21 5551234", "not_mobile"),  # Jakarta landline with the international prefix
]


@pytest.mark.parametrize(("typed", "expected"), VALID)
def test_spellings_of_one_mobile_number_become_e164(typed, expected):
    assert normalise_phone(typed).e164 == expected


@pytest.mark.parametrize(("typed", "code"), INVALID)
def test_numbers_that_cannot_receive_sms_are_refused_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(typed)
    assert exc.value.code == code
    assert str(exc.value.messages[0])  # a message a person can read


def test_masked_number_hides_the_middle():
    assert normalise_phone("081234567890").masked == "+62812******90"


def test_national_format_for_display():
    assert normalise_phone("+6281234567890").national.startswith("0812")
