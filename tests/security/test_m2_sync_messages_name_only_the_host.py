"""M2: a failed sync tells the public (sync_runs in directory.db, /data/) the feed's host, nothing more.

The feed URLs carry credentials the way real ones do (user:password@, ?api_key=); each
failure below puts a URL into the error text by a different road.
"""

from __future__ import annotations

import pytest

from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.conftest import free_port
from tests.sync.feed_server import FeedServer, raw, redirect

SECRETS = ("s3cret", "hunter2", "tok3n")


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def failing_feeds(server) -> dict[str, str]:
    """name → URL, each failing in its own way."""
    server.route("/moved", redirect(server.url + "/gone?token=tok3n&page=1"))
    server.route("/html", raw("<!doctype html><title>Sign in</title>", content_type="text/html"))
    base = f"http://reader:hunter2@127.0.0.1:{server.port}"
    return {
        "status": f"{base}/missing/feed.json?api_key=s3cret",  # answered 404
        "redirect": f"{server.url}/moved?api_key=s3cret",  # redirected, then 404 at a URL with a token
        "format": f"{base}/html?api_key=s3cret",  # a login page instead of JSON (a format error)
        "refused": f"http://reader:hunter2@127.0.0.1:{free_port()}/feed?api_key=s3cret",  # httpx's own error text
    }


def test_failed_runs_keep_only_the_host_in_public_and_the_secret_stays_private(demo_instance, server):
    from directory.web.app import create_app
    from tests.bundle_helpers import TestClient

    feeds = failing_feeds(server)
    with demo_instance.databases() as (db, private):
        for name, url in feeds.items():
            add_feed(db, private, Feed(name=name, url=url, format="hsds-json", allow_private=True))
    reports = {name: sync_feed(demo_instance, name) for name in feeds}
    assert {r.result for r in reports.values()} == {"failed"}

    with demo_instance.databases() as (db, private):
        messages = dict(db.execute("SELECT feed, message FROM sync_runs").fetchall())
        stored = dict(private.execute("SELECT name, url FROM feed_settings").fetchall())
    assert set(messages) == set(feeds)
    for name, message in messages.items():
        assert message and "127.0.0.1:" in message, (name, message)
        assert not any(secret in message for secret in SECRETS), (name, message)
        for path in ("/missing", "/moved", "/gone", "/html", "/feed"):
            assert path not in message, (name, message)
    assert stored == feeds, "the full address, credentials and all, is kept where it belongs"

    published = TestClient(create_app(demo_instance)).get("/data/directory/sync_runs.json?_shape=array").text
    assert "127.0.0.1" in published and not any(secret in published for secret in SECRETS)

    # What the command line prints keeps the path (to find the fault) but no credential.
    for name, report in reports.items():
        assert not any(secret in report.message for secret in SECRETS), (name, report.message)
    assert "/gone?token=…" in reports["redirect"].message
