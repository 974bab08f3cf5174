"""Offline bundles: what `build_bundle` puts in them, and how /bundle/ serves them."""

from __future__ import annotations

import hashlib
import json
import re

from directory.bundle.build import build_bundle
from directory.bundle.cache import BundleCache, offer_latest
from directory.bundle.normalise import normalise
from directory.bundle.shell import service_worker_source, shell_files
from directory.config import UI_LANGUAGES
from directory.store import Source, save_record, set_translation, tombstone
from directory.store.changes import latest_change
from tests.bundle_helpers import DEMO, add_notice, demo_services, rebuilt, served_version


def arabic_names(db) -> dict[str, str]:
    rows = db.execute(
        "SELECT record_id, text FROM translations WHERE table_name = 'services' AND field = 'name' AND language = 'ar'"
    ).fetchall()
    return dict(rows)


# --- what a bundle holds ---------------------------------------------------------------


def test_every_active_demo_service_is_in_the_bundle_exactly_once(db, demo_instance):
    bundle = build_bundle(db, "en", demo_instance.settings)
    ids = [s["id"] for s in bundle["services"]]
    active = {s["id"] for s in demo_services() if s.get("status", "active") == "active"}
    assert len(active) > 100  # the demo city, not an empty directory
    assert len(ids) == len(set(ids))
    assert set(ids) == active


def test_inactive_demo_services_are_left_out(db, demo_instance):
    inactive = {s["id"] for s in demo_services() if s.get("status") not in (None, "active")}
    assert inactive, "the demo city should have closed services to leave out"
    ids = {s["id"] for s in build_bundle(db, "en", demo_instance.settings)["services"]}
    assert not ids & inactive


def test_withdrawn_service_is_absent_and_the_version_moves_on(db, demo_instance):
    before = build_bundle(db, "en", demo_instance.settings)
    withdrawn = before["services"][0]["id"]
    assert tombstone(db, "services", withdrawn, DEMO)
    after = build_bundle(db, "en", demo_instance.settings)
    assert withdrawn not in {s["id"] for s in after["services"]}
    assert len(after["services"]) == len(before["services"]) - 1
    assert after["version"] > before["version"]


def test_service_withdrawn_by_one_source_but_still_published_by_another_stays(db, demo_instance):
    service = demo_services()[0]
    save_record(db, "services", service, Source("feed:other"))  # a second publisher of it
    tombstone(db, "services", service["id"], DEMO)
    ids = {s["id"] for s in build_bundle(db, "en", demo_instance.settings)["services"]}
    assert service["id"] in ids


def test_arabic_bundle_has_arabic_names_where_translated(db, demo_instance):
    bundle = build_bundle(db, "ar", demo_instance.settings)
    translated = arabic_names(db)
    assert len(translated) > 100
    in_bundle = {s["id"]: s for s in bundle["services"]}
    for service_id, name in translated.items():
        if service_id in in_bundle:
            assert in_bundle[service_id]["name"] == name
            assert "name" not in in_bundle[service_id].get("fallback", [])
    assert bundle["language"] == "ar"
    assert any(re.search("[\u0600-\u06ff]", s["name"]) for s in bundle["services"])


def test_untranslated_text_falls_back_to_source_and_is_marked(db, demo_instance):
    service = demo_services()[0]
    db.execute(
        "DELETE FROM translations WHERE table_name = 'services' AND record_id = ? AND language = 'ar'", [service["id"]]
    )
    bundle = build_bundle(db, "ar", demo_instance.settings)
    entry = next(s for s in bundle["services"] if s["id"] == service["id"])
    assert entry["name"] == service["name"]
    assert {"name", "description"} <= set(entry["fallback"])


def test_source_language_bundle_marks_nothing_as_fallback(db, demo_instance):
    bundle = build_bundle(db, "en", demo_instance.settings)
    assert not [s["id"] for s in bundle["services"] if "fallback" in s]


def test_ukrainian_and_tigrinya_bundles_never_hold_a_blank_name_or_description(db, demo_instance):
    for language in ("uk", "ti"):  # demo translations cover uk; none cover ti
        for service in build_bundle(db, language, demo_instance.settings)["services"]:
            assert service["name"].strip(), service["id"]
            assert service.get("description", "x").strip(), service["id"]


def test_bundle_leaves_out_empty_values_below_its_fixed_top_level_keys(db, demo_instance):
    def empties(value, path="$"):
        if value is None or value == "" or value == [] or value == {}:
            yield path
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from empties(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from empties(item, f"{path}[{index}]")

    bundle = build_bundle(db, "ar", demo_instance.settings)
    # Every top-level key is always there (a delta replaces values, never adds keys).
    assert list(bundle) == [
        "version", "language", "source_language", "generated", "name", "timezone",
        "categories", "attributes", "notices", "services",
    ]
    found = [path for key, value in bundle.items() for path in empties(value, f"$.{key}") if path != "$.notices"]
    assert not found, found[:10]


def test_services_carry_the_details_the_detail_view_shows(db, demo_instance):
    services = build_bundle(db, "en", demo_instance.settings)["services"]
    for key in ("org", "categories", "locations", "phones", "schedules", "languages", "verified", "search"):
        assert sum(key in s for s in services) > len(services) / 2, key
    with_place = [loc for s in services for loc in s.get("locations", []) if "lat" in loc]
    assert with_place and all(-90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180 for loc in with_place)
    hours = [h for s in services for h in s.get("schedules", []) if "opens_at" in h]
    assert hours and all(re.fullmatch(r"\d\d:\d\d", h["opens_at"]) for h in hours)


def test_category_ids_and_attribute_codes_refer_to_the_bundle_lists(db, demo_instance):
    bundle = build_bundle(db, "fr", demo_instance.settings)
    categories = {c["id"] for c in bundle["categories"]}
    attributes = {a["code"] for a in bundle["attributes"]}
    assert "free" in attributes and len(categories) > 20
    for service in bundle["services"]:
        assert set(service.get("categories", [])) <= categories
        assert set(service.get("attributes", [])) <= attributes
    assert next(c for c in bundle["categories"] if c["code"] == "health")["name"] == "Santé"




def test_current_and_upcoming_notices_are_in_the_bundle_in_the_readers_language_with_fallback(db, demo_instance):
    service = demo_services()[0]["id"]
    health = db.execute("SELECT id FROM taxonomy_terms WHERE code = 'health'").fetchone()[0]
    add_notice(db, "now", severity="urgent", service_id=service, ends="2999-01-01T00:00:00Z")
    set_translation(db, "notices", "now", "title", "ar", "العيادة مغلقة")
    set_translation(db, "notices", "now", "body", "ar", "مغلقة للإصلاح.")
    add_notice(db, "upcoming", starts="2999-01-01T00:00:00Z", category_id=health, area="KM4")
    add_notice(db, "ended", ends="2026-01-02T00:00:00Z")
    add_notice(db, "withdrawn", withdrawn="2026-01-01T01:00:00Z")
    notices = build_bundle(db, "ar", demo_instance.settings)["notices"]
    assert notices == [
        {"id": "now", "title": "العيادة مغلقة", "body": "مغلقة للإصلاح.", "severity": "urgent",
         "service": service, "starts": "2026-01-01T00:00:00Z", "ends": "2999-01-01T00:00:00Z"},
        {"id": "upcoming", "title": "Clinic closed", "body": "Closed for repairs.", "severity": "warning",
         "category": health, "area": "KM4", "starts": "2999-01-01T00:00:00Z", "fallback": ["body", "title"]},
    ]
    english = build_bundle(db, "en", demo_instance.settings)["notices"]
    assert [n["title"] for n in english] == ["Clinic closed", "Clinic closed"]
    assert not any("fallback" in n for n in english)


def test_each_service_says_where_its_listing_comes_from(db, demo_instance):
    services = build_bundle(db, "en", demo_instance.settings)["services"]
    assert {json.dumps(s["source"]) for s in services} == {'{"kind": "demo"}'}
    record = demo_services()[1]
    publisher = record["organization_id"]
    db.execute("INSERT INTO feeds (name, format, publisher_id, added) VALUES (?, 'hsds-json', ?, '2026-01-01')",
               ["Kingsmere City Council feed", publisher])
    save_record(db, "services", record, Source("feed:Kingsmere City Council feed"))
    set_translation(db, "organizations", publisher, "name", "ar", "منظمة ناشرة")
    save_record(db, "services", demo_services()[2], Source("staff:editor"))
    by_id = {s["id"]: s for s in build_bundle(db, "ar", demo_instance.settings)["services"]}
    assert by_id[record["id"]]["source"] == {
        "kind": "feed", "names": ["Kingsmere City Council feed"], "by": ["منظمة ناشرة"]
    }
    assert by_id[demo_services()[2]["id"]]["source"] == {"kind": "staff"}


def test_arabic_search_text_is_normalised_without_article_or_marks(db, demo_instance):
    bundle = build_bundle(db, "ar", demo_instance.settings)
    with_article = [s for s in bundle["services"] if re.search(r"(^|\s)ال", s["name"])]
    assert with_article, "the demo should have Arabic names with the article"
    for service in with_article:
        assert service["search_name"] == normalise(service["name"])
        for text in (service["search_name"], service["search"]):
            assert not re.search(r"(^| )(ال|لل)\S\S", text), text
            assert not re.search("[\u064b-\u065f\u0623\u0625\u0622\u0629\u0649]", text), text


def test_translated_bundle_search_text_includes_the_source_name(db, demo_instance):
    bundle = build_bundle(db, "ar", demo_instance.settings)
    source_names = {s["id"]: s["name"] for s in demo_services()}
    service = next(s for s in bundle["services"] if "name" not in s.get("fallback", []))
    assert normalise(source_names[service["id"]]) in service["search"]


# --- how /bundle/ serves it ---------------------------------------------------------------


def test_manifest_lists_every_ui_language_with_a_content_hashed_url(client):
    manifest = client.get("/bundle/manifest.json").json()
    assert set(manifest["languages"]) == set(UI_LANGUAGES)
    for language, entry in manifest["languages"].items():
        assert entry["url"] == f"/bundle/{language}.{entry['sha256'][:16]}.json"
    assert manifest["delta_url"] == "/bundle/{lang}/delta?since={version}"
    delta = client.get(manifest["delta_url"].format(lang="ar", version=manifest["version"]))
    assert delta.status_code == 200 and delta.json()["language"] == "ar"


def test_manifest_hashes_and_sizes_match_the_bytes_served(client):
    manifest = client.get("/bundle/manifest.json").json()
    for language, entry in manifest["languages"].items():
        response = client.get(entry["url"])
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"], language
        assert len(response.content) == entry["bytes"], language
        assert response.json()["version"] == manifest["version"]
        assert response.json()["language"] == language


def test_bundle_is_served_immutable_and_brotli_compressed_when_accepted(client):
    url = client.get("/bundle/manifest.json").json()["languages"]["ar"]["url"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["content-encoding"] == "br"
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert int(zipped.headers["content-length"]) < int(gzipped.headers["content-length"])
    assert zipped.content == gzipped.content


def test_bundle_is_served_immutable_and_gzipped_when_accepted(client):
    url = client.get("/bundle/manifest.json").json()["languages"]["ar"]["url"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(zipped.content) / 2  # compressed on the wire
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == zipped.content  # the client unzipped the same bytes


def test_manifest_is_revalidated_not_cached_for_long(client):
    assert client.get("/bundle/manifest.json").headers["cache-control"] == "no-cache"


def test_unknown_bundle_file_is_not_found(client):
    assert client.get("/bundle/ar.0000000000000000.json").status_code == 404


def test_built_bundles_are_reused_until_the_version_changes(demo_instance):
    cache = BundleCache(demo_instance.directory, lambda: demo_instance.settings)
    first = cache.current()
    assert cache.current() is first
    db = demo_instance.directory()
    try:
        service_id = demo_services()[0]["id"]
        set_translation(db, "services", service_id, "name", "ti", "ኣገልግሎት ፈተነ")
    finally:
        db.close()
    assert cache.current() is first  # readers keep the last version while the new one builds aside
    second = rebuilt(cache, first)
    assert second is not first
    assert second["ti"].version > first["ti"].version
    assert cache.by_filename(first["ti"].filename) is first["ti"]  # the old file still answers


def test_a_bundle_rebuilt_aside_is_compressed_as_phones_asked_before_it_is_offered(demo_instance):
    cache = BundleCache(demo_instance.directory, lambda: demo_instance.settings)
    first = cache.current()
    first["ar"].encoded("br")  # phones asked for Arabic, brotli
    db = demo_instance.directory()
    try:
        set_translation(db, "services", demo_services()[0]["id"], "name", "ar", "خدمة للتجربة")
    finally:
        db.close()
    second = rebuilt(cache, first)
    assert second["ar"].version > first["ar"].version
    assert set(second["ar"]._encoded) == {"br"}  # made aside, not by the first phone to ask
    assert second["en"]._encoded == {}


def test_before_a_push_the_bundles_offered_include_the_change_it_announces(demo_instance):
    shared = BundleCache.for_instance(demo_instance)
    first = shared.current()
    db = demo_instance.directory()
    try:
        add_notice(db, "pushed-notice")
    finally:
        db.close()
    assert shared.current() is first  # a reader alone would still get the last version for a moment
    offer_latest(demo_instance)
    assert any(n["id"] == "pushed-notice" for n in shared.current()["en"].data["notices"])


def test_while_a_sync_is_writing_readers_keep_the_last_bundle_and_get_one_rebuild_after_it(demo_instance):
    import time

    from directory.clock import now_iso

    cache = BundleCache(demo_instance.directory, lambda: demo_instance.settings)
    first = cache.current()
    db = demo_instance.directory()
    try:
        db.execute("INSERT INTO feeds (name, format, added) VALUES ('city', 'hsds-json', ?)", [now_iso()])
        run = db.execute("INSERT INTO sync_runs (feed, started, result) VALUES ('city', ?, 'running')",
                         [now_iso()]).lastrowid  # fmt: skip
        set_translation(db, "services", demo_services()[0]["id"], "name", "ti", "ኣገልግሎት ፈተነ")
        assert cache.current() is first  # asks the builder
        time.sleep(1.5)  # several settle periods: the change log is still, but the run is not over
        assert cache.current() is first
        db.execute("UPDATE sync_runs SET result = 'ok', finished = ? WHERE id = ?", [now_iso(), run])
    finally:
        db.close()
    assert rebuilt(cache, first)["ti"].version > first["ti"].version


def test_one_bundle_cache_serves_every_reader_of_an_instance(demo_instance, empty_instance):
    shared = BundleCache.for_instance(demo_instance)
    assert BundleCache.for_instance(demo_instance) is shared
    assert BundleCache.for_instance(empty_instance) is not shared


def test_delta_since_a_version_holds_the_changed_service_and_the_withdrawn_one(client, demo_instance):
    since = client.get("/bundle/manifest.json").json()["version"]
    changed, withdrawn = demo_services()[1]["id"], demo_services()[2]["id"]
    db = demo_instance.directory()
    try:
        set_translation(db, "services", changed, "name", "ar", "خدمة مجربة")
        tombstone(db, "services", withdrawn, DEMO)
        version = latest_change(db)
    finally:
        db.close()
    served_version(client, version)
    delta = client.get(f"/bundle/ar/delta?since={since}").json()
    assert delta["version"] == version
    assert [s["id"] for s in delta["upserts"]] == [changed]
    assert delta["upserts"][0]["name"] == "خدمة مجربة"
    assert delta["deletes"] == [withdrawn]


def test_delta_since_the_current_version_is_empty(client):
    manifest = client.get("/bundle/manifest.json").json()
    version = manifest["version"]
    delta = client.get(f"/bundle/en/delta?since={version}").json()
    assert delta["version"] == delta["since"] == version
    assert delta["sha256"] == manifest["languages"]["en"]["sha256"]
    assert delta["upserts"] == delta["deletes"] == delta["notice_upserts"] == delta["notice_deletes"] == []


def test_delta_from_an_unknown_future_version_is_the_full_bundle(client):
    version = client.get("/bundle/manifest.json").json()["version"]
    answer = client.get(f"/bundle/en/delta?since={version + 1000}").json()
    assert "upserts" not in answer and len(answer["services"]) > 100


def test_delta_rejects_a_since_that_is_not_a_number(client):
    assert client.get("/bundle/en/delta?since=yesterday").status_code == 400


# --- the shell the service worker precaches -------------------------------------------------


def test_service_worker_lists_each_shell_file_with_the_hash_of_the_bytes_served(client):
    source = client.get("/sw.js").text
    shell = json.loads(re.search(r"const SHELL = (\{.*?\});", source, re.DOTALL).group(1))
    assert {"/", "/app.js", "/normalise.js", "/search-worker.js", "/vendor/minisearch.js", "/i18n/ar.json"} <= set(shell)
    for url, digest in shell.items():
        served = client.get(url, headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200, url
        assert hashlib.sha256(served.content).hexdigest().startswith(digest), url


def test_service_worker_changes_when_a_shell_file_changes(tmp_path):
    pwa = tmp_path / "pwa"
    pwa.mkdir()
    (pwa / "index.html").write_text("<!doctype html><title>one</title>")
    (pwa / "sw.js").write_text("// worker")
    first = service_worker_source(pwa)
    (pwa / "index.html").write_text("<!doctype html><title>two</title>")
    assert service_worker_source(pwa) != first
    assert set(shell_files(pwa)) == {"/", "/vendor/minisearch.js"}


def test_shell_files_are_served_brotli_compressed_and_revalidated(client):
    plain = client.get("/app.js", headers={"Accept-Encoding": "identity"})
    squeezed = client.get("/app.js", headers={"Accept-Encoding": "gzip, br"})
    assert squeezed.headers["content-encoding"] == "br"
    assert int(squeezed.headers["content-length"]) < len(plain.content) / 2
    assert squeezed.content == plain.content
    assert squeezed.headers["cache-control"] == "no-cache"
    etag = squeezed.headers["etag"]
    assert client.get("/app.js", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/vendor/minisearch.js", headers={"Accept-Encoding": "br"}).headers["content-encoding"] == "br"
    assert client.get("/sw.js", headers={"Accept-Encoding": "br"}).headers["content-encoding"] == "br"


def test_install_icons_are_served_but_not_precached(client):
    source = client.get("/sw.js").text
    shell = json.loads(re.search(r"const SHELL = (\{.*?\});", source, re.DOTALL).group(1))
    assert "/icons/icon-512.png" not in shell and "/icons/icon.svg" in shell
    icon = client.get("/icons/icon-512.png", headers={"Accept-Encoding": "gzip, br"})
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    assert client.get("/no-such-file.js").status_code == 404


def test_every_other_week_hours_carry_their_interval_and_start_date(demo_instance):
    from directory.bundle.build import build_bundle

    db = demo_instance.directory()
    expected = {
        row[0]
        for row in db.execute(
            "SELECT s.service_id FROM schedules s WHERE s.interval > 1 AND s.dtstart IS NOT NULL AND s.service_id IS NOT NULL"
        )
    }
    assert expected, "the demo has an every-other-week service"
    bundle = build_bundle(db, "en", demo_instance.settings)
    found = {
        service["id"]
        for service in bundle["services"]
        for schedule in service.get("schedules", [])
        if schedule.get("interval", 1) > 1 and schedule.get("dtstart")
    }
    listed = {service["id"] for service in bundle["services"]}
    assert found and found == expected & listed
