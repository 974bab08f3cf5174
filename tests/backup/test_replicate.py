"""harbour serve --replicate with a real Litestream: what was acknowledged survives kill -9; /healthz tells."""

from __future__ import annotations

import os
import re
import time
from contextlib import closing

import pytest

from directory.sync.feeds import Feed, add_feed
from tests.backup.helpers import (
    Editor,
    harbour,
    health,
    integrity,
    is_running,
    litestream_of,
    stamp,
    wait_for,
)
from tests.conftest import RunningServer
from tests.sync.feed_server import FeedServer, raw


@pytest.fixture
def replicating(tmp_path):
    """Start `harbour serve --replicate file://…` over an instance; stopped after the test."""
    started = []

    def start(instance, replica) -> RunningServer:
        server = RunningServer(instance.data_dir, args=("--replicate", f"file://{replica}"))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def caught_up_after(server, moment: float) -> bool:
    """Every replica has finished a sync that began after `moment` (a sync runs each second)."""
    replication = health(server)["replication"]
    return all(stamp(d["synced_at"]) > moment + 3 for d in replication["databases"])


def test_after_kill_9_a_restore_from_the_replica_holds_every_acknowledged_write(demo_instance, replicating, tmp_path):
    editor = Editor(demo_instance)
    server = replicating(demo_instance, tmp_path / "replica")
    editor.rename(server, "Evening clinic, acknowledged before the crash")
    acknowledged = time.time()
    wait_for(lambda: caught_up_after(server, acknowledged), "/healthz to report the replicas caught up")
    replicator = litestream_of(server)
    # The machine dies: the server and its replicator at once, nothing flushed on the way out.
    os.kill(replicator, 9)
    os.kill(server.process.pid, 9)
    server.process.wait()

    restored = tmp_path / "restored"
    done = harbour("restore", "--from", f"file://{tmp_path / 'replica'}", "--data-dir", str(restored))
    assert done.returncode == 0, done.stderr
    assert integrity(restored / "directory.db") == "ok" and integrity(restored / "private.db") == "ok"
    assert editor.name_in(restored) == "Evening clinic, acknowledged before the crash"
    assert any("acknowledged before the crash" in (a or "") for a in editor.audited_names_in(restored))
    for name in ("harbour.toml", "vapid_private.pem"):  # carried beside the databases
        assert (restored / name).read_bytes() == (demo_instance.data_dir / name).read_bytes()
    assert (restored / "vapid_private.pem").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in restored.iterdir()) == ["directory.db", "harbour.toml", "private.db",
                                                           "vapid_private.pem"]


def test_the_replicator_stops_with_the_server_even_when_the_server_is_killed(demo_instance, replicating, tmp_path):
    server = replicating(demo_instance, tmp_path / "replica")
    replicator = litestream_of(server)
    os.kill(server.process.pid, 9)
    server.process.wait()
    wait_for(lambda: not is_running(replicator), "Litestream to stop after its server died")


def test_healthz_reports_a_dead_replicator_as_degraded(demo_instance, replicating, tmp_path):
    server = replicating(demo_instance, tmp_path / "replica")
    assert health(server)["status"] == "ok"
    os.kill(litestream_of(server), 9)
    body = wait_for(lambda: (h := health(server))["replication"]["state"] == "dead" and h, "a dead replicator")
    assert body["http_status"] == 503 and body["status"] == "degraded"
    assert any(p.startswith("replication: the replicator died") for p in body["problems"])


def test_healthz_reports_a_replica_that_falls_behind(demo_instance, replicating, tmp_path):
    settings = demo_instance.data_dir / "harbour.toml"
    settings.write_text(re.sub(r"(?m)^replicate_max_lag = .*$", "replicate_max_lag = 3", settings.read_text()))
    editor = Editor(demo_instance)
    replica = tmp_path / "replica"
    server = replicating(demo_instance, replica)
    wait_for(lambda: health(server)["replication"]["databases"][0]["synced_at"], "a first sync")
    replica.rename(tmp_path / "replica-moved")
    replica.write_text("not a folder: the replica store is gone")  # every upload fails from now on
    editor.rename(server, "Written while the replica is unreachable")
    body = wait_for(lambda: (h := health(server))["status"] == "degraded" and h, "/healthz to say degraded")
    assert body["http_status"] == 503 and body["replication"]["state"] == "running"
    assert body["replication"]["behind_seconds"] > 3
    assert any("behind" in p for p in body["problems"])


def test_healthz_reports_the_latest_sync_of_each_feed_and_a_failed_one_as_degraded(demo_instance, server_for):
    with FeedServer() as feed:
        feed.route("/broken", raw("<html>maintenance</html>", status=500, content_type="text/html"))
        with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
            add_feed(db, private, Feed("partner", feed.url + "/broken", "hsds-json", allow_private=True))
        server = server_for(demo_instance)
        before = health(server)
        assert before["http_status"] == 200 and before["status"] == "ok" and before["feeds"] == []
        assert harbour("sync", "partner", "--data-dir", str(demo_instance.data_dir)).returncode == 1
        body = health(server)
    assert body["http_status"] == 503 and body["status"] == "degraded"
    [partner] = body["feeds"]
    assert partner["name"] == "partner" and partner["result"] == "failed" and partner["at"]
    assert body["problems"] == [f"feed partner: its last sync failed at {partner['at']}"]
    assert body["replication"] is None and body["services"] >= 200


def test_serve_refuses_a_replica_url_it_cannot_use_with_one_line(demo_instance, tmp_path):
    data_dir = str(demo_instance.data_dir)
    for url, words in (("ftp://example.org/x", "must be file:///PATH or s3://BUCKET/PATH"),
                       ("file://relative/path", "absolute path"),
                       (f"file://{demo_instance.data_dir}/replica", "inside the data dir"),
                       ("s3:///no-bucket", "names no bucket")):
        done = harbour("serve", "--data-dir", data_dir, "--port", "9", "--replicate", url)
        assert done.returncode == 1, url
        assert words in done.stderr and done.stderr.strip().count("\n") == 0, (url, done.stderr)
