"""A run's memory of other sources' services: the candidates directory.db would give, asked once a key."""

from __future__ import annotations

from contextlib import closing

import pytest

from directory.store import Source, save_record, tombstone
from directory.sync.duplicates import candidates, index, neighbours
from directory.sync.duplicates.neighbours import Neighbours, neighbours_of
from directory.sync.duplicates.score import listing_from_record
from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.sync.duplicate_helpers import feed_record, new_id
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service


def ask(db, known: Neighbours, record: dict):
    """The same question both ways, after the index has caught up (as a run does)."""
    index.refresh(db)
    keys = listing_from_record(record).keys
    remembered = [service_id for service_id, _ in known.candidates(keys, exclude_id=record["id"])]
    assert remembered == candidates.candidate_ids(db, keys, known.source, exclude_id=record["id"])
    return remembered


@pytest.fixture
def counted(monkeypatch):
    """How many times a key is looked up in directory.db."""
    calls: list[object] = []
    real = neighbours.candidate_ids
    monkeypatch.setattr(neighbours, "candidate_ids", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    return calls


def test_a_key_the_runs_own_services_share_is_looked_up_once(two_feeds, counted):
    db, drop_in, housing, _ = two_feeds
    known = Neighbours(db, "feed:b", "GB")
    for n in range(5):
        # The feed's own services all share its domain and one postcode with each other.
        own = feed_record(f"Own service {n}", phone=f"+44163296{n:04d}", postcode="KM9 1AA",
                          url="https://ownfeed.example/")  # fmt: skip
        assert ask(db, known, own) == []
        save_record(db, "services", own, Source("feed:b"))
    looked_up = [keys for keys in counted if keys.domains or keys.postcodes]
    assert len(looked_up) == 2  # the domain and the postcode: once each, not once a record


def test_another_sources_service_written_during_the_run_is_found(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    known = Neighbours(db, "feed:b", "GB")
    assert set(ask(db, known, incoming)) == {drop_in["id"], housing["id"]}
    save_record(db, "services", incoming, Source("feed:b"))  # the run's own write: nothing to forget
    late = feed_record("Asylum advice by phone", phone="+441632960579", postcode="KM2 2BB")
    save_record(db, "services", late, Source("feed:c"))  # a staff member or another source, meanwhile
    again = feed_record("Asylum drop-in", phone="+441632960579", postcode="KM1 3SX")
    assert set(ask(db, known, again)) == {drop_in["id"], housing["id"], late["id"]}


def test_another_sources_changed_number_is_followed(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    known = Neighbours(db, "feed:b", "GB")
    by_new_number = feed_record("Eviction help", phone="+441632960111", postcode="ZZ9 9ZZ")
    assert ask(db, known, by_new_number) == []  # remembered: nobody has that number
    moved = dict(housing, phones=[dict(housing["phones"][0], number="+441632960111")])
    save_record(db, "services", moved, Source("feed:a"))
    assert ask(db, known, by_new_number) == [housing["id"]]


def test_a_linked_or_withdrawn_service_is_no_longer_a_candidate(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    known = Neighbours(db, "feed:b", "GB")
    assert set(ask(db, known, incoming)) == {drop_in["id"], housing["id"]}
    # The run links the drop-in to one of its records: a provenance of its own source, no change logged.
    db.execute(
        "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
        " VALUES ('services', ?, 'feed:b', 'x', 'h', '2026-01-01', '2026-01-01')",
        [drop_in["id"]],
    )
    assert ask(db, known, incoming) == [housing["id"]]
    assert tombstone(db, "services", housing["id"], Source("feed:a"))
    assert ask(db, known, incoming) == []


def test_the_listing_of_a_candidate_is_read_once(two_feeds, monkeypatch):
    db, drop_in, housing, incoming = two_feeds
    read: list[str] = []
    real = neighbours.listing_from_db
    monkeypatch.setattr(neighbours, "listing_from_db", lambda db, i, r: read.append(i) or real(db, i, r))
    known = Neighbours(db, "feed:b", "GB")
    for _ in range(3):
        found = dict(known.candidates(listing_from_record(incoming).keys))
        assert found[drop_in["id"]].names == (drop_in["name"],)
    assert sorted(read) == sorted([drop_in["id"], housing["id"]])


def test_find_duplicates_decides_the_same_with_a_runs_memory(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    index.refresh(db)
    plain = candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    remembered = candidates.find_duplicates(
        db, incoming, exclude_source="feed:b", neighbours=neighbours_of(db, "feed:b", "GB")
    )
    assert plain and remembered == plain
    assert neighbours_of(db, "feed:b", "GB") is neighbours_of(db, "feed:b", "GB")
    assert neighbours_of(db, "feed:c", "GB") is not neighbours_of(db, "feed:b", "GB")


def test_a_run_into_the_demo_city_looks_its_own_shared_domain_up_once_and_still_links_a_relisting(
    demo_instance, counted
):
    relisting = {
        "id": new_id(),
        "name": "Kingsmere Law Centre: immigration & asylum advice (drop-in)",
        "organization": {"id": new_id(), "name": "Kingsmere Law Centre", "description": "Legal advice."},
        "phones": [{"id": new_id(), "number": "+441632960579"}],
    }
    records = [service(n) for n in range(40)] + [relisting]  # every service(n) writes from one domain
    with FeedServer() as server, closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
        add_feed(db, private, Feed(name="ngo", url=serve_services(server, records), format="hsds-json",
                                   allow_private=True))  # fmt: skip
        report = sync_feed(demo_instance, "ngo")
        linked = db.execute("SELECT s.name FROM service_links l JOIN services s ON s.id = l.service_id").fetchall()
    assert (report.result, report.created, report.duplicates) == ("ok", 40, 1)
    assert linked == [("Immigration and asylum advice drop-in",)]
    assert [keys.domains for keys in counted if keys.domains] == [frozenset({"riverside-ngo.example"})]
