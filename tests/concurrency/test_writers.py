"""Writers take turns instead of failing, and readers never wait on them: a real `harbour serve`,
real HTTP, a real feed on 127.0.0.1 whose sync outlasts SQLite's busy timeout."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.concurrency.crowd import (
    PAGES,
    PER_PAGE,
    Crowd,
    Editor,
    Readers,
    descriptions,
    last_run,
    services_from,
    slow_paged_feed,
)
from tests.staff.helpers import make_token, make_user
from tests.sync.feed_server import FeedServer

EDITORS = 4


@pytest.fixture
def feed():
    with FeedServer() as server:
        server.route("/services", slow_paged_feed())
        yield server


def harbour(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
                          capture_output=True, text=True, timeout=180)  # fmt: skip


def editors_for(instance, url: str) -> list[Editor]:
    """Four staff scripts, each with its own account, token and service."""
    with instance.reading() as db:
        ids = [row[0] for row in db.execute("SELECT id FROM services ORDER BY id LIMIT ?", [EDITORS])]
    people = []
    for n, service_id in enumerate(ids):
        make_user(instance, f"script{n}@writers.test", "admin")
        people.append(Editor(url, make_token(instance, f"script{n}@writers.test"), service_id))
    return people


def wait_for_run(instance, feed_name: str, timeout: float = 120) -> tuple:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = last_run(instance.data_dir, feed_name)
        if run is not None and run[0] != "running":
            return run
        time.sleep(0.2)
    raise AssertionError(f"the sync of {feed_name} did not finish")


def assert_every_save_answered_and_kept(instance, editors: list[Editor], crowd: Crowd) -> None:
    assert crowd.failures() == []
    assert all(status < 500 for editor in editors for status in editor.statuses)
    assert all(editor.acknowledged for editor in editors), "some staff script never saved"
    kept = descriptions(instance.data_dir, [e.service_id for e in editors])
    assert kept == {e.service_id: e.acknowledged[-1] for e in editors}, "an acknowledged save was lost"


def test_staff_saves_and_readers_are_all_answered_while_the_server_syncs_a_slow_feed(
    demo_instance, server_for, feed, monkeypatch
):
    monkeypatch.setenv("HARBOUR_SYNC_TICK", "0.3")  # the server's scheduler looks for due feeds this often
    server = server_for(demo_instance)
    editors = editors_for(demo_instance, server.url)
    readers = [Readers(server.url) for _ in range(2)]
    with Crowd(*editors, *readers) as crowd:
        added = harbour(demo_instance, "feeds", "add", "city", feed.url + "/services", "--format", "hsds-json",
                        "--allow-private", "--every", "24h")  # fmt: skip
        assert added.returncode == 0, added.stderr
        while last_run(demo_instance.data_dir, "city") is None:  # the scheduler picks it up
            time.sleep(0.1)
        answered_before = sum(r.answered for r in readers)
        run = wait_for_run(demo_instance, "city")
        answered_during = sum(r.answered for r in readers) - answered_before
    assert run[:2] == ("ok", None), run
    assert services_from(demo_instance.data_dir, "city") == PAGES * PER_PAGE
    assert_every_save_answered_and_kept(demo_instance, editors, crowd)
    assert answered_during > 0, "no reader was answered while the sync wrote"


def test_a_cli_sync_in_another_process_succeeds_while_the_server_takes_staff_saves(
    demo_instance, server_for, feed
):
    server = server_for(demo_instance)
    editors = editors_for(demo_instance, server.url)
    added = harbour(demo_instance, "feeds", "add", "city", feed.url + "/services", "--format", "hsds-json",
                    "--allow-private")  # fmt: skip
    assert added.returncode == 0, added.stderr
    with Crowd(*editors, Readers(server.url)) as crowd:
        synced = harbour(demo_instance, "sync", "city", "--json")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert last_run(demo_instance.data_dir, "city")[:2] == ("ok", None)
    assert services_from(demo_instance.data_dir, "city") == PAGES * PER_PAGE
    assert_every_save_answered_and_kept(demo_instance, editors, crowd)
