"""A large feed run page by page: batches of new records, pages recognised unchanged, quarantine kept."""

from __future__ import annotations

import pytest

from directory.store import Source, tombstone
from directory.sync import merge
from directory.sync.quarantine import quarantined
from directory.sync.run import sync_feed
from tests.sync.feed_server import FeedServer, json_body
from tests.sync.helpers import page, service
from tests.sync.test_run import listed, register


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def serve_pages(server, records: list[dict], size: int) -> str:
    """Serve `records` as an HSDS API of pages of `size` (it ignores per_page, as some servers do)."""
    chunks = [records[i : i + size] for i in range(0, len(records), size)] or [[]]

    def route(request):
        number = int(request.query.get("page", ["1"])[0])
        chunk = chunks[number - 1] if 0 < number <= len(chunks) else []
        body = page(chunk, number=number, total_pages=len(chunks), last=number >= len(chunks))
        return json_body(body)(request)

    server.route("/services", route)
    return server.url + "/services"


def _counting_normaliser(monkeypatch) -> list:
    calls: list = []
    real = merge.normalise_service

    def counting(raw, ctx):
        calls.append(raw.get("id"))
        return real(raw, ctx)

    monkeypatch.setattr(merge, "normalise_service", counting)
    return calls


def test_a_paged_feed_lands_every_page_and_a_second_run_reads_no_record_again(empty_instance, server, monkeypatch):
    records = [service(n) for n in range(7)]
    register(empty_instance, "city", serve_pages(server, records, size=3))
    first = sync_feed(empty_instance, "city")
    assert (first.result, first.fetched, first.created) == ("ok", 7, 7)
    db = empty_instance.directory()
    db.execute("UPDATE provenance SET last_seen = '2000-01-01T00:00:00Z' WHERE source = 'feed:city'")
    db.close()
    calls = _counting_normaliser(monkeypatch)
    again = sync_feed(empty_instance, "city")
    assert (again.result, again.fetched, again.unchanged, again.created, again.updated) == ("ok", 7, 7, 0, 0)
    assert calls == []  # every page recognised: not one record parsed and normalised again
    assert sorted(listed(empty_instance)) == sorted(f"svc-{n}" for n in range(7))
    db = empty_instance.directory()
    stale = db.execute("SELECT count(*) FROM provenance WHERE source = 'feed:city' AND last_seen < '2001'").fetchone()[0]
    assert stale == 0  # each service was seen again: last_seen moved on


def test_only_the_page_that_changed_is_read_again(empty_instance, server, monkeypatch):
    records = [service(n) for n in range(6)]
    register(empty_instance, "city", serve_pages(server, records, size=3))
    sync_feed(empty_instance, "city")
    records[4] = service(4, name="Advice drop-in, now with a children's corner")
    serve_pages(server, records, size=3)
    calls = _counting_normaliser(monkeypatch)
    report = sync_feed(empty_instance, "city")
    assert (report.updated, report.unchanged) == (1, 5)
    assert calls == ["svc-4"]  # the changed page is read; its unchanged records are skipped by their hash
    assert listed(empty_instance)["svc-4"] == "Advice drop-in, now with a children's corner"


def test_a_recognised_page_is_read_again_when_one_of_its_services_was_withdrawn_meanwhile(
    empty_instance, server, monkeypatch
):
    records = [service(n) for n in range(4)]
    register(empty_instance, "city", serve_pages(server, records, size=2))
    sync_feed(empty_instance, "city")
    db = empty_instance.directory()
    record_id = db.execute("SELECT record_id FROM provenance WHERE source_id = 'svc-1'").fetchone()[0]
    with db.atomic():
        tombstone(db, "services", record_id, Source("feed:city"))
    db.close()
    assert "svc-1" not in listed(empty_instance)
    calls = _counting_normaliser(monkeypatch)
    report = sync_feed(empty_instance, "city")
    assert "svc-1" in calls and "svc-3" not in calls
    assert "svc-1" in listed(empty_instance) and (report.updated, report.unchanged) == (1, 3)
    db = empty_instance.directory()
    assert db.execute("SELECT operation FROM changes WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
                      [record_id]).fetchone() == ("update",)  # phones hear it is back
    assert db.execute("SELECT count(*) FROM services_fts f JOIN services s ON s.rowid = f.rowid WHERE s.id = ?",
                      [record_id]).fetchone() == (1,)  # and it can be found again


def test_a_page_with_a_quarantined_record_is_read_again_and_keeps_it_in_quarantine(
    empty_instance, server, monkeypatch
):
    records = [service(n) for n in range(4)]
    records[1]["status"] = "maybe"  # refused by the normaliser
    register(empty_instance, "city", serve_pages(server, records, size=2))
    first = sync_feed(empty_instance, "city")
    assert (first.created, first.quarantined) == (3, 1)
    calls = _counting_normaliser(monkeypatch)
    again = sync_feed(empty_instance, "city")
    assert (again.quarantined, again.unchanged) == (1, 3)
    assert calls == ["svc-1"]
    private = empty_instance.private()
    assert [item["source_id"] for item in quarantined(private, "feed:city")] == ["svc-1"]


def test_a_listing_that_drops_a_recognised_page_still_withdraws_its_services(empty_instance, server):
    records = [service(n) for n in range(6)]
    register(empty_instance, "city", serve_pages(server, records, size=2))
    sync_feed(empty_instance, "city")
    serve_pages(server, records[:4], size=2)
    report = sync_feed(empty_instance, "city")
    assert (report.unchanged, report.deleted) == (4, 2)
    assert sorted(listed(empty_instance)) == [f"svc-{n}" for n in range(4)]


def test_many_new_records_with_one_the_store_refuses_land_all_but_that_one(empty_instance, server):
    records = [service(n) for n in range(8)]
    records[5]["schedules"] = [{"id": "sch-bad", "interval": "weekly"}]  # kept by the normaliser, refused by the store
    records[5]["organization_id"] = "org-nowhere"
    del records[5]["organization"]
    register(empty_instance, "city", serve_pages(server, records, size=8))
    report = sync_feed(empty_instance, "city")
    assert (report.created, report.quarantined) == (7, 1)
    private = empty_instance.private()
    assert [item["source_id"] for item in quarantined(private, "feed:city")] == ["svc-5"]
    assert sorted(listed(empty_instance)) == sorted(f"svc-{n}" for n in range(8) if n != 5)
