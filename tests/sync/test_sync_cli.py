"""`harbour feeds` and `harbour sync` as a user runs them, including a run killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from directory.db.connection import connect
from directory.hsds.tables import hsds_tables
from tests.sync.feed_server import FeedServer, Reply, raw
from tests.sync.helpers import page, service
from tests.test_import_export import harbour

PAGES, PER_PAGE = 8, 25


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def paged_feed(delay: float = 0.0):
    """An HSDS API with PAGES pages whose totals lie (it claims one page)."""
    records = [service(n) for n in range(PAGES * PER_PAGE)]

    def route(request):
        number = int(request.query.get("page", ["1"])[0])
        chunk = records[(number - 1) * PER_PAGE : number * PER_PAGE]
        body = page(chunk, number=number, total_pages=1, last=number >= PAGES)
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"}, delay_seconds=delay)

    return route


def test_feeds_add_refuses_a_loopback_address_unless_allowed(empty_instance, server):
    refused = harbour("feeds", "add", "city", server.url + "/services", "--format", "hsds-json",
                      data_dir=empty_instance.data_dir)
    assert refused.returncode != 0
    assert len(refused.stderr.strip().splitlines()) == 1 and "127.0.0.1" in refused.stderr
    allowed = harbour("feeds", "add", "city", server.url + "/services", "--format", "hsds-json", "--allow-private",
                      data_dir=empty_instance.data_dir)
    assert allowed.returncode == 0, allowed.stderr


def test_feeds_add_refuses_an_unknown_format_and_a_bad_interval(empty_instance, server):
    for extra in (["--format", "rss"], ["--format", "oruk", "--every", "often"]):
        result = harbour("feeds", "add", "x", server.url, "--allow-private", *extra, data_dir=empty_instance.data_dir)
        assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1


def test_sync_json_prints_one_object_with_the_counts_as_its_last_line(empty_instance, server):
    server.route("/services", paged_feed())
    harbour("feeds", "add", "city", server.url + "/services", "--format", "hsds-json", "--allow-private",
            data_dir=empty_instance.data_dir)
    result = harbour("sync", "city", "--json", data_dir=empty_instance.data_dir)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["fetched"] == PAGES * PER_PAGE and counts["created"] == PAGES * PER_PAGE
    for key in ("updated", "unchanged", "deleted", "quarantined", "duplicates", "not_modified", "errors"):
        assert counts[key] == 0, key
    listing = harbour("feeds", "list", data_dir=empty_instance.data_dir)
    assert "city" in listing.stdout and f"{PAGES * PER_PAGE} created" in listing.stdout


def test_sync_of_garbage_exits_non_zero_with_one_line(empty_instance, server):
    server.route("/services", raw("<!doctype html><title>Maintenance</title>", 503, "text/html"))
    harbour("feeds", "add", "city", server.url + "/services", "--format", "hsds-json", "--allow-private",
            data_dir=empty_instance.data_dir)
    result = harbour("sync", "city", data_dir=empty_instance.data_dir)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "city" in result.stderr


def test_sync_of_a_spreadsheet_feed_answers_not_modified_on_a_304(empty_instance, server, tmp_path):
    csv_body = "Name,Organisation,Phone\nLegal advice clinic,Riverside Law Centre,01632 960111\n"

    def route(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, csv_body.encode(), {"Content-Type": "text/csv", "ETag": '"v1"'})

    server.route("/services.csv", route)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("service:\n  name: Name\norganization:\n  name: Organisation\nphones: [Phone]\n")
    added = harbour("feeds", "add", "assoc", server.url + "/services.csv", "--format", "csv", "--mapping",
                    str(mapping), "--allow-private", data_dir=empty_instance.data_dir)
    assert added.returncode == 0, added.stderr
    first = json.loads(harbour("sync", "assoc", "--json", data_dir=empty_instance.data_dir).stdout.splitlines()[-1])
    assert first["created"] == 1
    again = json.loads(harbour("sync", "assoc", "--json", data_dir=empty_instance.data_dir).stdout.splitlines()[-1])
    assert again["not_modified"] == 1 and again["created"] == 0


def hsds_rows(data_dir) -> dict[str, list]:
    db = connect(data_dir / "directory.db")
    try:
        return {t: sorted(map(tuple, db.execute(f"SELECT * FROM [{t}]").fetchall()), key=repr)
                for t in hsds_tables() if t != "metadata"}
    finally:
        db.close()


def test_a_sync_killed_mid_run_leaves_a_sound_database_and_the_next_run_converges(
        empty_instance, server, tmp_path):
    server.route("/services", paged_feed(delay=0.3))
    args = ["feeds", "add", "city", server.url + "/services", "--format", "hsds-json", "--allow-private"]
    assert harbour(*args, data_dir=empty_instance.data_dir).returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "directory", "sync", "city", "--data-dir",
                                str(empty_instance.data_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while sum(1 for r in server.requests if r.path == "/services") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert sum(1 for r in server.requests if r.path == "/services") < PAGES, "the run was not cut short"

    db = connect(empty_instance.data_dir / "directory.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Records land in short transactions of their own: each one landed is whole, its phone with it.
    assert db.execute("SELECT count(*) FROM services s WHERE NOT EXISTS"
                      " (SELECT 1 FROM phones p WHERE p.service_id = s.id)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM provenance WHERE deleted_at IS NOT NULL").fetchone()[0] == 0
    db.close()

    server.route("/services", paged_feed())
    resumed = harbour("sync", "city", "--json", data_dir=empty_instance.data_dir)
    assert resumed.returncode == 0, resumed.stderr
    reference = tmp_path / "reference"
    assert harbour("init", data_dir=reference).returncode == 0
    assert harbour(*args, data_dir=reference).returncode == 0
    assert harbour("sync", "city", data_dir=reference).returncode == 0
    assert hsds_rows(empty_instance.data_dir) == hsds_rows(reference)
    runs = connect(empty_instance.data_dir / "directory.db").execute(
        "SELECT result, message FROM sync_runs ORDER BY id").fetchall()
    assert runs[0] == ("failed", "interrupted before it finished") and runs[-1][0] == "ok"


def test_feeds_remove_forgets_the_feed_but_keeps_its_records(empty_instance, server):
    server.route("/services", paged_feed())
    harbour("feeds", "add", "city", server.url + "/services", "--format", "hsds-json", "--allow-private",
            data_dir=empty_instance.data_dir)
    assert harbour("sync", "city", data_dir=empty_instance.data_dir).returncode == 0
    removed = harbour("feeds", "remove", "city", data_dir=empty_instance.data_dir)
    assert removed.returncode == 0, removed.stderr
    assert "city" not in harbour("feeds", "list", data_dir=empty_instance.data_dir).stdout
    db = connect(empty_instance.data_dir / "directory.db")
    assert db.execute("SELECT count(*) FROM services").fetchone()[0] == PAGES * PER_PAGE
    again = harbour("feeds", "remove", "city", data_dir=empty_instance.data_dir)
    assert again.returncode != 0 and "no feed named 'city'" in again.stderr
