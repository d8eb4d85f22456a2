import datetime

import pytest
from django.core.exceptions import ValidationError

from capil.accounts.nik import nik_mismatches, nik_parse

TODAY = datetime.date(2026, 12, 3)


def test_a_man_born_on_the_first_of_january_1990_in_balikpapan():
    info = nik_parse("6471010101900001", today=TODAY)
    assert (info.province, info.regency, info.district) == ("64", "71", "01")
    assert info.birth_date == datetime.date(1990, 1, 1)
    assert info.sex == "M"


def test_forty_is_added_to_the_day_for_women():
    info = nik_parse("6471014512050003", today=TODAY)
    assert info.birth_date == datetime.date(2005, 12, 5)
    assert info.sex == "F"


def test_spaces_are_ignored():
    assert nik_parse("6471 0101 0190 0001", today=TODAY).nik == "6471010101900001"


@pytest.mark.parametrize("raw, code", [
    ("647101010190000", "length"),
    ("64710101019000012", "length"),
    ("64710101019O0001", "length"),
    ("9971010101900001", "region"),
    ("6400010101900001", "region"),
    ("6471000101900001", "region"),
    ("6471013201900001", "date"),
    ("6471017201900001", "date"),
    ("6471010113900001", "date"),
    ("6471013002900001", "date"),
    ("6471010101900000", "serial"),
])
def test_impossible_structures_are_refused(raw, code):
    with pytest.raises(ValidationError) as exc:
        nik_parse(raw, today=TODAY)
    assert exc.value.code == code


def test_a_birth_date_in_the_future_is_the_previous_century():
    assert nik_parse("6471010101270001", today=TODAY).birth_date == datetime.date(1927, 1, 1)


def test_disagreement_with_what_was_entered_is_a_note_not_an_error():
    info = nik_parse("6471014512050003", today=TODAY)
    assert nik_mismatches(info, birth_date=datetime.date(2005, 12, 5), sex="F") == []
    notes = nik_mismatches(info, birth_date=datetime.date(2005, 12, 6), sex="M")
    assert len(notes) == 2
