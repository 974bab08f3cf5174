"""Categories: feed terms mapped onto the Harbour taxonomy of a real directory.db."""

from __future__ import annotations

import pytest

from directory.ids import term_id
from directory.instance import init_instance
from directory.store import Source, save_record
from directory.sync.normalise import CategoryMapper, NormaliseContext, normalise_service
from directory.taxonomy.load import read_taxonomy


@pytest.fixture(scope="module")
def directory_db(tmp_path_factory):
    instance = init_instance(tmp_path_factory.mktemp("categories"))
    db = instance.directory()
    yield db
    db.close()


@pytest.fixture(scope="module")
def mapper(directory_db) -> CategoryMapper:
    return CategoryMapper.from_db(directory_db)


MAPPED = [
    ("open-eligibility", "emergency-food", "Emergency Food", "food-banks"),
    ("open-eligibility", "EMERGENCY-FOOD", None, "food-banks"),
    ("Open Eligibility", "counseling", None, "psychosocial-counselling"),
    ("open-eligibility", "oe-1234", "Dental Care", "health-dental"),
    ("hxl-sector", "protection", "Protection", "legal"),
    ("hxl", "Food Security", None, "food"),
    ("211la", "BD-1800.2000", "Food Pantries", "food-banks"),
    ("211 LA", "rp-1500.1400", None, "psychosocial-crisis"),
    ("feed", "legal", None, "legal"),
    ("feed", "x-99", "Legal help", "legal"),
    ("oruk", "", "English classes (ESOL)", "education-english"),
    ("feed", None, "No immigration-status check", "no-status-check"),
    ("feed", "", "Aide juridique", "legal"),
    ("feed", "", "المساعدة القانونية", "legal"),
    ("feed", "", "Юридична допомога", "legal"),
    ("Kingsmere 211 Taxonomy", "BD-1800.2000-620", "Brown Bag Food Programs", "food-banks"),  # AIRS by shape
    ("", "LV-1600.1500", None, "health-dental"),  # and by longest prefix
    ("airs", "YF-3000.7000", "Refugees", "for-migrants"),
]


@pytest.mark.parametrize("scheme, code, label, harbour_code", MAPPED)
def test_feed_terms_map_by_scheme_code_then_label_then_harbour_code_or_name(
    mapper, scheme, code, label, harbour_code
):
    term = mapper.lookup(scheme, code, label)
    assert term is not None and term.code == harbour_code
    assert term.id == term_id(harbour_code)


@pytest.mark.parametrize(
    "scheme, code, label",
    [
        ("open-eligibility", "nonsense", "Nonsense"),
        ("hxl-sector", "wash", "Water Sanitation Hygiene"),
        ("feed", "", ""),
    ],
)
def test_terms_with_no_mapping_and_no_harbour_match_are_unmapped(mapper, scheme, code, label):
    assert mapper.lookup(scheme, code, label) is None


def test_the_mapper_from_the_database_agrees_with_the_taxonomy_file(mapper):
    from_file = CategoryMapper.from_taxonomy(read_taxonomy())
    for scheme, code, label, _ in MAPPED[:12]:
        assert from_file.lookup(scheme, code, label) == mapper.lookup(scheme, code, label)


def _ctx(mapper) -> NormaliseContext:
    return NormaliseContext("cat-feed", "GB", "Europe/London", mapper)


def _category(code, name, scheme, attr_id="a1"):
    return {
        "id": attr_id,
        "link_type": "category",
        "taxonomy_term": {"id": f"t-{attr_id}", "code": code, "name": name, "taxonomy": scheme},
    }


def _service(attributes) -> dict:
    return {
        "id": "s1",
        "name": "Food bank",
        "status": "active",
        "organization_id": "o1",
        "attributes": attributes,
    }


def test_a_mapped_attribute_points_at_the_harbour_term_without_the_feed_term(mapper):
    result = normalise_service(
        _service([_category("emergency-food", "Emergency Food", "open-eligibility")]), _ctx(mapper)
    )
    [attribute] = result.record["attributes"]
    assert attribute["taxonomy_term_id"] == term_id("food-banks")
    assert "taxonomy_term" not in attribute
    assert attribute["link_type"] == "category"
    assert attribute["link_id"] == result.record["id"] and attribute["link_entity"] == "service"
    assert result.unmapped_terms == set()


def test_a_safety_attribute_is_linked_as_an_attribute(mapper):
    record = _service(
        [{"id": "x", "taxonomy_term": {"code": "no-id-needed", "name": "No ID needed", "taxonomy": "feed"}}]
    )
    [attribute] = normalise_service(record, _ctx(mapper)).record["attributes"]
    assert (attribute["taxonomy_term_id"], attribute["link_type"]) == (term_id("no-id-needed"), "attribute")


def test_an_unmapped_attribute_is_dropped_and_reported(mapper):
    record = _service(
        [
            _category("emergency-food", "Emergency Food", "open-eligibility", "a1"),
            _category("wash", "WASH", "hxl-sector", "a2"),
        ]
    )
    result = normalise_service(record, _ctx(mapper))
    assert [a["taxonomy_term_id"] for a in result.record["attributes"]] == [term_id("food-banks")]
    assert result.unmapped_terms == {("hxl-sector", "wash", "WASH")}


def test_two_feed_terms_for_one_harbour_term_become_one_attribute(mapper):
    record = _service(
        [
            _category("emergency-food", "Emergency Food", "open-eligibility", "a1"),
            _category("BD-1800.2000", "Food Pantries", "211la", "a2"),
        ]
    )
    assert len(normalise_service(record, _ctx(mapper)).record["attributes"]) == 1


def test_an_attribute_already_pointing_at_a_harbour_term_is_kept(mapper):
    record = _service(
        [{"id": "a", "link_type": "category", "taxonomy_term_id": term_id("legal-immigration")}]
    )
    [attribute] = normalise_service(record, _ctx(mapper)).record["attributes"]
    assert attribute["taxonomy_term_id"] == term_id("legal-immigration")


def test_an_attribute_pointing_at_an_unknown_term_id_is_dropped_and_reported(mapper):
    unknown = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    result = normalise_service(_service([{"id": "a", "taxonomy_term_id": unknown}]), _ctx(mapper))
    assert result.record["attributes"] == []
    assert result.unmapped_terms == {("feed", unknown, "")}


def test_attributes_of_nested_records_are_mapped_too(mapper):
    record = _service([])
    record["service_at_locations"] = [
        {
            "location": {
                "id": "L1",
                "location_type": "physical",
                "attributes": [_category("shelter", "Shelter", "hxl")],
            }
        }
    ]
    location = normalise_service(record, _ctx(mapper)).record["service_at_locations"][0]["location"]
    assert location["attributes"][0]["taxonomy_term_id"] == term_id("housing")
    assert (location["attributes"][0]["link_id"], location["attributes"][0]["link_entity"]) == (
        location["id"],
        "location",
    )


def test_a_normalised_record_with_categories_is_stored_and_listed_under_its_harbour_category(
    directory_db, mapper
):
    record = {
        "id": "svc-77",
        "name": "Saturday food parcels",
        "status": "active",
        "organization": {"id": "org-77", "name": "Kingsmere Pantry", "description": "A community pantry."},
        "attributes": [
            _category("emergency-food", "Emergency Food", "open-eligibility", "a1"),
            {"id": "a2", "taxonomy_term": {"code": "free", "name": "Free", "taxonomy": "feed"}},
        ],
    }
    result = normalise_service(record, _ctx(mapper))
    with directory_db.atomic():
        save_record(directory_db, "services", result.record, Source("feed:cat-feed"), result.source_id)
    rows = directory_db.execute(
        "SELECT t.code FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id WHERE a.link_id = ? ORDER BY t.code",
        [result.record["id"]],
    ).fetchall()
    assert [code for (code,) in rows] == ["food-banks", "free"]


def test_an_airs_code_under_a_vocabulary_of_its_own_becomes_a_harbour_category_of_the_record(mapper):
    record = _service([_category("BD-1800.2000-620", "Brown Bag Food Programs", "Kingsmere 211 Taxonomy")])
    result = normalise_service(record, _ctx(mapper))
    assert [a["taxonomy_term_id"] for a in result.record["attributes"]] == [term_id("food-banks")]
    assert result.unmapped_terms == set()
