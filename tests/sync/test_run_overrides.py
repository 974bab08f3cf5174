"""Staff edits of a feed service's child records (hours, phones) win over the feed, as field edits do."""

from __future__ import annotations

import copy

import pytest

from directory.staff.auth import Actor
from directory.staff.editing.save import save_edit
from directory.staff.editing.versions import load_record, version_of
from directory.store.overrides import overrides_for, same_children
from directory.store.review import open_items
from directory.sync.run import sync_feed
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service
from tests.sync.test_run import register

ADMIN = Actor(1, "editor@kingsmere.example", "admin", frozenset(), "session")
STAFF_HOURS = ("TU,TH", "10:00", "16:00")
STAFF_NUMBER = "+441632960999"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def edited(empty_instance, server):
    """A feed service whose hours and phone number staff corrected; yields (db, private, service id, before)."""
    register(empty_instance, "city", serve_services(server, [service(1)]))
    sync_feed(empty_instance, "city")
    db, private = empty_instance.directory(), empty_instance.private()
    service_id = db.execute("SELECT record_id FROM provenance WHERE source_id = 'svc-1'").fetchone()[0]
    before = load_record(db, "services", service_id)
    record = copy.deepcopy(before)
    byday, opens, closes = STAFF_HOURS
    record["schedules"] = [dict(record["schedules"][0], byday=byday, opens_at=opens, closes_at=closes)]
    record["phones"][0]["number"] = STAFF_NUMBER
    result = save_edit(db, private, empty_instance.settings, ADMIN, "services", record, version_of(before))
    assert result.status == "saved" and {"schedules", "phones"} <= set(result.changed)
    yield db, private, service_id, before
    db.close()
    private.close()


def hours(db, service_id: str) -> list[tuple]:
    return db.execute("SELECT byday, opens_at, closes_at FROM schedules WHERE service_id = ?", [service_id]).fetchall()


def numbers(db, service_id: str) -> list[str]:
    return [n for (n,) in db.execute("SELECT number FROM phones WHERE service_id = ?", [service_id])]


def test_a_staff_edit_of_hours_and_phones_is_remembered_as_an_override_of_each_list(edited):
    db, private, service_id, before = edited
    overrides = overrides_for(private, "services", service_id)
    assert {"schedules", "phones"} <= set(overrides)
    local, upstream = overrides["schedules"]
    assert (local[0]["byday"], upstream[0]["byday"]) == ("TU,TH", "MO,WE")


def test_staff_hours_and_phones_survive_a_feed_run_that_changes_something_else(empty_instance, server, edited):
    db, private, service_id, _ = edited
    serve_services(server, [service(1, description="Now with a children's corner.")])
    report = sync_feed(empty_instance, "city")
    assert report.updated == 1
    assert hours(db, service_id) == [STAFF_HOURS]
    assert numbers(db, service_id) == [STAFF_NUMBER]
    assert db.execute("SELECT description FROM services WHERE id = ?", [service_id]).fetchone()[0] == \
        "Now with a children's corner."  # the feed is still followed for what staff did not touch
    assert open_items(private, "conflict") == []


def test_when_the_feed_changes_the_hours_staff_keep_theirs_and_a_conflict_shows_old_local_and_new(
    empty_instance, server, edited
):
    db, private, service_id, _ = edited
    feed_hours = [{"id": "sch-1", "freq": "WEEKLY", "byday": "FR", "opens_at": "09:00", "closes_at": "12:00"}]
    serve_services(server, [service(1, schedules=feed_hours)])
    sync_feed(empty_instance, "city")
    assert hours(db, service_id) == [STAFF_HOURS]
    [conflict] = open_items(private, "conflict")
    details = conflict["details"]
    assert details["field"] == "schedules" and conflict["record_id"] == service_id
    assert [s["byday"] for s in details["old"]] == ["MO,WE"]
    assert [s["byday"] for s in details["local"]] == ["TU,TH"]
    assert [s["byday"] for s in details["new"]] == ["FR"]
    # The phones did not change upstream: no conflict about them, the staff number stays.
    assert numbers(db, service_id) == [STAFF_NUMBER]
    # The same upstream change on the next run does not queue the conflict twice.
    serve_services(server, [service(1, schedules=feed_hours, description="Same hours, new words.")])
    sync_feed(empty_instance, "city")
    assert len(open_items(private, "conflict")) == 1


def test_a_feed_that_stops_sending_a_child_list_raises_no_conflict_and_keeps_the_staff_one(
    empty_instance, server, edited
):
    db, private, service_id, _ = edited
    without_phones = service(1, description="Phones are listed on our website.")
    del without_phones["phones"]
    serve_services(server, [without_phones])
    sync_feed(empty_instance, "city")
    assert numbers(db, service_id) == [STAFF_NUMBER]
    assert open_items(private, "conflict") == []


def test_child_lists_compare_without_links_order_empty_values_or_number_types():
    stored = [{"id": "a", "service_id": "s", "number": "1", "extension": None, "languages": []},
              {"id": "b", "service_id": "s", "number": "2", "priority": 1}]
    sent = [{"id": "b", "number": "2", "priority": 1.0}, {"id": "a", "number": "1"}]
    assert same_children(sent, stored)
    assert not same_children([{"id": "b", "number": "3", "priority": 1}, {"id": "a", "number": "1"}], stored)
    assert not same_children(sent[:1], stored)
