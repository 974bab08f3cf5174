"""Deltas: what changed since a phone's version, exactly, small on the wire, and applied
by the phone's own code (pwa/delta.js, under Node) into the server's bundle byte for byte."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from directory.bundle.build import build_bundle
from directory.bundle.cache import encode
from directory.bundle.delta import build_delta
from directory.store import save_record, set_translation, tombstone
from directory.store.changes import latest_change, log_change
from tests.bundle_helpers import DEMO, add_notice, demo_services, served_version

BUNDLE_TOOL = Path(__file__).resolve().parent / "js" / "bundle_tool.mjs"








def delta_since(db, settings, language: str, since: int) -> dict:
    current = encode(language, build_bundle(db, language, settings))
    return build_delta(db, current.data, since, current.sha256)




def renamed(service: dict, name: str) -> dict:
    edited = copy.deepcopy(service)
    edited["name"] = name
    return edited


# --- one change, one small answer -----------------------------------------------------------


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_delta_for_one_edited_service_is_under_4096_bytes_compressed_and_holds_exactly_that_service(
    client, db, coding
):
    since = client.get("/bundle/manifest.json").json()["version"]
    service = demo_services()[10]
    save_record(db, "services", renamed(service, "Harbour test clinic"), DEMO)
    served_version(client, latest_change(db))
    for language in ("en", "ar"):
        response = client.get(f"/bundle/{language}/delta?since={since}", headers={"Accept-Encoding": coding})
        assert response.headers["content-encoding"] == coding
        assert int(response.headers["content-length"]) < 4096
        delta = response.json()
        assert [s["id"] for s in delta["upserts"]] == [service["id"]]
        assert delta["deletes"] == [] and delta["notice_upserts"] == [] and delta["notice_deletes"] == []
        assert "categories" not in delta


def test_withdrawn_service_is_a_tombstone_in_deletes_and_nothing_else(db, demo_instance):
    since = latest_change(db)
    withdrawn = demo_services()[3]["id"]
    assert tombstone(db, "services", withdrawn, DEMO)
    delta = delta_since(db, demo_instance.settings, "fr", since)
    assert delta["deletes"] == [withdrawn]
    assert delta["upserts"] == []


def test_version_zero_or_older_than_the_change_log_answers_the_full_bundle(db, demo_instance):
    assert "services" in delta_since(db, demo_instance.settings, "en", 0)
    since = latest_change(db) - 5
    db.execute("DELETE FROM changes WHERE seq < ?", [latest_change(db) - 2])  # a pruned log
    answer = delta_since(db, demo_instance.settings, "en", since)
    assert "upserts" not in answer and len(answer["services"]) > 100


def test_delta_where_most_services_changed_answers_the_full_bundle(db, demo_instance):
    since = latest_change(db)
    for service in demo_services():
        log_change(db, "services", service["id"], "update")
    assert "services" in delta_since(db, demo_instance.settings, "en", since)


# --- exactly the services a change reaches ---------------------------------------------------


def services_of(db, sql: str, value: str) -> set[str]:
    return {row[0] for row in db.execute(sql, [value]).fetchall()}


def test_renamed_organization_yields_only_its_services(db, demo_instance):
    since = latest_change(db)
    organization = db.execute(
        "SELECT organization_id FROM services GROUP BY organization_id HAVING count(*) >= 2 LIMIT 1"
    ).fetchone()[0]
    set_translation(db, "organizations", organization, "name", "ar", "منظمة مجربة")
    delta = delta_since(db, demo_instance.settings, "ar", since)
    expected = services_of(
        db, "SELECT id FROM services WHERE organization_id = ? AND status = 'active'", organization
    )
    assert {s["id"] for s in delta["upserts"]} == expected
    assert all(s["org"] == "منظمة مجربة" for s in delta["upserts"])
    assert delta["deletes"] == []  # its closed services were never on the phone


def test_translated_location_name_yields_only_the_services_at_it(db, demo_instance):
    since = latest_change(db)
    location = db.execute(
        "SELECT location_id FROM service_at_location GROUP BY location_id HAVING count(*) >= 2 LIMIT 1"
    ).fetchone()[0]
    set_translation(db, "locations", location, "name", "uk", "Тестове місце")
    delta = delta_since(db, demo_instance.settings, "uk", since)
    expected = services_of(db, "SELECT service_id FROM service_at_location WHERE location_id = ?", location)
    assert {s["id"] for s in delta["upserts"]} == expected
    assert delta["deletes"] == []


def test_translated_phone_description_yields_only_its_service(db, demo_instance):
    since = latest_change(db)
    phone, service = db.execute(
        "SELECT id, service_id FROM phones WHERE service_id IS NOT NULL AND description IS NOT NULL LIMIT 1"
    ).fetchone()
    set_translation(db, "phones", phone, "description", "es", "Número principal")
    delta = delta_since(db, demo_instance.settings, "es", since)
    assert [s["id"] for s in delta["upserts"]] == [service]
    assert any(p.get("description") == "Número principal" for p in delta["upserts"][0]["phones"])


def test_renamed_category_yields_its_services_and_the_new_category_list(db, demo_instance):
    since = latest_change(db)
    term = db.execute(
        "SELECT taxonomy_term_id FROM attributes a JOIN term_details d ON d.term_id = a.taxonomy_term_id"
        " WHERE d.kind = 'category' GROUP BY taxonomy_term_id ORDER BY count(*) LIMIT 1"
    ).fetchone()[0]
    set_translation(db, "taxonomy_terms", term, "name", "fr", "Catégorie d'essai")
    delta = delta_since(db, demo_instance.settings, "fr", since)
    assert {s["id"] for s in delta["upserts"]} == services_of(
        db, "SELECT link_id FROM attributes WHERE taxonomy_term_id = ?", term
    )
    assert next(c for c in delta["categories"] if c["id"] == term)["name"] == "Catégorie d'essai"
    assert delta["attributes"]


def test_new_notice_yields_the_notice_and_no_service(db, demo_instance):
    since = latest_change(db)
    add_notice(db, "notice-new")
    delta = delta_since(db, demo_instance.settings, "en", since)
    assert [n["id"] for n in delta["notice_upserts"]] == ["notice-new"]
    assert delta["upserts"] == [] and delta["deletes"] == []


def test_withdrawn_and_ended_notices_are_in_notice_deletes(db, demo_instance):
    add_notice(db, "notice-withdrawn")
    add_notice(db, "notice-ending", ends="2999-01-01T00:00:00Z")
    since = latest_change(db)
    db.execute("UPDATE notices SET withdrawn = '2026-01-02T00:00:00Z' WHERE id = 'notice-withdrawn'")
    log_change(db, "notices", "notice-withdrawn", "delete")
    # Ends between the phone's version and now, with no change logged for it.
    db.execute("UPDATE changes SET at = '2026-01-01T00:00:00Z' WHERE seq = ?", [since])
    db.execute("UPDATE notices SET ends = '2026-01-01T12:00:00Z' WHERE id = 'notice-ending'")
    log_change(db, "services", demo_services()[0]["id"], "update")
    delta = delta_since(db, demo_instance.settings, "en", since)
    assert delta["notice_deletes"] == ["notice-ending", "notice-withdrawn"]
    assert delta["notice_upserts"] == []


def test_change_to_a_table_the_bundle_does_not_carry_yields_nothing(db, demo_instance):
    since = latest_change(db)
    contact = db.execute("SELECT id FROM contacts LIMIT 1").fetchone()[0]
    log_change(db, "contacts", contact, "update")
    delta = delta_since(db, demo_instance.settings, "en", since)
    assert delta["upserts"] == [] and delta["deletes"] == [] and delta["version"] == since + 1


def test_change_to_a_record_that_is_gone_asks_for_the_full_bundle(db, demo_instance):
    since = latest_change(db)
    log_change(db, "locations", "a-purged-location", "delete")  # what purge() leaves behind
    assert "services" in delta_since(db, demo_instance.settings, "en", since)



# --- the phone's half: pwa/delta.js under Node ------------------------------------------------


def node_tool(*args: str) -> str:
    node = shutil.which("node")
    assert node, "node is needed to run the phone's delta code (make setup installs it)"
    result = subprocess.run([node, str(BUNDLE_TOOL), *args], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_javascript_reserialises_every_language_bundle_byte_for_byte(db, demo_instance, tmp_path):
    add_notice(db, "notice-for-everyone", ends="2999-01-01T00:00:00Z")
    for language in ("en", "ar", "uk", "ti"):
        built = encode(language, build_bundle(db, language, demo_instance.settings))
        path = tmp_path / f"{language}.json"
        path.write_bytes(built.body)
        assert node_tool("reserialise", str(path)) == built.sha256, language


def test_javascript_applies_a_mixed_delta_into_the_servers_bundle_exactly(db, demo_instance, tmp_path):
    settings = demo_instance.settings
    add_notice(db, "notice-b", starts="2026-02-01T00:00:00Z")
    old = encode("ar", build_bundle(db, "ar", settings))
    services = demo_services()
    # Renamed to sort first and last, a new service, a withdrawn one, a notice, a category.
    save_record(db, "services", renamed(services[5], "AAA first now"), DEMO)
    save_record(db, "services", renamed(services[6], "zzz last now"), DEMO)
    new_service = renamed(services[7], "A brand new service")
    new_service["id"] = "00000000-0000-4000-8000-000000000001"
    for key in ("phones", "schedules", "service_areas", "service_at_locations", "languages", "cost_options",
                "required_documents", "contacts", "attributes"):
        new_service.pop(key, None)
    save_record(db, "services", new_service, DEMO)
    tombstone(db, "services", services[8]["id"], DEMO)
    set_translation(db, "services", services[9]["id"], "name", "ar", "اسم جديد للخدمة")
    add_notice(db, "notice-a", starts="2026-03-01T00:00:00Z", severity="urgent")
    term = db.execute("SELECT term_id FROM term_details WHERE kind = 'category' LIMIT 1").fetchone()[0]
    set_translation(db, "taxonomy_terms", term, "name", "ar", "فئة جديدة")
    new = encode("ar", build_bundle(db, "ar", settings))
    delta = build_delta(db, new.data, old.version, new.sha256)
    assert "upserts" in delta and len(delta["upserts"]) < 20
    (tmp_path / "old.json").write_bytes(old.body)
    (tmp_path / "delta.json").write_text(json.dumps(delta, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "new.json"
    assert node_tool("apply", str(tmp_path / "old.json"), str(tmp_path / "delta.json"), str(out)) == new.sha256
    assert hashlib.sha256(out.read_bytes()).hexdigest() == new.sha256
