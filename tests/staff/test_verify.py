"""Verification: "still correct" sets assured_date; the dashboard counts what the databases hold."""

from __future__ import annotations

import calendar
from contextlib import closing
from datetime import UTC, date, datetime

import httpx
import pytest

from directory.staff.verify.charts import Bar, bar_chart
from directory.staff.verify.queries import months_between
from directory.store.review import open_review
from directory.sync.feeds import Feed, add_feed
from directory.sync.quarantine import quarantine
from directory.sync.run import sync_feed
from tests.staff.workflow_helpers import close_all, figure, one, org_with_services, rows, sign_in
from tests.sync.feed_server import FeedServer, raw


def months_back(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def oldest_service_of(instance, org: str) -> str:
    return one(instance, "SELECT id FROM services WHERE organization_id = ? ORDER BY assured_date, id LIMIT 1", org)


def test_still_correct_sets_todays_assured_date_seen_in_the_hsds_api(demo_instance, server_for):
    org = org_with_services(demo_instance)
    service = oldest_service_of(demo_instance, org)
    before = one(demo_instance, "SELECT assured_date FROM services WHERE id = ?", service)
    today = datetime.now(UTC).date().isoformat()
    assert before != today
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [org]))
    client, csrf = people["ed"]
    try:
        answer = client.post(f"/staff/verify/services/{service}", data={"csrf_token": csrf, "next": "/staff/verify"})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/verify?verified=")
    finally:
        close_all(people)
    listing = httpx.get(f"{server.url}/hsds/services/{service}", timeout=30).json()
    assert listing["assured_date"] == today
    audit = rows(demo_instance, "SELECT fields, before, after FROM audit_log WHERE record_id = ?", service, private=True)
    assert audit == [('["assured_date"]', f'{{"assured_date": "{before}"}}', f'{{"assured_date": "{today}"}}')]


def test_still_correct_is_refused_to_anonymous_viewers_other_organizations_and_forged_forms(demo_instance, server_for):
    org, other = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    service = oldest_service_of(demo_instance, org)
    before = one(demo_instance, "SELECT assured_date FROM services WHERE id = ?", service)
    server = server_for(demo_instance)
    assert httpx.post(f"{server.url}/staff/verify/services/{service}", data={"csrf_token": "x"}).status_code == 401
    assert httpx.get(f"{server.url}/staff/verify").status_code == 401
    people = sign_in(demo_instance, server, viewer=("viewer", ()), other=("editor", [other]), ed=("editor", [org]))
    try:
        for who in ("viewer", "other"):
            client, csrf = people[who]
            assert client.post(f"/staff/verify/services/{service}", data={"csrf_token": csrf}).status_code == 403, who
        client, _ = people["ed"]
        assert client.post(f"/staff/verify/services/{service}", data={"csrf_token": "forged"}).status_code == 403
        assert client.post(f"/staff/verify/services/{service}", data={}).status_code == 403
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT assured_date FROM services WHERE id = ?", service) == before


@pytest.fixture
def broken_feed_server():
    with FeedServer() as server:
        server.route("/feed.json", raw("Internal error", 500, "text/plain"))
        yield server


def test_the_dashboard_shows_the_counts_the_databases_hold_with_svg_charts(
    demo_instance, server_for, broken_feed_server
):
    with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
        add_feed(db, private, Feed(name="broken", url=broken_feed_server.url + "/feed.json", format="hsds-json",
                                   allow_private=True))  # fmt: skip
        quarantine(private, "feed:broken", "row-7", {"name": "Bad row"}, ["row 7: the name is empty"], None)
        quarantine(private, "feed:other", None, {"title": "x"}, ["service: must have a name"], None)
        some = [r[0] for r in db.execute("SELECT id FROM services ORDER BY id LIMIT 3")]
        open_review(private, "conflict", "services", some[0], {"field": "name", "old": "a", "local": "b", "new": "c"})
        open_review(private, "duplicate", "services", some[1], {"candidate": some[2], "score": 0.8})
    assert sync_feed(demo_instance, "broken").result == "failed"
    today = datetime.now(UTC).date()
    dates = [r[0] for r in rows(demo_instance, "SELECT assured_date FROM services")]
    stale = {
        months: sum(1 for d in dates if d is None or date.fromisoformat(d) <= months_back(today, months))
        for months in (6, 12)
    }
    assert 0 < stale[12] < stale[6] < len(dates)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, viewer=("viewer", ()))
    try:
        page = people["viewer"][0].get("/staff/verify")
    finally:
        close_all(people)
    assert page.status_code == 200
    assert figure(page.text, "count-listed") == str(len(dates))
    assert figure(page.text, "count-stale-6") == str(stale[6])
    assert figure(page.text, "count-stale-12") == str(stale[12])
    assert figure(page.text, "count-failed-feeds") == "1" and ">broken</a>" in page.text
    assert figure(page.text, "count-quarantine") == "2" and "row 7: the name is empty" in page.text
    assert figure(page.text, "count-conflicts") == "1" and figure(page.text, "count-duplicates") == "1"
    assert page.text.count("<svg") == 3 and page.text.count('role="img"') == 3
    assert "style=" not in page.text  # the Content-Security-Policy refuses inline styles
    assert 'action="/staff/verify/services/' not in page.text  # a viewer reads; only writers get the button


def test_months_between_counts_whole_calendar_months():
    assert months_between(date(2025, 1, 31), date(2025, 2, 28)) == 0
    assert months_between(date(2025, 1, 15), date(2025, 7, 15)) == 6
    assert months_between(date(2025, 1, 16), date(2025, 7, 15)) == 5
    assert months_between(date(2026, 1, 1), date(2025, 1, 1)) == 0  # a date in the future is not stale


def test_a_bar_chart_is_labelled_for_screen_readers_and_escapes_its_text():
    chart = str(bar_chart("c1", "Services <per> category", [Bar("Food & drink", 3, "3"), Bar("Health", 6, "6")]))
    assert chart.startswith("<svg") and 'role="img"' in chart and 'aria-labelledby="c1-title c1-desc"' in chart
    assert "<title id=\"c1-title\">Services &lt;per&gt; category</title>" in chart
    assert "Food &amp; drink: 3; Health: 6" in chart
    widths = [float(w) for w in __import__("re").findall(r'width="([\d.]+)" height="22" fill="#0b5cad"', chart)]
    assert widths == [150.0, 300.0]  # scaled to the largest value
