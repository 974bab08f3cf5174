"""A feed's staff page shows its last run's report, and its problems download as a safe CSV."""

from __future__ import annotations

import csv
import io

import pytest

from directory.sync.run import sync_feed
from tests.staff.test_publisher_feeds import register_as_admin
from tests.staff.workflow_helpers import close_all, one, org_with_services, sign_in
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service


@pytest.fixture
def feeds():
    with FeedServer() as server:
        yield server


def test_the_page_and_csv_show_the_last_runs_problems_to_the_editor_and_publisher_only(
    demo_instance, server_for, feeds
):
    mine, theirs = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    records = [service(1), service(2, id="=HYPERLINK(\"https://evil.example\")", name=""), service(3, name="")]
    register_as_admin(demo_instance, "riverside", serve_services(feeds, records), mine)
    run_id = sync_feed(demo_instance, "riverside").run_id
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [mine]), pub=("publisher", [mine]),
                     other=("publisher", [theirs]))  # fmt: skip
    try:
        for key in ("ed", "pub"):
            client, _ = people[key]
            page = client.get("/staff/feeds/riverside")
            assert page.status_code == 200
            section = page.text.split('id="problems"')[1].split("</div>")[0]
            assert "<strong>2</strong> set aside" in section
            assert "record svc-3" in section and "name" in section
            assert f'href="/staff/feeds/riverside/problems.csv?run={run_id}"' in section
            assert "Nothing was set aside" not in page.text
            download = client.get("/staff/feeds/riverside/problems.csv")
            assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
            assert download.headers["content-disposition"].startswith("attachment;")
            rows = list(csv.DictReader(io.StringIO(download.text)))
            aside = sorted(r["record"] for r in rows if r["kind"] == "set_aside")
            assert aside == ["'=HYPERLINK(\"https://evil.example\")", "svc-3"]  # a formula stays text
            assert client.get(f"/staff/feeds/riverside/problems.csv?run={run_id}").text == download.text
            assert client.get("/staff/feeds/riverside/problems.csv?run=999999").status_code == 404
        other, _ = people["other"]
        assert other.get("/staff/feeds/riverside").status_code == 403
        assert other.get("/staff/feeds/riverside/problems.csv").status_code == 403
    finally:
        close_all(people)


def test_a_clean_run_says_nothing_was_set_aside_and_lists_no_problems(demo_instance, server_for, feeds):
    org = org_with_services(demo_instance)
    register_as_admin(demo_instance, "clean", serve_services(feeds, [service(1), service(2)]), org)
    assert sync_feed(demo_instance, "clean").result == "ok"
    assert one(demo_instance, "SELECT count(*) FROM run_problems WHERE kind = 'set_aside'", private=True) == 0
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, pub=("publisher", [org]))
    try:
        client, _ = people["pub"]
        page = client.get("/staff/feeds/clean")
        assert "Nothing was set aside." in page.text and "set aside (not in the directory)" not in page.text
        rows = list(csv.DictReader(io.StringIO(client.get("/staff/feeds/clean/problems.csv").text)))
        assert all(row["kind"] != "set_aside" for row in rows)
    finally:
        close_all(people)
