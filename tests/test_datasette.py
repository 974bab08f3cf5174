"""Datasette at /data/: only directory.db, links under the prefix, metadata, search, facets,
canned queries, the map; and the same publication from the standalone `datasette` command."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from directory.config import load_settings
from directory.hsds.api_filters import not_withdrawn
from directory.paths import PLUGINS_DIR, PROJECT_ROOT
from directory.web.datasette_metadata import CANNED_QUERIES, METADATA_FILE, build_metadata
from tests.conftest import free_port

LISTED = not_withdrawn("services", "s.id")


def query(data_dir: Path, sql: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data_dir / 'directory.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def client(demo_server):
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        yield client


def get(client: httpx.Client, path: str, params=None) -> httpx.Response:
    response = client.get(path, params=params)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    return response


def rows(client: httpx.Client, path: str, params=None) -> list[dict]:
    return get(client, path, {"_shape": "array", **(params or {})}).json()


# --- publishing directory.db, and only it -------------------------------------------------------


def test_only_the_directory_database_is_published(client):
    databases = get(client, "/data/.json").json()
    assert list(databases) == ["directory"]
    assert get(client, "/data/directory.json").json()["tables"], "directory.db itself, with its tables"


@pytest.mark.parametrize(
    "path",
    [
        "/data/",
        "/data/directory",
        "/data/directory/services",
        "/data/directory/services?_search=health",
        "/data/directory/locations",
        "/data/directory/services_by_category_and_language",
    ],
)
def test_pages_link_under_data_without_doubling_the_prefix(client, path):
    page = get(client, path).text
    assert "/data/data/" not in page
    local_links = re.findall(r'(?:href|src|action)="(/[^"]*)"', page)
    assert any(link.startswith("/data/directory") for link in local_links)
    outside = [link for link in local_links if not link.startswith(("/data/", "/hsds/"))]
    assert outside == [], f"{path} links outside /data/: {outside[:5]}"


def test_metadata_carries_the_instance_name_and_licence_from_harbour_toml(client, demo_server):
    settings = load_settings(demo_server.data_dir)
    database = get(client, "/data/directory.json").json()
    assert database["license"] == settings.licence
    assert database["source"] == settings.name
    on_disk = json.loads((demo_server.data_dir / METADATA_FILE).read_text())
    assert on_disk == build_metadata(settings), "the file for standalone use is written from harbour.toml"
    assert on_disk["title"] == settings.name and on_disk["description_html"]
    served_queries = database["queries"]
    assert {q["name"]: q["sql"] for q in served_queries} == {
        name: q["sql"] for name, q in on_disk["databases"]["directory"]["queries"].items()
    }
    assert settings.name in get(client, "/data/").text


def test_every_visible_table_and_column_is_described(client, demo_server):
    database = get(client, "/data/directory.json").json()
    served = json.loads((demo_server.data_dir / METADATA_FILE).read_text())  # what Datasette was given
    described = served["databases"]["directory"]["tables"]
    visible = [table for table in database["tables"] if not table["hidden"]]
    assert {"services", "translations", "provenance", "changes"} <= {t["name"] for t in visible}
    for table in visible:
        meta = described.get(table["name"], {})
        assert meta.get("description"), f"table {table['name']} has no description"
        missing = [c for c in table["columns"] if not meta.get("columns", {}).get(c)]
        assert missing == [], f"{table['name']}: columns without a description: {missing}"


# --- reading the data ---------------------------------------------------------------------------


def test_json_with_shape_array_lists_every_service_sorted_by_name(client, demo_server):
    services = rows(client, "/data/directory/services.json", {"_size": "max"})
    total = query(demo_server.data_dir, "SELECT count(*) FROM services")[0][0]
    assert len(services) == total and {"id", "name", "status"} <= set(services[0])
    names = [s["name"] for s in services]
    assert names == sorted(names), "services are sorted by name by default"


def test_foreign_keys_show_the_name_they_point_to(client):
    service = rows(client, "/data/directory/services.json", {"_labels": "on", "_size": 1})[0]
    organization = service["organization_id"]
    assert isinstance(organization, dict), "organization_id should come with its label"
    assert organization["label"] and organization["label"] != organization["value"]


def test_full_text_search_finds_an_english_word_and_an_arabic_word(client, demo_server):
    service_id, english_name, arabic_name = query(
        demo_server.data_dir,
        "SELECT s.id, s.name, t.text FROM services s JOIN translations t ON t.record_id = s.id"
        " AND t.table_name = 'services' AND t.field = 'name' AND t.language = 'ar'"
        " WHERE t.text != s.name ORDER BY s.name LIMIT 1",
    )[0]
    total = query(demo_server.data_dir, "SELECT count(*) FROM services")[0][0]
    for name in (english_name, arabic_name):
        word = max(name.split(), key=len)
        found = rows(client, "/data/directory/services.json", {"_search": word, "_size": "max"})
        assert service_id in {s["id"] for s in found}, f"searching {word!r} misses {english_name!r}"
        assert len(found) < total


def test_configured_facets_are_shown(client, demo_server):
    services = get(client, "/data/directory/services.json").json()
    assert "status" in services["facet_results"]
    assert services["suggested_facets"] == [], "suggest_facets is off"
    attributes = get(client, "/data/directory/attributes.json").json()["facet_results"]["taxonomy_term_id"]
    labels = {result["label"] for result in attributes["results"]}
    term_names = {row[0] for row in query(demo_server.data_dir, "SELECT name FROM taxonomy_terms")}
    assert labels and labels <= term_names, "the term facet shows term names, not ids"
    languages = get(client, "/data/directory/languages.json").json()["facet_results"]["code"]
    assert "ar" in {result["value"] for result in languages["results"]}


def test_cluster_map_plugin_is_loaded_and_maps_locations(client):
    page = get(client, "/data/directory/locations").text
    assert "/data/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js" in page
    assert 'DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = "latitude"' in page


# --- canned queries -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CANNED_QUERIES))
def test_every_canned_query_answers(client, name):
    answer = get(client, f"/data/directory/{name}.json", {"_shape": "objects"}).json()
    assert answer["rows"], f"{name} found nothing in the demo city"


def test_services_by_category_and_language_match_both(client, demo_server):
    found = rows(
        client,
        "/data/directory/services_by_category_and_language.json",
        {"category": "health", "language": "ar"},
    )
    expected = {
        row[0]
        for row in query(
            demo_server.data_dir,
            f"SELECT s.id FROM services s WHERE {LISTED}"
            " AND s.id IN (SELECT a.link_id FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id"
            "   WHERE t.code = 'health' OR t.parent_id = (SELECT id FROM taxonomy_terms WHERE code = 'health'))"
            " AND s.id IN (SELECT service_id FROM languages WHERE lower(code) = 'ar')",
        )
    }
    assert expected and {row["id"] for row in found} == expected
    everything = rows(client, "/data/directory/services_by_category_and_language.json", {"_size": "max"})
    assert len(everything) > len(found), "blank parameters match every listed service"


def test_no_id_or_status_check_query_lists_exactly_those_services(client, demo_server):
    found = rows(client, "/data/directory/services_without_id_or_status_checks.json", {"_size": "max"})
    expected = {
        row[0]
        for row in query(
            demo_server.data_dir,
            f"SELECT s.id FROM services s JOIN attributes a ON a.link_id = s.id JOIN taxonomy_terms t"
            f" ON t.id = a.taxonomy_term_id WHERE t.code IN ('no-id-needed', 'no-status-check') AND {LISTED}",
        )
    }
    assert expected and {row["id"] for row in found} == expected
    assert all("yes" in (row["no_id_needed"], row["no_status_check"]) for row in found)


def test_unverified_listings_query_finds_old_or_missing_assured_dates(client, demo_server):
    found = rows(client, "/data/directory/listings_not_verified_for_a_year.json", {"_size": "max"})
    year_ago = (date.today() - timedelta(days=365)).isoformat()
    recent = query(demo_server.data_dir, "SELECT id FROM services WHERE assured_date > ?", [year_ago])
    assert found and all(not row["assured_date"] or row["assured_date"] < year_ago for row in found)
    assert not {r[0] for r in recent} & {row["id"] for row in found}


# --- standalone ---------------------------------------------------------------------------------


def test_standalone_datasette_publishes_the_same_data_and_hsds_api(demo_server):
    port = free_port()
    command = [
        sys.executable, "-m", "datasette", str(demo_server.data_dir / "directory.db"),
        "--metadata", str(demo_server.data_dir / METADATA_FILE),
        "--plugins-dir", str(PLUGINS_DIR), "--setting", "suggest_facets", "off", "--port", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(process, url + "/.json")
        with (
            httpx.Client(base_url=url, timeout=30) as standalone,
            httpx.Client(base_url=demo_server.url) as served,
        ):
            on_disk = json.loads((demo_server.data_dir / METADATA_FILE).read_text())
            assert on_disk["title"] == load_settings(demo_server.data_dir).name
            assert f"<h1>{on_disk['title']}</h1>" in standalone.get("/").text
            queries = standalone.get("/directory.json").json()["queries"]
            assert {q["name"]: q["sql"] for q in queries} == {name: q["sql"] for name, q in CANNED_QUERIES.items()}
            ours = served.get("/hsds/services", params={"per_page": 5}).json()
            theirs = standalone.get("/hsds/services", params={"per_page": 5}).json()
            assert theirs == ours and ours["total_items"] > 0
            page = standalone.get("/directory/services").text
            assert 'href="/directory/services' in page and "/data/" not in page
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(process: subprocess.Popen, url: str) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited: {process.stdout.read()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"datasette did not answer {url}")


def test_services_can_be_narrowed_by_category_language_and_status_on_one_page(client, demo_server):
    data = get(client, "/data/directory/service_directory.json").json()
    facets = data["facet_results"]
    assert {"categories", "languages", "status"} <= set(facets)
    legal = next(f for f in facets["categories"]["results"] if f["value"] == "Legal help")
    expected = query(
        demo_server.data_dir,
        "SELECT count(DISTINCT a.link_id) FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id"
        " LEFT JOIN taxonomy_terms p ON p.id = t.parent_id WHERE coalesce(p.code, t.code) = 'legal'",
    )[0][0]
    assert legal["count"] == expected
    arabic = get(client, "/data/directory/service_directory.json", {"_facet_array": "languages",
                                                                      "languages__arraycontains": "ar",
                                                                      "_shape": "array"}).json()
    assert arabic and all("ar" in json.loads(row["languages"]) for row in arabic)
