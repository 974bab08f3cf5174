"""Civil-society publishers: their own feeds only, registered behind the SSRF guard, run, reported plainly."""

from __future__ import annotations

import time
from contextlib import closing

import httpx
import pytest

from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.staff.workflow_helpers import close_all, one, org_with_services, rows, sign_in
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service

PUBLIC_ADDRESS = "http://93.184.216.34/services.json"  # a global address: allowed, never fetched here


@pytest.fixture
def feeds():
    with FeedServer() as server:
        yield server


def register_as_admin(instance, name: str, url: str, publisher: str) -> None:
    """What `harbour feeds add --allow-private --publisher ORG` does: the test feed lives on 127.0.0.1."""
    with closing(instance.directory()) as db, closing(instance.private()) as private:
        add_feed(db, private, Feed(name=name, url=url, format="hsds-json", allow_private=True, publisher_id=publisher))


def test_a_publisher_registers_its_feed_but_not_one_on_a_loopback_address(demo_instance, server_for, feeds):
    org = org_with_services(demo_instance)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, pub=("publisher", [org]))
    client, csrf = people["pub"]
    form = {"csrf_token": csrf, "format": "hsds-json", "organization_id": org}
    try:
        refused = client.post("/staff/feeds", data={**form, "name": "sneaky", "url": feeds.url + "/services"})
        assert refused.status_code == 400 and "loopback" in refused.text
        done = client.post("/staff/feeds", data={**form, "name": "welcome-ngo", "url": PUBLIC_ADDRESS})
        assert done.status_code == 303 and done.headers["location"] == "/staff/feeds/welcome-ngo?saved=registered"
        moved = client.post("/staff/feeds/welcome-ngo", data={
            "csrf_token": csrf, "url": "http://127.0.0.1:9/x", "format": "hsds-json"})  # fmt: skip
        assert moved.status_code == 400 and "loopback" in moved.text
    finally:
        close_all(people)
    assert rows(demo_instance, "SELECT name, publisher_id FROM feeds") == [("welcome-ngo", org)]
    assert rows(demo_instance, "SELECT url, allow_private FROM feed_settings", private=True) == [(PUBLIC_ADDRESS, 0)]
    assert feeds.requests == []  # the guard refused before any connection


def test_a_publisher_runs_its_feed_and_reads_what_landed_and_what_was_set_aside(demo_instance, server_for, feeds):
    org = org_with_services(demo_instance)
    records = [service(1), service(2), service(3, name="", description="")]
    register_as_admin(demo_instance, "riverside", serve_services(feeds, records), org)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, pub=("publisher", [org]))
    client, csrf = people["pub"]
    try:
        before = client.get("/staff/feeds/riverside")
        assert "This feed has not been run yet." in before.text
        ran = client.post("/staff/feeds/riverside/run", data={"csrf_token": csrf})
        # The run goes on in the background; the page says so until its report is in.
        assert ran.status_code == 303 and ran.headers["location"].endswith("?saved=started#report")
        report = _when_run(client, "/staff/feeds/riverside")
    finally:
        close_all(people)
    created, quarantined = rows(demo_instance, "SELECT created, quarantined FROM sync_runs WHERE feed = 'riverside'")[0]
    assert (created, quarantined) == (2, 1)
    last_run = report.text.split('id="last-run">')[1].split("</div>")[0]
    assert "added 2 new services, changed 0 and found 0 unchanged" in last_run
    assert "1 record could not be used and was set aside" in last_run
    reasons = rows(demo_instance, "SELECT reasons FROM quarantine WHERE source = 'feed:riverside'", private=True)
    assert len(reasons) == 1
    section = report.text.split('id="quarantine"')[1]
    assert "svc-3" in section and "name" in section


def test_a_publisher_sees_only_its_own_feeds_and_their_quarantine(demo_instance, server_for, feeds):
    mine, theirs = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    register_as_admin(demo_instance, "mine", serve_services(feeds, [service(1, name="")]), mine)
    register_as_admin(demo_instance, "theirs", feeds.url + "/theirs", theirs)
    sync_feed(demo_instance, "mine")
    with closing(demo_instance.private()) as private:
        private.execute("INSERT INTO quarantine (source, source_id, raw, reasons, at) VALUES"
                        " ('feed:theirs', 'x-1', '{}', '[\"their secret reason\"]', '2026-01-01T00:00:00Z')")  # fmt: skip
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, pub=("publisher", [mine]))
    client, csrf = people["pub"]
    try:
        listing = client.get("/staff/feeds")
        assert 'data-feed="mine"' in listing.text and 'data-feed="theirs"' not in listing.text
        assert client.get("/staff/feeds/theirs").status_code == 403
        assert client.post("/staff/feeds/theirs/run", data={"csrf_token": csrf}).status_code == 403
        assert client.post("/staff/feeds/theirs", data={"csrf_token": csrf, "url": PUBLIC_ADDRESS,
                                                        "format": "hsds-json"}).status_code == 403  # fmt: skip
        own = client.get("/staff/feeds/mine")
        assert own.status_code == 200 and "their secret reason" not in own.text and "svc-1" in own.text
        options = listing.text.split('id="organization_id"')[1].split("</select>")[0]
        assert f'value="{mine}"' in options and f'value="{theirs}"' not in options
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT count(*) FROM sync_runs WHERE feed = 'theirs'") == 0


def test_feed_writes_are_refused_to_anonymous_viewers_other_organizations_and_forged_forms(demo_instance, server_for):
    mine, theirs = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    server = server_for(demo_instance)
    form = {"name": "x-feed", "url": PUBLIC_ADDRESS, "format": "hsds-json", "organization_id": theirs}
    assert httpx.post(server.url + "/staff/feeds", data=form).status_code == 401
    people = sign_in(demo_instance, server, viewer=("viewer", ()), pub=("publisher", [mine]))
    try:
        viewer, viewer_csrf = people["viewer"]
        assert viewer.post("/staff/feeds", data={**form, "csrf_token": viewer_csrf}).status_code == 403
        client, csrf = people["pub"]
        assert client.post("/staff/feeds", data={**form, "csrf_token": csrf}).status_code == 403  # not its org
        assert client.post("/staff/feeds", data={**form, "organization_id": mine}).status_code == 403  # no token
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT count(*) FROM feeds") == 0


def _when_run(client, page: str):
    """The feed's page once its background run has finished (no timing assumed: polls the page)."""
    for _ in range(600):
        answer = client.get(page)
        if 'id="running"' not in answer.text and "This feed has not been run yet." not in answer.text:
            return answer
        time.sleep(0.1)
    raise AssertionError(f"{page}: the run did not finish in a minute")
