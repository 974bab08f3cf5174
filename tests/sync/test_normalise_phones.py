"""Phones: E.164 with the instance's region, short numbers as dialled, extensions split off."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.context import Notes
from directory.sync.normalise.phones import format_number, normalise_phone

E164_CASES = [
    ("+44 (0)1632 960 123", "GB", "+441632960123"),
    ("01632 960123", "GB", "+441632960123"),
    ("01632960123", "GB", "+441632960123"),
    ("0044 1632 960123", "GB", "+441632960123"),
    ('"+44 1234 234567"', "GB", "+441234234567"),  # the official HSDS example quotes its number
    ("tel:+44 20 7946 0000", "GB", "+442079460000"),
    ("020 7946 0000", "GB", "+442079460000"),
    ("0800 1111", "GB", "+448001111"),
    ("01 23 45 67 89", "FR", "+33123456789"),
    ("+1 202 555 0100", "GB", "+12025550100"),
    ("(202) 555-0100", "US", "+12025550100"),
    ("030 901820", "DE", "+4930901820"),
]


@pytest.mark.parametrize("raw, region, expected", E164_CASES)
def test_numbers_become_e164_with_the_instance_region_as_default(raw, region, expected):
    notes = Notes()
    phone = normalise_phone({"number": raw}, region, notes, "phone")
    assert phone == {"number": expected}
    assert notes.warnings == []


SHORT_CASES = [
    ("111", "GB", "111"),
    ("116 123", "GB", "116123"),
    ("116123", "GB", "116123"),
    ("999", "GB", "999"),
    ("112", "FR", "112"),
    ("3114", "FR", "3114"),
    ("116 006", "FR", "116006"),
    ("911", "US", "911"),
]


@pytest.mark.parametrize("raw, region, expected", SHORT_CASES)
def test_short_numbers_and_helplines_stay_as_dialled_digits_only(raw, region, expected):
    assert format_number(raw, region) == (expected, None, None)


@pytest.mark.parametrize(
    "raw, number, extension",
    [
        ("01632 960123 ext. 100", "+441632960123", 100),
        ("01632 960123 x100", "+441632960123", 100),
        ("01632 960123 extension 7", "+441632960123", 7),
        ("0300 123 1234#12", "+443001231234", 12),
    ],
)
def test_an_extension_in_the_number_moves_to_the_extension_field(raw, number, extension):
    notes = Notes()
    assert normalise_phone({"number": raw}, "GB", notes, "phone") == {
        "number": number,
        "extension": extension,
    }
    assert notes.warnings == []


def test_an_extension_field_wins_over_a_different_one_in_the_number_with_a_warning():
    notes = Notes()
    phone = normalise_phone({"number": "01632 960123 ext 100", "extension": 200}, "GB", notes, "phone")
    assert phone == {"number": "+441632960123", "extension": 200}
    assert notes.warnings == ["phone: extension 100 in the number differs from extension 200; kept 200"]


@pytest.mark.parametrize("raw", ["n/a", "ask at reception", "-", "(  )", "TBC"])
def test_a_number_without_any_digit_drops_the_phone_with_a_warning(raw):
    notes = Notes()
    assert normalise_phone({"number": raw}, "GB", notes, "service.phones[0]") is None
    assert notes.warnings == [f"service.phones[0]: number {raw!r} has no digits; phone dropped"]


@pytest.mark.parametrize(
    "raw, region, warning",
    [
        ("12", "GB", "'12' is not a possible phone number for GB; kept as sent"),
        ("555 0100", "US", "'555 0100' is a local number without its area code; kept as sent"),
        ("01632 960123", "ZZ", "could not read phone number '01632 960123'; kept as sent"),
        ("123456789012345678901", "GB", "could not read phone number '123456789012345678901'; kept as sent"),
    ],
)
def test_a_number_that_cannot_be_read_is_kept_as_sent_with_a_warning(raw, region, warning):
    notes = Notes()
    assert normalise_phone({"number": raw}, region, notes, "phone") == {"number": raw}
    assert notes.warnings == [f"phone: {warning}"]


def test_several_numbers_in_one_field_keep_the_first_with_a_warning():
    notes = Notes()
    phone = normalise_phone({"number": "01632 960123 or 01632 960124"}, "GB", notes, "phone")
    assert phone == {"number": "+441632960123"}
    assert notes.warnings == ["phone: kept the first phone number found in '01632 960123 or 01632 960124'"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Mobile", "cell"),
        ("SMS", "text"),
        ("Landline", "voice"),
        ("minicom", "textphone"),
        ("FAX", "fax"),
        ("voice", "voice"),
    ],
)
def test_phone_types_become_the_rfc6350_words_hsds_uses(raw, expected):
    notes = Notes()
    assert normalise_phone({"number": "111", "type": raw}, "GB", notes, "phone")["type"] == expected
    assert notes.warnings == []


def test_an_unknown_phone_type_is_kept_with_a_warning():
    notes = Notes()
    assert normalise_phone({"number": "111", "type": "pigeon"}, "GB", notes, "phone")["type"] == "pigeon"
    assert notes.warnings == [
        "phone: phone type 'pigeon' is not one of voice, cell, text, fax, video, pager, textphone"
    ]


def _ctx(region: str = "GB") -> NormaliseContext:
    return NormaliseContext("phones-feed", region, "Europe/London", CategoryMapper([]))


def _service(**extra) -> dict:
    return {
        "id": "s1",
        "name": "Advice",
        "organization": {"id": "o1", "name": "Org", "description": "D"},
    } | extra


def test_a_numeric_number_from_a_spreadsheet_is_read_as_a_national_number():
    result = normalise_service(_service(phones=[{"number": 1632960123}]), _ctx())
    assert result.record["phones"][0]["number"] == "+441632960123"


def test_a_phone_without_a_number_is_dropped_with_its_reason_and_the_record_kept():
    result = normalise_service(_service(phones=[{"id": "p1", "type": "voice"}]), _ctx())
    assert result.record["phones"] == []
    [problem] = [p for p in result.problems if p.kind == "dropped_children"]
    assert problem.what == "service.phones[0]: number is required by HSDS but missing; phone dropped"
    assert problem.field == "phones.number"


def test_a_dropped_phone_leaves_the_other_phones_and_a_warning():
    result = normalise_service(_service(phones=[{"number": "n/a"}, {"number": "111"}]), _ctx())
    assert [p["number"] for p in result.record["phones"]] == ["111"]
    assert "service.phones[0]: number 'n/a' has no digits; phone dropped" in result.warnings
