"""The HSDS 3.0 API at /hsds/: conformance to the official schemas, paging, filters, languages, errors.

Conformance is checked against the unmodified schemas in ../shared/hsds-3.0 through
a real `harbour serve`; expectations come from plain SQL on the same demo database.
"""

from __future__ import annotations

import json
import sqlite3
from functools import cache
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from directory.hsds.api_filters import fts_query, not_withdrawn
from directory.hsds.api_paging import page_of
from directory.hsds.api_params import MAX_PER_PAGE, PageRequest, ParamError, parse_datetime, parse_page
from directory.imports import import_path, read_records
from directory.paths import DEMO_DIR
from directory.store import Source, tombstone
from tests.conftest import HSDS_DIR

COMPILED = HSDS_DIR / "schema" / "compiled"
SCHEMA_BASE = "https://hsds.test/schema/"
LIST_SCHEMAS = {
    "services": "service_list.json",
    "organizations": "organization_list.json",
    "service_at_locations": "service_at_location_list.json",
}
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


# --- validators, compiled once ------------------------------------------------------------------


@cache
def compiled_validator(name: str) -> Draft202012Validator:
    schema = json.loads((COMPILED / name).read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def object_validator(name: str) -> Draft202012Validator:
    """A schema from schema/ (they refer to each other by file name), e.g. organization.json."""
    resources = [
        (SCHEMA_BASE + path.name, DRAFT202012.create_resource(json.loads(path.read_text())))
        for path in (HSDS_DIR / "schema").glob("*.json")
        if path.name != "openapi.json"
    ]
    registry = Registry().with_resources(resources)
    return Draft202012Validator(
        {"$ref": SCHEMA_BASE + name}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid(validator: Draft202012Validator, record: dict, what: str) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(record)
    ]
    assert not errors, f"{what} does not validate:\n" + "\n".join(errors[:10])


# --- helpers ------------------------------------------------------------------------------------


def query(data_dir: Path, sql: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data_dir / 'directory.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def listed_service_ids(data_dir: Path) -> set[str]:
    return {
        row[0]
        for row in query(data_dir, f"SELECT s.id FROM services s WHERE {not_withdrawn('services', 's.id')}")
    }


def get_json(client: httpx.Client, path: str, params=None, status: int = 200):
    response = client.get(path, params=params)
    assert response.status_code == status, f"{path} {params}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    return response.json()


def all_pages(client: httpx.Client, path: str, params: dict | None = None, per_page: int = 50) -> list[dict]:
    """Every page of a list, in order, checking the envelope of each."""
    pages, number = [], 1
    while True:
        page = get_json(client, path, {**(params or {}), "page": number, "per_page": per_page})
        assert set(page) == PAGE_KEYS
        assert page["page_number"] == number and page["size"] == len(page["contents"])
        pages.append(page)
        if page["last_page"]:
            return pages
        number += 1
        assert number <= page["total_pages"], f"{path}: last_page never came"


def items(pages: list[dict]) -> list[dict]:
    return [item for page in pages for item in page["contents"]]


@pytest.fixture
def client(demo_server):
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        yield client


# --- conformance --------------------------------------------------------------------------------


def test_every_demo_service_validates_as_a_full_hsds_service(client, demo_server):
    ids = listed_service_ids(demo_server.data_dir)
    assert len(ids) >= 150, "the demo city should have its ~200 services"
    for service_id in sorted(ids):
        record = get_json(client, f"/hsds/services/{service_id}")
        assert record["id"] == service_id
        assert_valid(compiled_validator("service_with_definitions.json"), record, f"service {service_id}")


@pytest.mark.parametrize("collection", sorted(LIST_SCHEMAS))
def test_every_list_item_on_every_page_validates(client, collection):
    pages = all_pages(client, f"/hsds/{collection}")
    assert items(pages), f"/hsds/{collection} is empty"
    for item in items(pages):
        assert_valid(
            compiled_validator(LIST_SCHEMAS[collection]), item, f"{collection} item {item.get('id')}"
        )


def test_full_service_list_items_validate_as_full_services(client):
    page = get_json(client, "/hsds/services", {"full": "true", "per_page": 40})
    assert any(item.get("service_at_locations") for item in page["contents"]), (
        "full=true should nest locations"
    )
    for item in page["contents"]:
        assert_valid(
            compiled_validator("service_with_definitions.json"), item, f"full list item {item['id']}"
        )


def test_organization_taxonomy_and_service_at_location_records_validate(client):
    organization = get_json(client, "/hsds/organizations", {"per_page": 1})["contents"][0]
    record = get_json(client, f"/hsds/organizations/{organization['id']}")
    assert_valid(object_validator("organization.json"), record, "organization")
    assert record["services"], "an organization record lists the services it runs"
    terms = items(all_pages(client, "/hsds/taxonomy_terms"))
    for term in terms:
        assert_valid(object_validator("taxonomy_term.json"), term, f"taxonomy term {term['id']}")
    taxonomy = get_json(client, f"/hsds/taxonomies/{terms[0]['taxonomy_id']}")
    assert_valid(object_validator("taxonomy.json"), taxonomy, "taxonomy")
    link = get_json(client, "/hsds/service_at_locations", {"per_page": 1})["contents"][0]
    full_link = get_json(client, f"/hsds/service_at_locations/{link['id']}")
    assert_valid(object_validator("service_at_location.json"), full_link, "service_at_location")


def test_root_says_hsds_3_and_points_to_the_official_openapi(client):
    about = get_json(client, "/hsds/")
    assert client.get("/hsds/").headers["access-control-allow-origin"] == "*", (
        "open data, readable from any origin"
    )
    assert about["version"] == "3.0"
    assert about["openapi_url"].startswith(
        "https://raw.githubusercontent.com/openreferral/specification/3.0/"
    )
    assert about["profile"].startswith("https://")


# --- paging -------------------------------------------------------------------------------------


def test_pages_add_up_to_total_items_and_the_last_page_is_marked(client, demo_server):
    pages = all_pages(client, "/hsds/services", per_page=7)
    total = pages[0]["total_items"]
    assert total == len(listed_service_ids(demo_server.data_dir))
    assert sum(page["size"] for page in pages) == total
    assert len({item["id"] for item in items(pages)}) == total, "no service twice across pages"
    assert len(pages) == pages[0]["total_pages"] == -(-total // 7)
    assert [page["last_page"] for page in pages] == [False] * (len(pages) - 1) + [True]
    assert [page["first_page"] for page in pages] == [True] + [False] * (len(pages) - 1)
    beyond = get_json(client, "/hsds/services", {"page": len(pages) + 1, "per_page": 7})
    assert beyond["empty"] and beyond["last_page"] and beyond["contents"] == []


def test_services_come_sorted_by_name(client):
    names = [item["name"] for item in items(all_pages(client, "/hsds/services", per_page=100))]
    ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # SQLite's NOCASE
    assert len(names) > 100 and names == sorted(names, key=lambda name: name.translate(ascii_lower))


def test_per_page_defaults_to_50_and_is_capped_at_500(client):
    assert get_json(client, "/hsds/services")["size"] == 50
    page = get_json(client, "/hsds/services", {"per_page": 10_000})
    assert page["size"] == min(page["total_items"], MAX_PER_PAGE)
    assert page["total_pages"] == -(-page["total_items"] // MAX_PER_PAGE)


def test_page_envelope_of_an_empty_result():
    assert page_of([], 0, PageRequest(1, 50)) == {
        "total_items": 0, "total_pages": 0, "page_number": 1, "size": 0,
        "first_page": True, "last_page": True, "empty": True, "contents": [],
    }  # fmt: skip


# --- filters ------------------------------------------------------------------------------------


def test_taxonomy_term_filter_finds_the_services_filed_under_the_term_or_beneath_it(client, demo_server):
    data_dir = demo_server.data_dir
    (health,) = query(data_dir, "SELECT id FROM taxonomy_terms WHERE code = 'health'")[0]
    terms = {health} | {
        row[0] for row in query(data_dir, "SELECT id FROM taxonomy_terms WHERE parent_id = ?", [health])
    }
    marks = ",".join("?" * len(terms))
    expected = listed_service_ids(data_dir) & {
        row[0]
        for row in query(
            data_dir, f"SELECT link_id FROM attributes WHERE taxonomy_term_id IN ({marks})", list(terms)
        )
    }
    found = items(all_pages(client, "/hsds/services", {"taxonomy_term_id": health}))
    assert expected and {item["id"] for item in found} == expected
    assert len(found) < len(listed_service_ids(data_dir))


def test_organization_filter_finds_only_that_organizations_services(client, demo_server):
    organization_id, count = query(
        demo_server.data_dir,
        f"SELECT organization_id, count(*) FROM services s WHERE {not_withdrawn('services', 's.id')}"
        " GROUP BY organization_id ORDER BY count(*) DESC LIMIT 1",
    )[0]
    found = items(all_pages(client, "/hsds/services", {"organization_id": organization_id}))
    assert len(found) == count >= 2
    assert {item["organization"]["id"] for item in found} == {organization_id}


def test_search_finds_services_by_an_english_and_by_an_arabic_word(client, demo_server):
    service_id, english_name, arabic_name = arabic_named_service(demo_server.data_dir)
    total = get_json(client, "/hsds/services", {"per_page": 1})["total_items"]
    for text in (longest_word(english_name), longest_word(arabic_name)):
        found = items(all_pages(client, "/hsds/services", {"search": text}))
        assert service_id in {item["id"] for item in found}, f"search {text!r} misses {english_name!r}"
        assert len(found) < total, f"search {text!r} does not narrow anything"


def test_search_takes_fts_syntax_literally():
    assert fts_query('health NEAR "clinic') == '"health"* "NEAR"* """clinic"*'
    assert fts_query("  ?? !! ") is None


def test_modified_after_lists_only_services_changed_since(demo_instance, server_for, tmp_path):
    db = demo_instance.directory()
    db.execute("UPDATE changes SET at = '2020-01-01T00:00:00Z'")  # the demo city was loaded long ago
    records = [record for table, record in read_records(DEMO_DIR / "services.json")[0] if table == "services"]
    changed = dict(records[0], name=records[0]["name"] + " (moved upstairs)")
    (tmp_path / "changed.json").write_text(json.dumps([changed]))
    import_path(db, tmp_path / "changed.json", Source("demo"))
    db.close()
    with httpx.Client(base_url=server_for(demo_instance).url, timeout=30) as client:
        recent = get_json(client, "/hsds/services", {"modified_after": "2021-06-01T00:00:00Z"})
        everything = get_json(client, "/hsds/services", {"modified_after": "2019-06-01T00:00:00+02:00"})
    assert [item["id"] for item in recent["contents"]] == [changed["id"]]
    assert recent["contents"][0]["name"].endswith("(moved upstairs)")
    assert everything["total_items"] > 100


def test_a_withdrawn_service_disappears_from_the_api(demo_instance, server_for):
    db = demo_instance.directory()
    service_id = min(listed_service_ids(demo_instance.data_dir))
    before = len(listed_service_ids(demo_instance.data_dir))
    assert tombstone(db, "services", service_id, Source("demo"))
    db.close()
    with httpx.Client(base_url=server_for(demo_instance).url, timeout=30) as client:
        pages = all_pages(client, "/hsds/services", per_page=500)
        gone = get_json(client, f"/hsds/services/{service_id}", status=404)
    assert pages[0]["total_items"] == before - 1
    assert service_id not in {item["id"] for item in items(pages)}
    assert service_id in gone["error"]


# --- languages ----------------------------------------------------------------------------------


def arabic_named_service(data_dir: Path) -> tuple[str, str, str]:
    """(id, English name, Arabic name) of a listed service whose name is translated into Arabic."""
    return query(
        data_dir,
        "SELECT s.id, s.name, t.text FROM services s JOIN translations t ON t.record_id = s.id"
        " AND t.table_name = 'services' AND t.field = 'name' AND t.language = 'ar'"
        f" WHERE {not_withdrawn('services', 's.id')} AND t.text != s.name ORDER BY s.name LIMIT 1",
    )[0]


def longest_word(text: str) -> str:
    return max((w.strip(".,:;()«»\"'") for w in text.split()), key=len)


def test_lang_ar_returns_arabic_names_with_the_source_text_as_fallback(client, demo_server):
    service_id, english_name, arabic_name = arabic_named_service(demo_server.data_dir)
    english = get_json(client, f"/hsds/services/{service_id}")
    arabic = get_json(client, f"/hsds/services/{service_id}", {"lang": "ar"})
    assert english["name"] == english_name and arabic["name"] == arabic_name
    untranslated = {
        field
        for field, value in english.items()
        if isinstance(value, str)
        and not query(
            demo_server.data_dir,
            "SELECT 1 FROM translations WHERE record_id = ? AND field = ? AND language = 'ar'",
            [service_id, field],
        )
    }
    assert untranslated and all(arabic[field] == english[field] for field in untranslated)
    listed = get_json(client, "/hsds/services", {"lang": "ar", "organization_id": english["organization_id"]})
    assert arabic_name in {item["name"] for item in listed["contents"]}


def test_lang_ar_translates_taxonomy_terms_listed_and_nested(client, demo_server):
    term_id, arabic = query(
        demo_server.data_dir,
        "SELECT t.id, tr.text FROM taxonomy_terms t JOIN translations tr ON tr.record_id = t.id"
        " AND tr.table_name = 'taxonomy_terms' AND tr.field = 'name' AND tr.language = 'ar'"
        " WHERE t.id IN (SELECT taxonomy_term_id FROM attributes) LIMIT 1",
    )[0]
    terms = items(all_pages(client, "/hsds/taxonomy_terms", {"lang": "ar"}))
    assert {t["id"]: t["name"] for t in terms}[term_id] == arabic
    service = get_json(
        client, "/hsds/services", {"taxonomy_term_id": term_id, "per_page": 1, "full": "true", "lang": "ar"}
    )
    nested = [
        a["taxonomy_term"] for a in service["contents"][0]["attributes"] if a["taxonomy_term_id"] == term_id
    ]
    assert nested and nested[0]["name"] == arabic


# --- errors -------------------------------------------------------------------------------------


def test_unknown_records_and_endpoints_answer_404_json(client):
    assert get_json(client, "/hsds/services/no-such-service", status=404)["status"] == 404
    assert "organization" in get_json(client, "/hsds/organizations/nope", status=404)["error"]
    assert get_json(client, "/hsds/no_such_list", status=404)["status"] == 404
    assert get_json(client, "/hsds/services/a/b", status=404)["status"] == 404


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "-5"}, "per_page"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"full": "perhaps"}, "full"),
        ({"lang": "<script>"}, "lang"),
    ],
)
def test_invalid_parameters_answer_400_json_naming_the_parameter(client, params, parameter):
    body = get_json(client, "/hsds/services", params, status=400)
    assert body["parameter"] == parameter and f"'{parameter}'" in body["error"]


def test_page_parameters_parse_as_documented():
    assert parse_page({}) == PageRequest(1, 50)
    assert parse_page({"page": " 3 ", "per_page": "20"}) == PageRequest(3, 20)
    assert parse_page({"per_page": "501"}).per_page == MAX_PER_PAGE
    with pytest.raises(ParamError, match="page"):
        parse_page({"page": "1.5"})
    assert parse_datetime({"m": "2024-05-01T11:30:00+02:00"}, "m") == "2024-05-01T09:30:00Z"
    assert parse_datetime({"m": "2024-05-01"}, "m") == "2024-05-01T00:00:00Z"
