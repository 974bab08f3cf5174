"""Feed runs off the request path: one at a time per feed, whoever starts them."""

from __future__ import annotations

import json
import threading
import time
from contextlib import closing

from directory.sync.background import is_running, run_alone, start_run
from directory.sync.feeds import Feed, add_feed
from tests.sync.feed_server import FeedServer, Reply
from tests.sync.helpers import page, service


def _gated_feed(server: FeedServer, gate: threading.Event, asked: threading.Event) -> str:
    body = json.dumps(page([service(1), service(2)])).encode()

    def answer(request) -> Reply:
        asked.set()
        gate.wait(60)  # the run stays in progress until the test lets it go on
        return Reply(200, body, {"Content-Type": "application/json"})

    server.route("/services", answer)
    return server.url + "/services"


def _until(condition, what: str) -> None:
    for _ in range(600):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within a minute")


def test_a_feed_running_in_the_background_is_not_started_again_until_it_ends(empty_instance):
    gate, asked = threading.Event(), threading.Event()
    with FeedServer() as server:
        url = _gated_feed(server, gate, asked)
        with closing(empty_instance.directory()) as db, closing(empty_instance.private()) as private:
            add_feed(db, private, Feed(name="slow", url=url, format="hsds-json", allow_private=True))
        assert start_run(empty_instance, "slow") is True
        assert asked.wait(30), "the background run never asked the feed"
        assert is_running(empty_instance, "slow")
        assert start_run(empty_instance, "slow") is False  # staff pressing "Run now" again
        assert run_alone(empty_instance, "slow") is None  # the scheduler finding it due
        gate.set()
        _until(lambda: not is_running(empty_instance, "slow"), "the run's end")
        assert len([r for r in server.requests if r.path == "/services"]) == 1
    with closing(empty_instance.directory()) as db:
        assert db.execute("SELECT result, created FROM sync_runs WHERE feed = 'slow'").fetchall() == [("ok", 2)]
