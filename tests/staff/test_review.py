"""The review queue: conflicts and possible duplicates from real syncs, decided over real HTTP."""

from __future__ import annotations

import json
from contextlib import closing

import httpx
import pytest

from directory.store.overrides import record_override
from directory.store.review import open_items
from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.staff.workflow_helpers import close_all, one, rows, sign_in
from tests.sync.feed_server import FeedServer, json_body
from tests.sync.helpers import page, serve_services, service

LOCAL_NAME = "Advice drop-in (Mill Road, ground floor)"
NEW_NAME = "Advice and casework drop-in"
# Labelled pair 4 of tests/sync/duplicate_pairs.json: the engine is unsure ("maybe"), so it asks a person.
CLINIC = {"id": "gp-1", "name": "Drop-in GP clinic for people not yet registered",
          "url": "https://kingsmerehealth.example/drop-in-gp", "phones": [{"id": "p1", "number": "+441632960634"}],
          "organization": {"id": "nhs", "name": "Kingsmere Health NHS Trust", "description": "The NHS trust."},
          "service_at_locations": [{"id": "sal", "location": {"id": "loc", "name": "Clinic",
                                    "addresses": [{"id": "adr", "address_1": "1 Mill Road", "city": "Kingsmere",
                                                   "postal_code": "KM1 1GB", "country": "GB"}]}}]}  # fmt: skip
SAME_CLINIC = {"id": "ngo-9", "name": "GP drop-in for unregistered patients",
               "url": "https://www.kingsmerehealth.example/services/gp-drop-in",
               "phones": [{"id": "p2", "number": "+441632960634"}],
               "organization": {"id": "kh", "name": "Kingsmere Health", "description": "Health services."}}  # fmt: skip


@pytest.fixture
def feeds():
    with FeedServer() as server:
        yield server


def register(instance, name: str, url: str) -> None:
    with closing(instance.directory()) as db, closing(instance.private()) as private:
        add_feed(db, private, Feed(name=name, url=url, format="hsds-json", allow_private=True))


def queued_conflict(instance, feeds) -> tuple[str, str, int]:
    """A staff edit of a feed's service name, then the feed renames it: (service id, its org, item id)."""
    register(instance, "city", serve_services(feeds, [service(1)]))
    sync_feed(instance, "city")
    service_id = one(instance, "SELECT record_id FROM provenance WHERE source_id = 'svc-1'")
    upstream = one(instance, "SELECT name FROM services WHERE id = ?", service_id)
    with closing(instance.private()) as private:
        record_override(private, "services", service_id, "name", LOCAL_NAME, upstream)
    serve_services(feeds, [service(1, name=NEW_NAME)])
    sync_feed(instance, "city")
    assert one(instance, "SELECT name FROM services WHERE id = ?", service_id) == LOCAL_NAME
    with closing(instance.private()) as private:
        [item] = open_items(private, "conflict")
    org = one(instance, "SELECT organization_id FROM services WHERE id = ?", service_id)
    return service_id, org, item["id"]


def queued_duplicate(instance, feeds) -> tuple[str, str, int]:
    """Two feeds list what may be one clinic: (the new listing's id, the candidate's id, item id)."""
    feeds.route("/city", json_body(page([CLINIC])))
    feeds.route("/ngo", json_body(page([SAME_CLINIC])))
    register(instance, "city", feeds.url + "/city")
    register(instance, "ngo", feeds.url + "/ngo")
    sync_feed(instance, "city")
    report = sync_feed(instance, "ngo")
    assert (report.created, report.duplicates) == (1, 1)
    with closing(instance.private()) as private:
        [item] = open_items(private, "duplicate")
    return item["record_id"], item["details"]["candidate"], item["id"]


def closed(instance, item_id: int) -> tuple:
    return rows(instance, "SELECT closed IS NOT NULL, resolution FROM review_queue WHERE id = ?", item_id,
                private=True)[0]  # fmt: skip


def test_accept_takes_upstreams_value_and_clears_the_override(empty_instance, server_for, feeds):
    service_id, org, item = queued_conflict(empty_instance, feeds)
    server = server_for(empty_instance)
    people = sign_in(empty_instance, server, ed=("editor", [org]))
    client, csrf = people["ed"]
    try:
        listing = client.get("/staff/review")
        assert LOCAL_NAME in listing.text and NEW_NAME in listing.text and 'value="accept"' in listing.text
        answer = client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "accept"})
        assert answer.status_code == 303
    finally:
        close_all(people)
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", service_id) == NEW_NAME
    assert rows(empty_instance, "SELECT * FROM field_overrides", private=True) == []
    assert closed(empty_instance, item) == (1, "accepted upstream")
    sync_feed(empty_instance, "city")  # the feed is followed again, and nothing new is queued
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", service_id) == NEW_NAME
    with closing(empty_instance.private()) as private:
        assert open_items(private) == []


def test_keep_keeps_the_local_value_and_the_same_upstream_change_stops_conflicting(empty_instance, server_for, feeds):
    service_id, org, item = queued_conflict(empty_instance, feeds)
    server = server_for(empty_instance)
    people = sign_in(empty_instance, server, admin=("admin", ()))
    client, csrf = people["admin"]
    try:
        assert client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "keep"}).status_code == 303
    finally:
        close_all(people)
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", service_id) == LOCAL_NAME
    upstream = one(empty_instance, "SELECT upstream_value FROM field_overrides WHERE record_id = ?", service_id,
                   private=True)  # fmt: skip
    assert json.loads(upstream) == NEW_NAME
    assert closed(empty_instance, item) == (1, "kept local")
    serve_services(feeds, [service(1, name=NEW_NAME, description="Now with a children's corner.")])
    sync_feed(empty_instance, "city")
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", service_id) == LOCAL_NAME
    with closing(empty_instance.private()) as private:
        assert open_items(private) == []


def test_merge_links_the_listing_to_the_candidate_and_withdraws_it_for_good(empty_instance, server_for, feeds):
    duplicate, candidate, item = queued_duplicate(empty_instance, feeds)
    server = server_for(empty_instance)
    people = sign_in(empty_instance, server, admin=("admin", ()))
    client, csrf = people["admin"]
    try:
        shown = client.get(f"/staff/review/{item}")
        assert "Drop-in GP clinic" in shown.text and "GP drop-in for unregistered patients" in shown.text
        assert client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "merge"}).status_code == 303
    finally:
        close_all(people)
    assert rows(empty_instance, "SELECT service_id, source, source_id, decided_by FROM service_links") == \
        [(candidate, "feed:ngo", "ngo-9", "staff")]
    assert one(empty_instance, "SELECT source_id FROM provenance WHERE record_id = ? AND source = 'feed:ngo'"
               " AND deleted_at IS NULL", candidate) == "ngo-9"  # fmt: skip
    assert one(empty_instance, "SELECT deleted_at FROM provenance WHERE record_id = ?", duplicate) is not None
    assert httpx.get(f"{server.url}/hsds/services/{duplicate}", timeout=30).status_code == 404
    assert closed(empty_instance, item) == (1, f"merged into {candidate}")
    again = sync_feed(empty_instance, "ngo")  # the feed's next run keeps to the candidate
    assert (again.result, again.created, again.unchanged) == ("ok", 0, 1)
    assert one(empty_instance, "SELECT deleted_at FROM provenance WHERE record_id = ?", duplicate) is not None
    assert one(empty_instance, "SELECT count(*) FROM service_directory") == 1


def test_dismiss_closes_a_duplicate_and_changes_nothing_else(empty_instance, server_for, feeds):
    duplicate, candidate, item = queued_duplicate(empty_instance, feeds)
    before = rows(empty_instance, "SELECT table_name, record_id, source, deleted_at FROM provenance ORDER BY 1, 2, 3")
    server = server_for(empty_instance)
    people = sign_in(empty_instance, server, admin=("admin", ()))
    client, csrf = people["admin"]
    try:
        assert client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "dismiss"}).status_code == 303
        assert client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "merge"}).status_code == 409
    finally:
        close_all(people)
    assert closed(empty_instance, item) == (1, "dismissed")
    assert rows(empty_instance, "SELECT table_name, record_id, source, deleted_at FROM provenance ORDER BY 1, 2, 3") \
        == before
    assert rows(empty_instance, "SELECT * FROM service_links") == []


def test_deciding_is_refused_to_anonymous_viewers_publishers_other_organizations_and_forged_forms(
    empty_instance, server_for, feeds
):
    service_id, org, item = queued_conflict(empty_instance, feeds)
    server = server_for(empty_instance)
    assert httpx.post(f"{server.url}/staff/review/{item}", data={"action": "accept"}).status_code == 401
    people = sign_in(empty_instance, server, viewer=("viewer", ()), pub=("publisher", [org]),
                     other=("editor", ["another-organization"]), ed=("editor", [org]))  # fmt: skip
    try:
        for who in ("viewer", "pub", "other"):
            client, csrf = people[who]
            answer = client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "accept"})
            assert answer.status_code == 403, who
        client, csrf = people["ed"]
        assert client.post(f"/staff/review/{item}", data={"action": "accept"}).status_code == 403
        assert client.post(f"/staff/review/{item}", data={"csrf_token": csrf, "action": "merge"}).status_code == 400
    finally:
        close_all(people)
    assert closed(empty_instance, item) == (0, None)
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", service_id) == LOCAL_NAME
