"""`harbour terms list|map|accept`, as real processes on an instance that synced a 211 feed over HTTP."""

from __future__ import annotations

import json

import pytest

from directory.instance import init_instance
from directory.sync.feeds import Feed, add_feed
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services
from tests.sync.test_taxonomy_mapping import harbour_codes, services_211
from tests.test_import_export import harbour

FEED = "kingsmere-211"


@pytest.fixture
def synced(tmp_path):
    """An instance that synced the 211 feed once; yields (instance, server, data dir)."""
    instance = init_instance(tmp_path / "town")
    with FeedServer() as server:
        db, private = instance.directory(), instance.private()
        add_feed(db, private, Feed(FEED, serve_services(server, services_211()), "hsds-json", allow_private=True))
        db.close()
        private.close()
        result = harbour("sync", FEED, "--json", data_dir=instance.data_dir)
        assert result.returncode == 0, result.stderr
        yield instance, server


def sync(instance) -> dict:
    result = harbour("sync", FEED, "--json", data_dir=instance.data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def unmapped(instance) -> list[dict]:
    result = harbour("terms", "list", "--unmapped", "--json", data_dir=instance.data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["unmapped"]


def changes_of(instance, source_id: str) -> int:
    db = instance.directory()
    try:
        return db.execute(
            "SELECT count(*) FROM changes c JOIN provenance p ON p.record_id = c.record_id AND p.table_name = 'services'"
            " WHERE p.source_id = ?", [source_id]).fetchone()[0]  # fmt: skip
    finally:
        db.close()


def test_terms_list_shows_each_unmapped_term_with_its_suggestion(synced):
    instance, _ = synced
    found = {(t["code"], t["label"]): (t["services"], t["suggested"]) for t in unmapped(instance)}
    assert found == {
        ("K-LOCAL-7", "Banco de alimentos"): (2, "food-banks"),
        ("K-LOCAL-9", "استشارات اللجوء"): (1, "legal-immigration"),
    }
    text = harbour("terms", "list", "--feed", FEED, data_dir=instance.data_dir).stdout
    assert "food-banks" in text and "Banco de alimentos" in text and "2 services" in text


def test_terms_map_applies_at_once_to_synced_services_and_holds_when_the_feed_changes(synced):
    instance, server = synced
    before = changes_of(instance, "svc-3")
    result = harbour("terms", "map", "Banco de alimentos", "food-meals", "--feed", FEED, data_dir=instance.data_dir)
    assert result.returncode == 0, result.stderr
    assert "2 services got it at once" in result.stdout
    assert harbour_codes(instance, "svc-3") == harbour_codes(instance, "svc-5") == ["food-meals"]
    assert changes_of(instance, "svc-3") == before + 1  # in the change log: deltas and phones hear of it
    assert [t["code"] for t in unmapped(instance)] == ["K-LOCAL-9"]
    db = instance.directory()
    link = db.execute("SELECT a.id FROM attributes a JOIN provenance p ON p.record_id = a.link_id"
                      " WHERE p.source_id = 'svc-3'").fetchone()[0]  # fmt: skip
    db.close()

    records = services_211()
    records[2]["name"] = "Saturday food bank, now with fresh vegetables"  # the feed changes the service
    serve_services(server, records)
    summary = sync(instance)
    assert summary["updated"] == 1
    assert harbour_codes(instance, "svc-3") == ["food-meals"]  # mapped by the normaliser this time
    db = instance.directory()
    assert db.execute("SELECT a.id FROM attributes a JOIN provenance p ON p.record_id = a.link_id"
                      " WHERE p.source_id = 'svc-3'").fetchone()[0] == link  # the same row, not a new one
    db.close()
    assert summary["unmapped_terms"]["count"] == 1 and summary["uncategorised"]["count"] == 2


def test_accept_all_suggested_maps_every_suggestion_and_the_next_sync_reports_what_is_left(synced):
    instance, _ = synced
    result = harbour("terms", "accept", "--all-suggested", "--feed", FEED, data_dir=instance.data_dir)
    assert result.returncode == 0, result.stderr
    assert "accepted 2 suggestions: 3 services" in result.stdout
    assert harbour_codes(instance, "svc-4") == ["legal-immigration"]
    assert harbour_codes(instance, "svc-5") == ["food-banks"]
    summary = sync(instance)
    assert summary["unmapped_terms"]["count"] == 0
    assert [e["record"] for e in summary["uncategorised"]["examples"]] == ["svc-6"]


def test_a_term_no_feed_sent_is_mapped_ahead_with_its_scheme(synced):
    instance, _ = synced
    refused = harbour("terms", "map", "K-LOCAL-1", "housing", data_dir=instance.data_dir)
    assert refused.returncode == 1 and "--scheme" in refused.stderr
    ahead = harbour("terms", "map", "K-LOCAL-1", "housing", "--scheme", "Kingsmere 211 Taxonomy",
                    data_dir=instance.data_dir)
    assert ahead.returncode == 0, ahead.stderr
    db = instance.directory()
    assert db.execute("SELECT code FROM taxonomy_mappings WHERE scheme = 'kingsmere-211-taxonomy'").fetchall() == [
        ("K-LOCAL-1",)
    ]
    db.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["map", "Banco de alimentos", "snacks"], "'snacks' is not a Harbour category or attribute code"),
        (["map", "Banco de alimentos", "food'; DROP TABLE services; --"], "is not a Harbour category"),
        (["map", "Nothing like it", "food"], "no feed sent an unmapped term 'Nothing like it'"),
        (["list", "--feed", "nowhere"], "no feed named 'nowhere'"),
        (["accept", "--all-suggested", "--feed", "nowhere"], "no feed named 'nowhere'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(synced, args, message):
    instance, _ = synced
    db = instance.directory()
    before = list(db.conn.iterdump())
    db.close()
    result = harbour("terms", *args, data_dir=instance.data_dir)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    db = instance.directory()
    assert list(db.conn.iterdump()) == before
    db.close()
