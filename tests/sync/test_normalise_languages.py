"""Languages: any name or code a feed uses becomes an ISO 639 code, with an English name."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.context import Notes
from directory.sync.normalise.languages import language_code, normalise_language

CODES = [
    ("Arabic", "ar"),
    ("arabic", "ar"),
    ("ARABIC", "ar"),
    ("العربية", "ar"),
    ("ar", "ar"),
    ("ara", "ar"),
    ("ar-SY", "ar"),
    ("Arabic language", "ar"),
    ("Dari", "prs"),
    ("دری", "prs"),
    ("fa-AF", "prs"),
    ("Farsi", "fa"),
    ("Persian", "fa"),
    ("فارسی", "fa"),
    ("Pashto", "ps"),
    ("پښتو", "ps"),
    ("Tigrinya", "ti"),
    ("ትግርኛ", "ti"),
    ("Somali", "so"),
    ("Soomaali", "so"),
    ("Ukrainian", "uk"),
    ("Українська", "uk"),
    ("Russian", "ru"),
    ("Kurdish", "ku"),
    ("Sorani", "ckb"),
    ("Kurdish (Sorani)", "ckb"),
    ("Kurmanji", "kmr"),
    ("Urdu", "ur"),
    ("اردو", "ur"),
    ("French", "fr"),
    ("Français", "fr"),
    ("fre", "fr"),
    ("Spanish", "es"),
    ("Español", "es"),
    ("Portuguese", "pt"),
    ("pt_BR", "pt"),
    ("Amharic", "am"),
    ("Oromo", "om"),
    ("Afaan Oromoo", "om"),
    ("Tamil", "ta"),
    ("Bengali", "bn"),
    ("Bangla", "bn"),
    ("Polish", "pl"),
    ("Polski", "pl"),
    ("Romanian", "ro"),
    ("Albanian", "sq"),
    ("Shqip", "sq"),
    ("Turkish", "tr"),
    ("Türkçe", "tr"),
    ("Chinese", "zh"),
    ("Mandarin", "zh"),
    ("中文", "zh"),
    ("zh-Hans", "zh"),
    ("BSL", "bfi"),
    ("British Sign Language", "bfi"),
    ("English", "en"),
    ("eng", "en"),
]


@pytest.mark.parametrize("text, code", CODES)
def test_language_names_and_codes_in_english_and_their_own_script_become_iso_639_codes(text, code):
    assert language_code(text) == code


@pytest.mark.parametrize("text", ["Klingon", "", "xx", "Old English", "42"])
def test_unknown_languages_have_no_code(text):
    assert language_code(text) is None


@pytest.mark.parametrize(
    "code, name", [("ar", "Arabic"), ("prs", "Dari"), ("ti", "Tigrinya"), ("bfi", "British Sign Language")]
)
def test_a_language_sent_only_as_a_code_gets_its_name_from_the_table(code, name):
    notes = Notes()
    assert normalise_language({"code": code}, notes, "l") == {"code": code, "name": name}
    assert notes.warnings == []


def test_a_name_without_a_code_gets_the_code_and_keeps_the_name_as_sent():
    assert normalise_language({"name": "العربية"}, Notes(), "l") == {"name": "العربية", "code": "ar"}


def test_a_three_letter_code_becomes_the_two_letter_one():
    assert normalise_language({"name": "Urdu", "code": "urd"}, Notes(), "l")["code"] == "ur"


def test_dari_named_with_the_persian_code_is_dari():
    notes = Notes()
    assert normalise_language({"name": "Dari", "code": "fa"}, notes, "l")["code"] == "prs"
    assert notes.warnings == []


def test_a_code_contradicting_the_name_keeps_the_code_with_a_warning():
    notes = Notes()
    assert normalise_language({"name": "Arabic", "code": "fr"}, notes, "l") == {
        "name": "Arabic",
        "code": "fr",
    }
    assert notes.warnings == ["l: code 'fr' and name 'Arabic' name different languages; kept the code"]


def test_an_unknown_code_is_replaced_by_the_code_of_a_known_name_with_a_warning():
    notes = Notes()
    assert normalise_language({"name": "Somali", "code": "somali-lang"}, notes, "l")["code"] == "so"
    assert notes.warnings == ["l: language code 'somali-lang' is not known; used 'so' from the name 'Somali'"]


def test_an_unknown_language_is_kept_as_sent_with_a_warning():
    notes = Notes()
    assert normalise_language({"name": "Klingon", "note": "ask"}, notes, "l") == {
        "name": "Klingon",
        "note": "ask",
    }
    assert notes.warnings == ["l: language 'Klingon' is not one Harbour knows; kept as sent"]


def _ctx() -> NormaliseContext:
    return NormaliseContext("lang-feed", "GB", "Europe/London", CategoryMapper([]))


def _service(**extra) -> dict:
    return {"id": "s1", "name": "Advice", "status": "active", "organization_id": "o1"} | extra


def test_one_language_record_naming_several_languages_becomes_one_record_each():
    record = _service(languages=[{"id": "l1", "name": "Arabic, Dari and Tigrinya", "note": "staff"}])
    languages = normalise_service(record, _ctx()).record["languages"]
    assert [(lang["code"], lang["name"], lang["note"]) for lang in languages] == [
        ("ar", "Arabic", "staff"),
        ("prs", "Dari", "staff"),
        ("ti", "Tigrinya", "staff"),
    ]
    assert len({lang["id"] for lang in languages}) == 3


def test_languages_given_as_plain_strings_become_language_records():
    record = _service(languages=["Arabic", "uk"])
    languages = normalise_service(record, _ctx()).record["languages"]
    assert [(lang["code"], lang["name"]) for lang in languages] == [("ar", "Arabic"), ("uk", "Ukrainian")]


def test_the_same_language_twice_in_one_list_is_kept_once():
    record = _service(languages=[{"name": "Arabic"}, {"code": "ara"}, {"name": "French"}])
    languages = normalise_service(record, _ctx()).record["languages"]
    assert [lang["code"] for lang in languages] == ["ar", "fr"]


def test_languages_of_phones_and_locations_are_normalised_too():
    record = _service(
        phones=[{"number": "111", "languages": [{"name": "Farsi"}]}],
        service_at_locations=[
            {"location": {"id": "L1", "location_type": "virtual", "languages": [{"code": "PS"}]}}
        ],
    )
    clean = normalise_service(record, _ctx()).record
    assert clean["phones"][0]["languages"][0]["code"] == "fa"
    assert clean["service_at_locations"][0]["location"]["languages"][0] | {
        "id": None,
        "location_id": None,
    } == {
        "code": "ps",
        "name": "Pashto",
        "id": None,
        "location_id": None,
    }
