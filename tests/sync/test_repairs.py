"""Records repaired, not refused: bad children dropped with a reason, placeholder organizations.

Messy feeds as real publishers send them, over real HTTP on 127.0.0.1 into a real
instance: an address without postcode or city, a phone without a number, services
and a location whose organization was never exported, children without ids.
"""

from __future__ import annotations

import json
from collections import Counter
from contextlib import closing

import pytest

from directory.hsds.api import get_service
from directory.ids import stable_id
from directory.store.review import open_items
from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.conftest import HSDS_DIR
from tests.staff.test_bulk import as_csv
from tests.staff.workflow_helpers import close_all, figure, sign_in
from tests.sync.feed_server import FeedServer, json_body, raw
from tests.sync.fixtures.formats import EXAMPLES, HSDS_11, schema_errors
from tests.sync.helpers import page
from tests.test_import_export import harbour

FEED = "kingsmere-legal"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def register(instance, url: str, fmt: str = "hsds-json", publisher: str | None = None) -> None:
    with closing(instance.directory()) as db, closing(instance.private()) as private:
        add_feed(db, private, Feed(name=FEED, url=url, format=fmt, allow_private=True, publisher_id=publisher))


def messy_services() -> list[dict]:
    """Two services under an organization the feed never sent, one whose location names another."""
    advice = {
        "id": "svc-1",
        "name": "Asylum and immigration advice drop-in",
        "status": "active",
        "organization_id": "123",
        "phones": [{"id": "ph-1", "number": "01632 960579"}, {"id": "ph-2", "type": "voice"}],
        "service_at_locations": [{
            "id": "sal-1",
            "location": {
                "id": "loc-1", "name": "Community hall", "latitude": 52.41, "longitude": -1.51,
                "organization_id": "456",
                "addresses": [{"id": "adr-1", "address_1": "12 Mill Road", "country": "GB"}],
            },
        }],
    }  # fmt: skip
    housing = {
        "id": "svc-2",
        "name": "Housing and eviction casework",
        "status": "active",
        "organization_id": "123",
        "schedules": [{"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "13:00"}],
    }
    pantry = {
        "id": "svc-3",
        "name": "Food pantry",
        "status": "active",
        "organization": {"id": "org-ok", "name": "Kingsmere Pantry", "description": "Food for families."},
        "phones": [{"id": "ph-3", "number": "01632 960222"}],
    }
    return [advice, housing, pantry]


def counts(report) -> Counter:
    return report.problems.counts  # a Counter: 0 for a kind that did not occur


def snapshot(instance) -> dict[str, list]:
    """Every row of every public table but the run log, and the review items."""
    with closing(instance.directory()) as db, closing(instance.private()) as private:
        tables = [t for t in db.table_names() if t not in ("feeds", "sync_runs") and not t.startswith("services_fts")]
        found = {t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]").fetchall())) for t in tables}
        # Seeing a record again is all a run may change.
        found["provenance"] = sorted(map(repr, db.execute(
            "SELECT table_name, record_id, source, source_id, content_hash, first_seen, deleted_at FROM provenance"
        ).fetchall()))  # fmt: skip
        found["review_queue"] = sorted(map(repr, private.execute("SELECT * FROM review_queue").fetchall()))
    return found


def valid_services(instance, feed: str = FEED) -> dict[str, dict]:
    """{source id: the service as /hsds/services/{id} answers}, each checked against the official schema."""
    with closing(instance.directory()) as db:
        ids = db.execute(
            "SELECT source_id, record_id FROM provenance WHERE source = ? AND table_name = 'services'",
            [f"feed:{feed}"],
        ).fetchall()
        services = {source_id: get_service(db, record_id, {}) for source_id, record_id in ids}
    for source_id, record in services.items():
        assert schema_errors(record) == [], source_id
    return services


def test_a_messy_json_feed_lands_every_service_and_reports_what_it_repaired(empty_instance, server):
    server.route("/services", json_body(page(messy_services())))
    register(empty_instance, server.url + "/services")
    report = sync_feed(empty_instance, FEED)
    assert (report.created, report.quarantined) == (3, 0)
    services = valid_services(empty_instance)

    advice = services["svc-1"]
    assert [p["number"] for p in advice["phones"]] == ["+441632960579"]  # the phone without a number dropped
    location = advice["service_at_locations"][0]["location"]
    assert location["addresses"] == []  # no city, no postcode: HSDS cannot hold it
    assert (location["name"], location["latitude"], location["longitude"]) == ("Community hall", 52.41, -1.51)
    assert location["description"] == "12 Mill Road"  # what the address said still tells people where to go

    placeholder = stable_id(FEED, "organization:123")
    assert advice["organization_id"] == services["svc-2"]["organization_id"] == placeholder
    assert advice["organization"]["name"] == f"Organisation of feed {FEED} (reference 123)"
    assert location["organization_id"] == stable_id(FEED, "organization:456")
    with closing(empty_instance.private()) as private:
        items = open_items(private, "placeholder_organization")
    assert sorted((i["record_id"], i["details"]["reference"]) for i in items) == sorted(
        [(placeholder, "123"), (stable_id(FEED, "organization:456"), "456")]
    )

    found = counts(report)
    # svc-1 under two placeholders (its own organization, its location's), svc-2 under one.
    assert found["placeholders"] == 3 and found["dropped_children"] == 2 and found["set_aside"] == 0
    repaired = [p.what for p in report.problems.all if p.kind == "repaired" and p.record == "svc-2"]
    assert "service.schedules: 1 without an id; each given a stable one derived from its service and what it is" \
        in repaired
    dropped = {p.field: p for p in report.problems.all if p.kind == "dropped_children"}
    assert dropped.keys() == {"phones.number", "addresses.city"}
    assert dropped["phones.number"].record == "svc-1"
    assert "postal_code" in dropped["addresses.city"].what and "dropped" in dropped["addresses.city"].what
    assert {p.record for p in report.problems.all if p.kind == "placeholders"} == {"svc-1", "svc-2"}


def test_a_second_run_of_the_same_messy_feed_changes_nothing(empty_instance, server):
    server.route("/services", json_body(page(messy_services())))
    register(empty_instance, server.url + "/services")
    first = sync_feed(empty_instance, FEED)
    before = snapshot(empty_instance)
    again = sync_feed(empty_instance, FEED)
    assert (again.created, again.updated, again.quarantined, again.unchanged) == (0, 0, 0, 3)
    assert snapshot(empty_instance) == before
    # Nothing was cleaned again, yet the feed still lacks what it lacked: the report says so again.
    kinds = ("repaired", "dropped_children")
    assert [again.problems.counts[k] for k in kinds] == [first.problems.counts[k] for k in kinds]
    assert again.problems.counts["dropped_children"] == 2 and again.result == "ok_with_problems"
    assert sorted((p.record, p.what) for p in again.problems.all if p.kind in kinds) == sorted(
        (p.record, p.what) for p in first.problems.all if p.kind in kinds
    )


def test_a_record_fixed_upstream_no_longer_carries_its_old_problems(empty_instance, server):
    records = messy_services()
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    sync_feed(empty_instance, FEED)
    records[0]["phones"] = [p for p in records[0]["phones"] if p.get("number")]  # the publisher fixed it
    server.route("/services", json_body(page(records)))
    sync_feed(empty_instance, FEED)
    third = sync_feed(empty_instance, FEED)  # svc-1 unchanged now: what is recalled is its new state
    assert third.unchanged == 3
    assert "phones.number" not in {p.field for p in third.problems.all if p.kind == "dropped_children"}


def test_a_changed_service_under_a_placeholder_is_still_counted_and_no_second_placeholder_made(
    empty_instance, server
):
    records = messy_services()
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    sync_feed(empty_instance, FEED)
    records[1]["description"] = "Now also on Thursdays."
    server.route("/services", json_body(page(records)))
    report = sync_feed(empty_instance, FEED)
    assert report.updated == 1 and counts(report)["placeholders"] == 1
    with closing(empty_instance.directory()) as db, closing(empty_instance.private()) as private:
        assert db.execute("SELECT count(*) FROM organizations").fetchone()[0] == 3
        assert len(open_items(private, "placeholder_organization")) == 2


def test_the_real_organization_replaces_its_placeholder_and_the_review_item_closes(empty_instance, server):
    records = messy_services()
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    sync_feed(empty_instance, FEED)
    records[1]["organization"] = {"id": "123", "name": "Kingsmere Law Centre", "description": "Free legal advice."}
    server.route("/services", json_body(page(records)))
    report = sync_feed(empty_instance, FEED)
    assert counts(report)["placeholders"] == 0
    services = valid_services(empty_instance)
    assert services["svc-1"]["organization"]["name"] == "Kingsmere Law Centre"  # same id, the real fields
    with closing(empty_instance.private()) as private:
        assert [i["details"]["reference"] for i in open_items(private, "placeholder_organization")] == ["456"]
        closed = private.execute(
            "SELECT resolution FROM review_queue WHERE record_id = ?", [stable_id(FEED, "organization:123")]
        ).fetchone()
    assert closed == ("the feed sent the organization",)


def test_a_child_without_an_id_changed_in_place_keeps_its_id(empty_instance, server):
    records = messy_services()
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    sync_feed(empty_instance, FEED)
    first = valid_services(empty_instance)["svc-2"]["schedules"][0]
    records[1]["schedules"][0]["closes_at"] = "15:00"
    server.route("/services", json_body(page(records)))
    report = sync_feed(empty_instance, FEED)
    assert report.updated == 1
    second = valid_services(empty_instance)["svc-2"]["schedules"]
    assert [(s["id"], s["closes_at"]) for s in second] == [(first["id"], "15:00")]
    with closing(empty_instance.directory()) as db:
        assert db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 1  # updated, not replaced


def messy_package() -> dict[str, bytes]:
    """An HSDS 3.0 datapackage whose organization list was cut short."""
    tables = {
        "organizations": [{"id": "o-1", "name": "Riverside Advice", "description": "Volunteer advisers."}],
        "services": [
            {"id": "s-1", "organization_id": "o-1", "name": "Benefits advice", "status": "active"},
            {"id": "s-2", "organization_id": "o-9", "name": "Immigration clinic", "status": "active"},
            {"id": "s-3", "organization_id": "o-9", "name": "Family reunion help", "status": "active"},
        ],
        "locations": [{"id": "l-1", "organization_id": "o-7", "name": "Library", "location_type": "physical",
                       "latitude": "52.4", "longitude": "-1.5"}],
        "addresses": [{"id": "a-1", "location_id": "l-1", "address_1": "1 Station Road", "city": "",
                       "postal_code": "", "country": "GB", "address_type": "physical"}],
        "service_at_location": [{"id": "sal-1", "service_id": "s-2", "location_id": "l-1"},
                                {"id": "sal-2", "service_id": "s-3", "location_id": "l-404"}],
        "phones": [{"id": "p-1", "service_id": "s-2", "number": ""}, {"id": "p-2", "service_id": "s-2",
                    "number": "01632 960111"}],
    }  # fmt: skip
    files = {f"{name}.csv": as_csv(rows) for name, rows in tables.items()}
    files["datapackage.json"] = json.dumps(
        {"name": "messy", "resources": [{"name": n, "path": f"{n}.csv"} for n in tables]}
    ).encode()
    return files


def test_a_messy_csv_package_lands_every_service_under_a_placeholder_named_after_its_publisher(
    empty_instance, server
):
    for name, body in messy_package().items():
        server.route(f"/pkg/{name}", raw(body, content_type="text/csv"))
    with closing(empty_instance.directory()) as db:
        db.execute("INSERT INTO organizations (id, name, description) VALUES ('pub', 'Kingsmere Council', 'The council.')")
    register(empty_instance, server.url + "/pkg/datapackage.json", "hsds-csv", publisher="pub")
    report = sync_feed(empty_instance, FEED)
    assert (report.created, report.quarantined) == (3, 0)
    services = valid_services(empty_instance)
    clinic = services["s-2"]
    assert clinic["organization"]["name"] == "Kingsmere Council (organisation reference o-9)"
    assert services["s-3"]["organization_id"] == clinic["organization_id"]
    assert services["s-1"]["organization"]["name"] == "Riverside Advice"
    assert [p["number"] for p in clinic["phones"]] == ["+441632960111"]
    location = clinic["service_at_locations"][0]["location"]
    assert location["addresses"] == [] and location["name"] == "Library"
    assert location["organization_id"] == stable_id(FEED, "organization:o-7")
    found = counts(report)
    assert (found["placeholders"], found["dropped_children"], found["set_aside"]) == (3, 3, 0)
    assert services["s-3"]["service_at_locations"] == []  # its location is not in the package: it alone is lost
    # The package reader finds it first, so the report names the file and line to fix.
    [no_location] = [p for p in report.problems.all if p.field == "service_at_location"]
    assert (no_location.record, no_location.line) == ("sal-2", 3) and "l-404" in no_location.what
    with closing(empty_instance.private()) as private:
        assert len(open_items(private, "placeholder_organization")) == 2
    before = snapshot(empty_instance)
    again = sync_feed(empty_instance, FEED)
    assert (again.created, again.updated, again.quarantined) == (0, 0, 0)
    assert snapshot(empty_instance) == before


def test_sync_json_counts_the_problems_by_kind(empty_instance, server):
    server.route("/services", json_body(page(messy_services())))
    register(empty_instance, server.url + "/services")
    result = harbour("sync", FEED, "--json", data_dir=empty_instance.data_dir)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["placeholders"]["count"] == 3 and summary["dropped_children"]["count"] == 2
    assert {e["record"] for e in summary["placeholders"]["examples"]} == {"svc-1", "svc-2"}
    assert all("dropped" in e["what"] for e in summary["dropped_children"]["examples"])


def test_the_review_page_shows_the_placeholder_with_what_to_do(empty_instance, server, server_for):
    server.route("/services", json_body(page(messy_services())))
    register(empty_instance, server.url + "/services")
    sync_feed(empty_instance, FEED)
    running = server_for(empty_instance)
    people = sign_in(empty_instance, running, admin=("admin", ()))
    client, csrf = people["admin"]
    try:
        listing = client.get("/staff/review")
        assert listing.status_code == 200
        assert f"Organisation of feed {FEED} (reference 123)" in listing.text
        assert 'id="count-placeholders">2<' in listing.text
        assert "Ask the publisher to add it" in listing.text
        assert figure(client.get("/staff/verify").text, "count-placeholders") == "2"  # on the dashboard too
        with closing(empty_instance.private()) as private:
            item = next(i for i in open_items(private, "placeholder_organization") if i["details"]["reference"] == "123")
        done = client.post(f"/staff/review/{item['id']}", data={"csrf_token": csrf, "action": "dismiss"})
        assert done.status_code == 303
    finally:
        close_all(people)
    with closing(empty_instance.private()) as private:
        assert [i["details"]["reference"] for i in open_items(private, "placeholder_organization")] == ["456"]


def _official_feeds() -> list[tuple[str, str, dict[str, bytes], str, int]]:
    """(feed name, format, files served, the feed's file, services in it) for each official sample."""
    v3_csv = {p.name: p.read_bytes() for p in (EXAMPLES / "csv").glob("*.csv")}
    v3_csv["datapackage.json"] = (HSDS_DIR / "datapackage.json").read_bytes()
    v11 = {p.name: p.read_bytes() for p in HSDS_11.iterdir() if p.suffix in (".csv", ".json")}
    feeds = [("v11", "hsds-csv", v11, "datapackage.json", 13), ("v3-csv", "hsds-csv", v3_csv, "datapackage.json", 1)]
    for example in ("service_full", "service_list", "organization_full", "service_at_location_full"):
        name = f"{example}.json"
        feeds.append((example.replace("_", "-"), "hsds-json", {name: (EXAMPLES / name).read_bytes()}, name, 1))
    return feeds


@pytest.mark.parametrize("name,fmt,files,entry,expected", _official_feeds(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_official_samples_land_every_service_with_nothing_set_aside(
    empty_instance, server, name, fmt, files, entry, expected
):
    for file_name, body in files.items():
        server.route(f"/{name}/{file_name}", raw(body))
    with closing(empty_instance.directory()) as db, closing(empty_instance.private()) as private:
        add_feed(db, private, Feed(name=name, url=f"{server.url}/{name}/{entry}", format=fmt, allow_private=True))
    report = sync_feed(empty_instance, name)
    assert report.result.startswith("ok") and (report.created, report.quarantined) == (expected, 0)
    assert counts(report)["set_aside"] == 0
    # The official 3.0 package ships one attribute of a record it leaves out: reported, the only loss.
    dropped = [(p.field, p.line) for p in report.problems.all if p.kind == "dropped_children"]
    assert dropped == ([("attributes", 2)] if name == "v3-csv" else [])
    assert len(valid_services(empty_instance, name)) == expected


def test_an_organization_a_later_service_of_the_page_carries_needs_no_placeholder(empty_instance, server):
    records = messy_services()[:2]
    records[1]["organization"] = {"id": "123", "name": "Kingsmere Law Centre", "description": "Free legal advice."}
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    report = sync_feed(empty_instance, FEED)
    assert (report.created, report.quarantined) == (2, 0)
    services = valid_services(empty_instance)
    assert services["svc-1"]["organization"]["name"] == "Kingsmere Law Centre"
    assert [p.what for p in report.problems.all if p.kind == "placeholders"] == [
        "service.service_at_locations[0].location: organization '456' is not in the feed; the record landed under"
        f" a placeholder organization (Organisation of feed {FEED} (reference 456)) for staff to review"
    ]
    with closing(empty_instance.private()) as private:
        assert [i["details"]["reference"] for i in open_items(private, "placeholder_organization")] == ["456"]


def test_a_service_whose_own_fields_are_wrong_is_set_aside_and_reported_by_its_id(empty_instance, server):
    records = messy_services()
    records[2]["status"] = "sort of"
    server.route("/services", json_body(page(records)))
    register(empty_instance, server.url + "/services")
    report = sync_feed(empty_instance, FEED)
    assert (report.created, report.quarantined) == (2, 1)
    [set_aside] = [p for p in report.problems.all if p.kind == "set_aside"]
    assert set_aside.record == "svc-3" and "status 'sort of'" in set_aside.what
    # What was repaired in a record set aside whole is not reported as if it had landed.
    assert not [p for p in report.problems.all if p.record == "svc-3" and p.kind != "set_aside"]
