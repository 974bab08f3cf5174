"""The blocking-key index: the same candidates as a scan, found by look-up, kept up with every write."""

from __future__ import annotations

import pytest

from directory.db import migrations
from directory.db.connection import connect
from directory.store import Source, save_record
from directory.sync.duplicates import candidates, index
from directory.sync.duplicates.score import listing_from_record
from tests.sync.duplicate_helpers import feed_record


def scanned(db, keys, source: str) -> list[str]:
    real = index.is_current
    try:
        candidates.is_current = lambda db: False
        return candidates.candidate_ids(db, keys, source)
    finally:
        candidates.is_current = real


def test_the_index_finds_exactly_the_candidates_a_scan_finds(two_feeds):
    db, drop_in, housing, incoming = two_feeds
    stranger = feed_record("Another drop-in", phone="+331632960579", postcode="KM9 9ZZ",
                           url="https://notkingsmerelawcentre.example/drop-in")
    by_mail = feed_record("Mail only", phone="+441632000000", postcode="ZZ1 1ZZ",
                          email="Advice@KingsmereLawCentre.example")
    for record in (stranger, by_mail):
        save_record(db, "services", record, Source("feed:c"))
    assert not index.is_current(db)
    keys = listing_from_record(incoming).keys
    by_scan = scanned(db, keys, "feed:b")
    index.refresh(db)
    assert index.is_current(db)
    by_index = candidates.candidate_ids(db, keys, "feed:b")
    assert by_index == by_scan
    assert {drop_in["id"], housing["id"], stranger["id"], by_mail["id"]} == set(by_index)


def test_a_current_index_answers_without_scanning(two_feeds, monkeypatch):
    db, drop_in, _, incoming = two_feeds
    index.refresh(db)
    monkeypatch.setattr(candidates, "_scanned", lambda keys: pytest.fail("scanned although the index is current"))
    [best, *_] = candidates.find_duplicates(db, incoming, exclude_source="feed:b")
    assert best.service_id == drop_in["id"]


def test_the_index_follows_a_changed_number_and_postcode(two_feeds):
    db, drop_in, housing, _ = two_feeds
    index.refresh(db)
    moved = dict(drop_in, phones=[dict(drop_in["phones"][0], number="+441632960111")])
    location = moved["service_at_locations"][0]["location"]
    moved["service_at_locations"] = [dict(moved["service_at_locations"][0],
                                          location=dict(location, addresses=[dict(location["addresses"][0],
                                                                                  postal_code="KM7 7AA")]))]
    save_record(db, "services", moved, Source("feed:a"))
    assert not index.is_current(db)
    index.refresh(db)
    assert index.is_current(db)
    old = listing_from_record(feed_record("x", phone="+441632960579", postcode="ZZ9 9ZZ")).keys
    new_phone = listing_from_record(feed_record("x", phone="+441632960111", postcode="ZZ9 9ZZ")).keys
    new_code = listing_from_record(feed_record("x", phone="+440000000000", postcode="km7 7aa")).keys
    assert candidates.candidate_ids(db, old, "feed:b") == [housing["id"]]
    assert candidates.candidate_ids(db, new_phone, "feed:b") == [drop_in["id"]]
    assert candidates.candidate_ids(db, new_code, "feed:b") == [drop_in["id"]]


def test_the_migration_indexes_the_rows_already_there(tmp_path):
    db = connect(tmp_path / "directory.db")
    before = [m.__name__ for m in migrations.DIRECTORY_MIGRATIONS].index("create_contact_keys")
    migrations.migrate(db, migrations.DIRECTORY_MIGRATIONS, target=before)
    record = feed_record("Drop-in", phone="+44 1632 960579", postcode="km1 3sx", email="Help@Clinic.example")
    save_record(db, "services", record, Source("feed:a"))
    migrations.migrate(db, migrations.DIRECTORY_MIGRATIONS)
    keys = set(db.execute("SELECT kind, value FROM contact_keys").fetchall())
    assert {("phone", "441632960579"[-9:]), ("postcode", "KM13SX"), ("email", "help@clinic.example"),
            ("domain", "clinic.example")} <= keys
    assert index.is_current(db)


def test_catching_up_in_batches_indexes_what_a_rebuild_does(two_feeds, monkeypatch):
    db, drop_in, housing, _ = two_feeds
    index.refresh(db)
    monkeypatch.setattr(index, "BATCH", 2)  # several batches from a handful of records
    for n in range(5):
        save_record(db, "services", feed_record(f"Clinic {n}", phone=f"+4416329601{n:02d}", postcode=f"KM{n} 1AA",
                                                email=f"clinic{n}@clinic{n}.example"), Source("feed:c"))  # fmt: skip
    moved = dict(housing, phones=[dict(housing["phones"][0], number="+441632960111")])
    save_record(db, "services", moved, Source("feed:a"))
    index.refresh(db)
    caught_up = set(db.execute("SELECT kind, value, table_name, row_id FROM contact_keys").fetchall())
    index.rebuild(db)
    rebuilt = set(db.execute("SELECT kind, value, table_name, row_id FROM contact_keys").fetchall())
    assert caught_up == rebuilt
    assert {("postcode", f"KM{n}1AA") for n in range(5)} <= {(k, v) for k, v, _, _ in rebuilt}
