"""Taxonomy mapping of real feeds' terms: longest prefix, AIRS by shape, suggestions by name."""

from __future__ import annotations

import pytest

from directory.hsds.assemble import assemble_service
from directory.sync.feeds import Feed, add_feed
from directory.sync.normalise import CategoryMapper
from directory.sync.normalise.categories import code_prefixes, is_airs_code
from directory.sync.normalise.suggest import Suggester
from directory.sync.run import sync_feed
from directory.taxonomy.feed_terms import unmapped_terms
from directory.taxonomy.load import read_taxonomy
from tests.sync.feed_server import FeedServer
from tests.sync.fixtures.formats import schema_errors
from tests.sync.helpers import serve_services, service

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


# -- a 211 feed, synced over real HTTP --------------------------------------------------------

VOCABULARY = "Kingsmere 211 Taxonomy"  # the feed's own name for its copy of AIRS


def _tagged(n: int, *terms: tuple[str, str]) -> dict:
    record = service(n)
    record["attributes"] = [
        {"id": f"at-{n}-{i}", "taxonomy_term": {"id": f"tt-{code}", "code": code, "name": name, "taxonomy": VOCABULARY}}
        for i, (code, name) in enumerate(terms)
    ]
    return record


def services_211() -> list[dict]:
    return [
        _tagged(1, ("BD-1800.2000-620", "Brown Bag Food Programs")),
        _tagged(2, ("LV-1600.1500", "Dental Exams"), ("YF-3000.7000", "Refugees")),
        _tagged(3, ("K-LOCAL-7", "Banco de alimentos")),
        _tagged(4, ("K-LOCAL-9", "استشارات اللجوء")),
        _tagged(5, ("K-LOCAL-7", "Banco de alimentos")),
        _tagged(6),
    ]


def harbour_codes(instance, source_id: str, feed: str = "kingsmere-211") -> list[str]:
    """The Harbour terms of the feed's service `source_id`, as stored."""
    db = instance.directory()
    try:
        return [code for (code,) in db.execute(
            "SELECT t.code FROM provenance p JOIN attributes a ON a.link_id = p.record_id"
            " JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id WHERE p.source_id = ? AND p.table_name = 'services'"
            " AND p.source = ? ORDER BY t.code", [source_id, f"feed:{feed}"])]  # fmt: skip
    finally:
        db.close()


@pytest.fixture
def feed_211(empty_instance):
    with FeedServer() as server:
        db, private = empty_instance.directory(), empty_instance.private()
        add_feed(db, private, Feed("kingsmere-211", serve_services(server, services_211()), "hsds-json", allow_private=True))
        db.close()
        private.close()
        yield empty_instance, server


def test_airs_codes_under_a_vocabulary_of_its_own_land_in_the_right_harbour_categories(feed_211):
    instance, _ = feed_211
    report = sync_feed(instance, "kingsmere-211")
    assert report.created == 6
    assert harbour_codes(instance, "svc-1") == ["food-banks"]
    assert harbour_codes(instance, "svc-2") == ["for-migrants", "health-dental"]
    db = instance.directory()
    try:
        service_id = db.execute("SELECT record_id FROM provenance WHERE source_id = 'svc-2'").fetchone()[0]
        assert schema_errors(assemble_service(db, service_id)) == []
    finally:
        db.close()


def test_the_report_counts_each_unmapped_term_once_and_each_uncategorised_service(feed_211):
    instance, _ = feed_211
    summary = sync_feed(instance, "kingsmere-211").as_json()
    assert summary["unmapped_terms"]["count"] == 2  # two distinct terms, one of them on two services
    [banco, asylum] = [e["what"] for e in summary["unmapped_terms"]["examples"]]
    assert "K-LOCAL-7 “Banco de alimentos”" in banco and "2 services carry it" in banco
    assert "suggested: Food banks and parcels (food-banks)" in banco
    assert "suggested: Asylum and immigration advice (legal-immigration)" in asylum
    assert summary["uncategorised"]["count"] == 4
    assert {e["record"] for e in summary["uncategorised"]["examples"]} == {"svc-3", "svc-4", "svc-5", "svc-6"}


def test_the_feeds_unmapped_terms_are_kept_with_counts_and_suggestions_after_the_run(feed_211):
    instance, server = feed_211
    sync_feed(instance, "kingsmere-211")
    serve_services(server, services_211()[2:])  # svc-1 and svc-2 withdrawn: nothing changes for the terms
    again = sync_feed(instance, "kingsmere-211")
    assert again.as_json()["unmapped_terms"]["count"] == 2  # unchanged services still carry their terms
    db = instance.directory()
    try:
        kept = {(t.code, t.services, t.suggested.code if t.suggested else None) for t in unmapped_terms(db, "kingsmere-211")}
    finally:
        db.close()
    assert kept == {("K-LOCAL-7", 2, "food-banks"), ("K-LOCAL-9", 1, "legal-immigration")}
