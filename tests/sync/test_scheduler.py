"""Feeds with an interval sync by themselves inside `harbour serve`, without blocking readers."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import httpx

from directory.sync.feeds import Feed, add_feed
from directory.sync.scheduler import due_feeds
from tests.conftest import RunningServer
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service


def test_a_feed_is_due_when_its_interval_has_passed_and_never_without_one(empty_instance):
    db, private = empty_instance.directory(), empty_instance.private()
    add_feed(db, private, Feed("hourly", "http://127.0.0.1:9/x", "hsds-json", every_seconds=3600, allow_private=True))
    add_feed(db, private, Feed("manual", "http://127.0.0.1:9/y", "hsds-json", allow_private=True))
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert due_feeds(db, private, now) == ["hourly"]  # never ran
    db.execute("UPDATE feeds SET last_run = ? WHERE name = 'hourly'",
               [(now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert due_feeds(db, private, now) == []
    assert due_feeds(db, private, now + timedelta(minutes=31)) == ["hourly"]


def test_harbour_serve_syncs_a_due_feed_in_the_background(empty_instance, monkeypatch):
    with FeedServer() as feed:
        db, private = empty_instance.directory(), empty_instance.private()
        add_feed(db, private, Feed("city", serve_services(feed, [service(1), service(2)]), "hsds-json",
                                   every_seconds=3600, allow_private=True))
        db.close()
        private.close()
        monkeypatch.setitem(os.environ, "HARBOUR_SYNC_TICK", "0.5")
        server = RunningServer(empty_instance.data_dir)
        try:
            deadline = time.monotonic() + 30
            count = 0
            while time.monotonic() < deadline and count < 2:
                count = httpx.get(server.url + "/hsds/services").json()["total_items"]
                time.sleep(0.2)
            assert count == 2
            runs = httpx.get(server.url + "/data/directory/sync_runs.json?_shape=array").json()
            assert [(r["feed"], r["result"], r["created"]) for r in runs] == [("city", "ok", 2)]
        finally:
            server.stop()
