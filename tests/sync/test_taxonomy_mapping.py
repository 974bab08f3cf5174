"""Taxonomy mapping of real feeds' terms: longest prefix, AIRS by shape, suggestions by name."""

from __future__ import annotations

import pytest

from directory.sync.normalise import CategoryMapper
from directory.sync.normalise.categories import code_prefixes, is_airs_code
from directory.sync.normalise.suggest import Suggester
from directory.taxonomy.load import read_taxonomy

AIRS_TOP_LEVELS = "BDFHJLNPRT"  # Y (target populations) alone says nothing about a service


@pytest.fixture(scope="module")
def mapper() -> CategoryMapper:
    return CategoryMapper.from_taxonomy(read_taxonomy())


@pytest.fixture(scope="module")
def suggester(mapper) -> Suggester:
    return Suggester(mapper)


def _code(term) -> str | None:
    return term.code if term is not None else None


def test_a_hierarchical_code_lists_its_ancestors_nearest_first():
    assert code_prefixes("BD-1800.2000-620.05", airs=True) == ["BD-1800.2000-620", "BD-1800.2000", "BD-1800", "BD", "B"]
    assert code_prefixes("101-01-03") == ["101-01", "101"]
    assert code_prefixes("legal") == []


@pytest.mark.parametrize("code", ["B", "BD", "BD-1800", "BD-1800.2000", "BD-1800.2000-620", "YF-3000.7000-100.05"])
def test_airs_shaped_codes_are_recognised(code):
    assert is_airs_code(code)


@pytest.mark.parametrize("code", ["legal", "bd-1800", "ABC", "BD-18", "BD1800", "101-01", "B-D"])
def test_codes_of_other_shapes_are_not_airs(code):
    assert not is_airs_code(code)


@pytest.mark.parametrize(
    "code, harbour",
    [
        ("BD-1800.2000-620", "food-banks"),  # mapped BD-1800.2000, one level up
        ("BD-1800.2000-620.05", "food-banks"),  # two levels up
        ("BD-1800.1900", "food-banks"),  # a sibling of a mapped code: its parent BD-1800
        ("BD-7000", "food"),  # only the section BD is known
        ("BT-4500", "housing"),  # only the top level B is known
        ("RP-1400.8000-020.15", "psychosocial-trauma"),  # the longest of RP-1400.8000-020, RP-1400.8000, RP-1400…
    ],
)
def test_airs_codes_map_by_their_longest_known_prefix(mapper, code, harbour):
    assert _code(mapper.lookup("211la", code, "")) == harbour


@pytest.mark.parametrize("scheme", ["Kingsmere 211 Taxonomy", "airs", "", None, "AIRS/211 LA County", "our-codes"])
def test_airs_codes_are_looked_up_as_airs_whatever_the_vocabulary_is_called(mapper, scheme):
    assert _code(mapper.lookup(scheme, "LV-1600.1500", "Teeth Cleaning")) == "health-dental"
    assert _code(mapper.lookup(scheme, "HH-0500.8000", "")) == "education-english"


def test_a_vocabulary_of_its_own_keeps_its_codes_even_when_they_look_like_airs(mapper):
    assert mapper.lookup("open-eligibility", "BD-1800", "") is None


def test_hyphenated_codes_of_other_vocabularies_map_by_prefix_within_their_vocabulary(mapper):
    assert _code(mapper.lookup("open-eligibility", "emergency-food-vouchers", "")) == "food-banks"
    assert mapper.lookup("hxl-sector", "emergency-food-vouchers", "") is None


@pytest.mark.parametrize("letter", AIRS_TOP_LEVELS)
def test_every_airs_top_level_maps(mapper, letter):
    assert mapper.lookup("211", letter + "Q-9999.9999", "") is not None


@pytest.mark.parametrize(
    "label, harbour",
    [
        ("Immigrants", "for-migrants"),
        ("Refugees", "for-migrants"),
        ("Asylum Seekers", "for-migrants"),
        ("Undocumented Immigrants", "no-status-check"),
        ("Trafficking Survivors", "legal-exploitation"),
        ("Women", "women-only"),
        ("LGBTQ+ Community", "lgbtq-friendly"),
        ("Children", "children-welcome"),
        ("Domestic Violence Survivors", "family-safety"),
        ("Interpretation/Translation", "interpreters"),
    ],
)
def test_airs_target_populations_and_access_sections_map_by_name_whatever_their_code(mapper, label, harbour):
    # A 211 may number a population differently; its AIRS name still says who the service is for.
    assert _code(mapper.lookup("Kingsmere 211 Taxonomy", "YZ-0000", label)) == harbour


def test_an_exact_mapping_wins_over_a_prefix(mapper):
    assert _code(mapper.lookup("211la", "RP-1400.8000-020", "")) == "psychosocial-trauma"
    assert _code(mapper.lookup("211la", "RP-1400.8000", "")) == "psychosocial-counselling"


@pytest.mark.parametrize(
    "label, harbour",
    [
        ("Banco de alimentos", "food-banks"),
        ("Asesoría de inmigración y extranjería", "legal-immigration"),
        ("Salud mental", "psychosocial-counselling"),  # the longer keyword, not "salud"
        ("Banques alimentaires", "food-banks"),
        ("Soins dentaires gratuits", "health-dental"),
        ("Aide aux victimes de violences conjugales", "family-safety"),
        ("دروس اللغة الإنجليزية للكبار", "education-english"),
        ("مساعدة قانونية", "legal"),
        ("بنك الطعام", "food-banks"),
        ("Brown Bag Food Programs", "food"),
        ("Atención dentaria", "health-dental"),
        ("Conseils en asile et en immigration", "legal-immigration"),
    ],
)
def test_an_unmapped_label_in_any_language_gets_the_right_suggestion(suggester, label, harbour):
    assert _code(suggester.suggest(label)) == harbour


def test_a_label_close_to_a_harbour_name_in_another_language_is_suggested(suggester):
    # "Clubes de conversacion" (no accent, plural typo) is the Spanish name of conversation clubs.
    assert _code(suggester.suggest("Clubs de conversacion")) == "education-conversation"


@pytest.mark.parametrize("label", ["", "Miscellaneous", "Zzz 42", "Juridische hulp"])
def test_a_label_that_says_nothing_known_gets_no_suggestion(suggester, label):
    assert suggester.suggest(label) is None
