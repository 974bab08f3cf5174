"""The pure parts: what /healthz concludes from what it read, and the Litestream 0.5 configuration."""

from __future__ import annotations

from pathlib import Path

import yaml

from directory.ops.replicate import litestream_config, replica_url
from directory.ops.replicator import Snapshot, parse_stamp, replication_status
from directory.web.health import health


def test_a_replica_behind_by_more_than_the_limit_or_a_dead_replicator_is_a_problem():
    started = 1_000.0
    fresh = Snapshot(started=started, synced_at={"directory.db": 1_009.0, "private.db": 1_009.5,
                                                 "carried-files.db": 1_009.0})
    assert replication_status(fresh, 1_010.0, max_lag=30)["problem"] is None
    behind = replication_status(fresh, 1_050.0, max_lag=30)
    assert behind["behind_seconds"] == 41.0 and behind["problem"] == "the replica is 41 s behind (the limit is 30 s)"
    never = replication_status(Snapshot(started=started), 1_031.0, max_lag=30)  # no sync since it started
    assert never["behind_seconds"] == 31.0 and never["databases"][0]["synced_at"] is None
    dead = Snapshot(started=started, running=False, exit_code=1, last_error="level=ERROR msg=disk full")
    assert replication_status(dead, 1_001.0, max_lag=30)["problem"] == (
        "the replicator died (exit code 1): level=ERROR msg=disk full"
    )


def test_health_is_degraded_by_a_failed_latest_run_or_a_replication_problem_and_ok_otherwise():
    feeds = [{"name": "a", "result": "ok", "at": "2026-12-01T10:00:00Z", "last_success": "2026-12-01T10:00:00Z"},
             {"name": "b", "result": "failed", "at": "2026-12-01T11:00:00Z", "last_success": None}]
    assert health(10, feeds[:1], None)["status"] == "ok"
    assert health(10, feeds, None)["problems"] == ["feed b: its last sync failed at 2026-12-01T11:00:00Z"]
    lagging = {"problem": "the replica is 41 s behind (the limit is 30 s)"}
    assert health(10, feeds[:1], lagging) | {"replication": None} == {
        "status": "degraded", "problems": ["replication: the replica is 41 s behind (the limit is 30 s)"],
        "services": 10, "feeds": feeds[:1], "replication": None,
    }


def test_each_database_gets_its_own_replica_under_the_url_keeping_the_stores_parameters(tmp_path):
    url = "s3://harbour-backups/kingsmere?endpoint=http://10.0.0.5:9000&region=us-east-1&forcePathStyle=true"
    assert replica_url(url, "private.db") == (
        "s3://harbour-backups/kingsmere/private.db?endpoint=http://10.0.0.5:9000&region=us-east-1&forcePathStyle=true"
    )
    assert replica_url("file:///srv/replica/", "directory.db") == "file:///srv/replica/directory.db"
    config = yaml.safe_load(litestream_config(tmp_path, "file:///srv/replica", Path("/run/h/control.sock")))
    assert config["socket"] == {"enabled": True, "path": "/run/h/control.sock"}
    assert [(d["path"], d["replica"]["url"]) for d in config["dbs"]] == [
        (str(tmp_path / name), f"file:///srv/replica/{name}")
        for name in ("directory.db", "private.db", "carried-files.db")
    ]
    assert "replicas" not in config["dbs"][0]  # 0.5 takes one `replica:` per database


def test_litestream_times_with_nanoseconds_are_read_to_the_microsecond():
    assert parse_stamp("2026-12-07T22:46:57.003762579Z") == 1796683617.003762579
    assert parse_stamp("2026-12-07T22:46:57Z") == 1796683617.0
    assert parse_stamp(None) is None and parse_stamp("yesterday") is None
