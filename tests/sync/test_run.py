"""A sync run end to end: real HTTP on 127.0.0.1, real directory.db, the faults real feeds have."""

from __future__ import annotations

import pytest

from directory.store.overrides import record_override
from directory.store.review import open_items
from directory.sync.feeds import Feed, add_feed
from directory.sync.quarantine import quarantined
from directory.sync.run import sync_feed
from tests.sync.feed_server import FeedServer, json_body, raw, stall
from tests.sync.helpers import page, serve_services, service


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def register(instance, name: str, url: str, fmt: str = "hsds-json", **options) -> None:
    db, private = instance.directory(), instance.private()
    try:
        add_feed(db, private, Feed(name=name, url=url, format=fmt, allow_private=True, **options))
    finally:
        db.close()
        private.close()


def listed(instance, source: str = "feed:city") -> dict[str, str]:
    """{source id: service name} of the services a source currently lists."""
    db = instance.directory()
    try:
        return dict(db.execute(
            "SELECT p.source_id, s.name FROM provenance p JOIN services s ON s.id = p.record_id"
            " WHERE p.source = ? AND p.table_name = 'services' AND p.deleted_at IS NULL", [source]).fetchall())
    finally:
        db.close()


def content(instance) -> dict[str, list]:
    """Every row of every table but the run log (a failed run is still recorded there)."""
    db = instance.directory()
    try:
        tables = [t for t in db.table_names() if t not in ("feeds", "sync_runs") and not t.startswith("services_fts")]
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]").fetchall())) for t in tables}
    finally:
        db.close()


def test_first_sync_creates_and_second_finds_everything_unchanged(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(n) for n in range(5)]))
    first = sync_feed(empty_instance, "city")
    assert (first.result, first.fetched, first.created) == ("ok", 5, 5)
    again = sync_feed(empty_instance, "city")
    assert (again.result, again.unchanged, again.created, again.updated) == ("ok", 5, 0, 0)
    assert sorted(listed(empty_instance)) == [f"svc-{n}" for n in range(5)]


def test_non_uuid_ids_get_the_same_stable_uuid_on_every_sync(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1)]))
    sync_feed(empty_instance, "city")
    db = empty_instance.directory()
    first_id = db.execute("SELECT record_id FROM provenance WHERE source_id = 'svc-1'").fetchone()[0]
    db.close()
    serve_services(server, [service(1, name="Advice drop-in, now on Fridays too")])
    sync_feed(empty_instance, "city")
    db = empty_instance.directory()
    assert db.execute("SELECT id FROM services WHERE name LIKE '%Fridays%'").fetchone()[0] == first_id
    assert first_id != "svc-1" and len(first_id) == 36


def test_a_renamed_record_is_updated_and_a_removed_one_withdrawn(empty_instance, server):
    records = [service(n) for n in range(6)]
    register(empty_instance, "city", serve_services(server, records))
    sync_feed(empty_instance, "city")
    records[0]["name"] = "Housing advice drop-in (renamed)"
    serve_services(server, records[:5])
    report = sync_feed(empty_instance, "city")
    assert (report.updated, report.deleted, report.unchanged) == (1, 1, 4)
    now = listed(empty_instance)
    assert now["svc-0"] == "Housing advice drop-in (renamed)" and "svc-5" not in now
    db = empty_instance.directory()
    assert db.execute("SELECT count(*) FROM services").fetchone()[0] == 6  # withdrawn, not deleted


def test_services_withdrawn_together_are_logged_in_the_order_of_their_source_ids(empty_instance, server):
    # Stored svc-3 first, withdrawn svc-12 first (by source id), however the run reads them: a feed
    # listing most of the directory is read in one pass over the table, in the order rows were stored.
    records = [service(n) for n in range(30)]
    register(empty_instance, "city", serve_services(server, records))
    sync_feed(empty_instance, "city")
    serve_services(server, [r for r in records if r["id"] not in ("svc-3", "svc-12")])
    report = sync_feed(empty_instance, "city")
    assert report.deleted == 2
    db = empty_instance.directory()
    try:
        withdrawn = [source_id for (source_id,) in db.execute(
            "SELECT p.source_id FROM changes c JOIN provenance p ON p.record_id = c.record_id"
            " WHERE c.operation = 'delete' AND c.table_name = 'services' ORDER BY c.seq").fetchall()]
    finally:
        db.close()
    assert withdrawn == ["svc-12", "svc-3"]


@pytest.mark.parametrize("remaining", [0, 2])
def test_an_empty_or_halved_listing_is_flagged_and_withdraws_nothing(empty_instance, server, remaining):
    records = [service(n) for n in range(6)]
    register(empty_instance, "city", serve_services(server, records))
    sync_feed(empty_instance, "city")
    serve_services(server, records[:remaining])
    report = sync_feed(empty_instance, "city")
    assert report.result == "flagged" and report.deleted == 0
    assert "shrank" in report.message
    assert len(listed(empty_instance)) == 6


def test_bad_records_are_quarantined_with_every_reason_and_good_ones_land(empty_instance, server):
    bad = service(2, name="")
    bad["phones"] = [{"id": "ph-x"}]
    records = [service(1), bad, service(3, description="<p>Help <script>alert(1)</script>with forms</p>")]
    register(empty_instance, "city", serve_services(server, records))
    report = sync_feed(empty_instance, "city")
    assert (report.created, report.quarantined) == (2, 1)
    private = empty_instance.private()
    held = quarantined(private, "feed:city")
    assert [item["source_id"] for item in held] == ["svc-2"]
    assert held[0]["raw"]["id"] == "svc-2" and len(held[0]["reasons"]) >= 1
    db = empty_instance.directory()
    description = db.execute("SELECT description FROM services WHERE name LIKE '%number 3%'").fetchone()[0]
    assert "<script>" not in description and "with forms" in description
    # Fixed upstream: it lands, and leaves quarantine.
    serve_services(server, [service(1), service(2), records[2]])
    sync_feed(empty_instance, "city")
    assert quarantined(private, "feed:city") == []


def test_an_html_error_page_fails_the_run_and_changes_nothing(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1)]))
    sync_feed(empty_instance, "city")
    before = content(empty_instance)
    server.route("/services", raw("<html><body><h1>502 Bad Gateway</h1></body></html>", 200, "text/html"))
    report = sync_feed(empty_instance, "city")
    assert report.result == "failed" and "city" in report.message
    assert content(empty_instance) == before


def test_a_stalling_server_fails_the_run_within_the_deadline(empty_instance, server, monkeypatch):
    monkeypatch.setenv("HARBOUR_FETCH_DEADLINE", "1.5")
    server.route("/services", stall(seconds=20))
    register(empty_instance, "slow", server.url + "/services")
    report = sync_feed(empty_instance, "slow")
    assert report.result == "failed"
    assert listed(empty_instance, "feed:slow") == {}


def test_a_staff_edit_wins_until_upstream_changes_then_a_conflict_is_queued(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1)]))
    sync_feed(empty_instance, "city")
    db, private = empty_instance.directory(), empty_instance.private()
    service_id = db.execute("SELECT record_id FROM provenance WHERE source_id = 'svc-1'").fetchone()[0]
    upstream = db.execute("SELECT name FROM services WHERE id = ?", [service_id]).fetchone()[0]
    record_override(private, "services", service_id, "name", "Advice drop-in (Mill Road, ground floor)", upstream)
    serve_services(server, [service(1, description="Now with a children's corner.")])
    sync_feed(empty_instance, "city")
    assert db.execute("SELECT name FROM services WHERE id = ?", [service_id]).fetchone()[0] == \
        "Advice drop-in (Mill Road, ground floor)"
    assert open_items(private, "conflict") == []
    serve_services(server, [service(1, name="Advice and casework drop-in")])
    sync_feed(empty_instance, "city")
    assert db.execute("SELECT name FROM services WHERE id = ?", [service_id]).fetchone()[0] == \
        "Advice drop-in (Mill Road, ground floor)"
    [conflict] = open_items(private, "conflict")
    assert conflict["details"]["old"] == upstream
    assert conflict["details"]["new"] == "Advice and casework drop-in"
    assert conflict["details"]["local"] == "Advice drop-in (Mill Road, ground floor)"


def test_the_same_service_from_two_feeds_is_listed_once_with_both_sources(empty_instance, server):
    city = service(1)
    ngo = service(1, id="ngo-77", name="Advice Drop-In Number 1 – Station Road",
                  organization={"id": "n-1", "name": "Riverside Advice Network 1", "description": "Volunteers."})
    server.route("/city", json_body(page([city])))
    server.route("/ngo", json_body(page([ngo])))
    register(empty_instance, "city", server.url + "/city")
    register(empty_instance, "ngo", server.url + "/ngo")
    sync_feed(empty_instance, "city")
    report = sync_feed(empty_instance, "ngo")
    assert report.duplicates == 1 and report.created == 0
    db = empty_instance.directory()
    assert db.execute("SELECT count(*) FROM services").fetchone()[0] == 1
    sources = {row[0] for row in db.execute("SELECT source FROM provenance WHERE table_name = 'services'")}
    assert sources == {"feed:city", "feed:ngo"}
    assert db.execute("SELECT count(*) FROM service_links").fetchone()[0] == 1


def test_a_run_row_with_every_count_is_visible_in_the_directory(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1), service(2)]))
    sync_feed(empty_instance, "city")
    db = empty_instance.directory()
    row = dict(zip(["result", "fetched", "created"],
                   db.execute("SELECT result, fetched, created FROM sync_runs WHERE feed = 'city'").fetchone()))
    assert row == {"result": "ok", "fetched": 2, "created": 2}
    assert db.execute("SELECT last_result, services FROM feeds WHERE name = 'city'").fetchone() == ("ok", 2)


def test_the_official_hsds_examples_sync_cleanly_as_json_and_as_a_csv_datapackage(empty_instance, server):
    from tests.conftest import HSDS_DIR

    examples = HSDS_DIR / "examples"
    server.route("/service_full.json", raw((examples / "service_full.json").read_bytes(), 200, "application/json"))
    for path in (examples / "csv").iterdir():
        server.route(f"/csv/{path.name}", raw(path.read_bytes(), 200, "text/csv"))
    # In the shared copy examples/csv/datapackage.json is a symlink saved as text; serve its target.
    server.route("/csv/datapackage.json", raw((HSDS_DIR / "datapackage.json").read_bytes(), 200, "application/json"))
    register(empty_instance, "example-json", server.url + "/service_full.json")
    register(empty_instance, "example-csv", server.url + "/csv/datapackage.json", fmt="hsds-csv")
    as_json = sync_feed(empty_instance, "example-json")
    assert (as_json.result, as_json.created, as_json.quarantined) == ("ok", 1, 0), as_json.message
    as_csv = sync_feed(empty_instance, "example-csv")
    # The example's one attribute links to a record it does not ship: a dropped child, so not a plain "ok".
    assert as_csv.result == "ok_with_problems" and as_csv.quarantined == 0, as_csv.message
    assert (as_csv.problems.counts["dropped_children"], as_csv.problems.counts["set_aside"]) == (1, 0)
    assert as_csv.created + as_csv.duplicates + as_csv.updated + as_csv.unchanged == 1
