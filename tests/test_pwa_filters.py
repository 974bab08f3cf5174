"""The PWA's filters: open now by a frozen clock in the city's time zone, filters combined
against what directory.db says, and "near me" sorting by distance without the phone's
position ever leaving the phone. The pure logic behind them runs under Node too."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import sqlite_utils

from directory.bundle.snapshot import active_service_ids
from tests.pwa_helpers import (
    PAGE_SIZE,
    Watch,
    bundle,
    closing_at_five,
    context_maker,
    directory_db,
    km_between,
    listed_ids,
    result_link,
    result_total,
    show_all,
    summer_day,
    wait_for_filters,
)


@pytest.fixture
def new_context(browser):
    yield from context_maker(browser)

JS_TESTS = Path(__file__).resolve().parent / "js"


# --- pure logic under Node ----------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "count"),
    [
        ("hours.test.mjs", 12),
        ("filters.test.mjs", 9),
        ("notices.test.mjs", 4),
        ("format.test.mjs", 7),
        ("results.test.mjs", 5),
    ],
)
def test_page_logic_passes_under_node(script, count):
    node = shutil.which("node")
    assert node, "node is needed to test the page's own logic"
    result = subprocess.run(
        [node, "--test", str(JS_TESTS / script)], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Guard against a runner that found fewer tests than written.
    assert f"# pass {count}" in result.stdout, result.stdout


# --- open now -----------------------------------------------------------------------


def open_now_list(new_context, server, when: datetime) -> tuple[list[str], Watch, object]:
    # The phone is set to Kabul time: only the bundle's time zone (London) may count.
    context = new_context("en-GB", timezone_id="Asia/Kabul")
    watch = Watch(context)
    page = watch.page(context)
    page.clock.set_fixed_time(when)
    page.goto(server.url + "/")
    page.wait_for_selector("#results li")
    toggle = page.locator("#filters [data-filter='open']")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    wait_for_filters(page, "open")
    assert toggle.get_attribute("aria-pressed") == "true"
    ids = show_all(page)
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []
    return ids, watch, page


def test_open_now_lists_a_service_closing_at_17_at_16_59_and_not_at_17_01(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    service, day = closing_at_five(demo_server, services)
    on = summer_day(day)  # London is on UTC+1 then: 16:59 there is 15:59 UTC
    before, _, page = open_now_list(new_context, demo_server, datetime.combine(on, time(15, 59), UTC))
    assert service["id"] in before
    assert len(before) < len(services)  # the filter filtered
    assert "Open now" in result_link(page, service).inner_text()

    after, _, _ = open_now_list(new_context, demo_server, datetime.combine(on, time(16, 1), UTC))
    assert service["id"] not in after
    assert after, "at 17:01 some services (24-hour lines) are still open"


# --- filters combined ------------------------------------------------------------------

FREE_NO_STATUS_CHECK_ARABIC = """
SELECT s.id FROM services s
WHERE EXISTS (SELECT 1 FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
              WHERE a.link_id = s.id AND t.code = 'free')
  AND EXISTS (SELECT 1 FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
              WHERE a.link_id = s.id AND t.code = 'no-status-check')
  AND EXISTS (
      SELECT 1 FROM languages l
      WHERE (lower(l.code) = 'ar' OR lower(l.code) LIKE 'ar-%')
        AND (l.service_id = s.id
             OR l.location_id IN (SELECT location_id FROM service_at_location WHERE service_id = s.id)
             OR l.phone_id IN (SELECT id FROM phones WHERE service_id = s.id
                               OR service_at_location_id IN
                                  (SELECT id FROM service_at_location WHERE service_id = s.id))))
"""


def test_free_and_no_status_check_and_arabic_spoken_list_exactly_what_the_database_says(new_context, demo_server):
    db = sqlite_utils.Database(directory_db(demo_server))
    try:
        # Only services still listed: the bundle's own definition of active.
        expected = {row[0] for row in db.execute(FREE_NO_STATUS_CHECK_ARABIC)} & active_service_ids(db)
    finally:
        db.close()
    assert expected, "the demo data should have free Arabic-speaking services without a status check"

    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#results li")
    everything = result_total(page)
    more = page.locator("#more-button")
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    for key in ("free", "no-status-check"):
        button = page.locator(f"#filters [data-filter='{key}']")
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
    page.get_by_label("Language spoken").select_option("ar")
    wait_for_filters(page, "free no-status-check language-ar")

    assert result_total(page) == len(expected)
    assert f"{len(expected)} services found" in page.locator("#status").inner_text()
    assert set(show_all(page)) == expected
    assert len(expected) < everything
    # Clearing brings everything back: all of them counted, the first page drawn.
    page.locator("#clear-filters").click()
    wait_for_filters(page, "")
    assert result_total(page) == everything
    assert page.locator("#results li").count() == min(everything, PAGE_SIZE)
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []


# --- near me ------------------------------------------------------------------------------


def places_by_service(server) -> dict[str, list[tuple[float, float]]]:
    db = directory_db(server)
    try:
        rows = db.execute(
            """SELECT sal.service_id, l.latitude, l.longitude FROM service_at_location sal
               JOIN locations l ON l.id = sal.location_id
               WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL"""
        ).fetchall()
    finally:
        db.close()
    places: dict[str, list[tuple[float, float]]] = {}
    for service_id, lat, lon in rows:
        places.setdefault(service_id, []).append((float(lat), float(lon)))
    return places


def test_near_me_sorts_by_distance_and_the_position_never_leaves_the_phone(new_context, demo_server):
    places = places_by_service(demo_server)
    # Stand a little way off one of the demo's places, so distances are all different.
    lat, lon = places[sorted(places)[len(places) // 2]][0]
    me = (round(lat + 0.0037, 6), round(lon - 0.0041, 6))
    context = new_context("en-GB", geolocation={"latitude": me[0], "longitude": me[1]})
    context.grant_permissions(["geolocation"])
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#results[data-query='']", state="attached")
    before = show_all(page)
    near = page.locator("#filters [data-filter='near']")
    near.click()
    page.wait_for_selector("#results[data-order='distance']", state="attached")
    assert near.get_attribute("aria-pressed") == "true"
    first_page = listed_ids(page)
    ids = show_all(page)
    assert first_page == ids[:PAGE_SIZE]  # a new order starts again at its first page
    assert sorted(ids) == sorted(before)  # sorted, not filtered

    def distance(service_id: str) -> float:
        return min((km_between(me[0], me[1], *p) for p in places.get(service_id, [])), default=float("inf"))

    distances = [distance(i) for i in ids]
    assert distances == sorted(distances), "not nearest first"
    assert distances[0] == min(distance(i) for i in before)
    assert ids != before
    assert re.search(r"\b\d+(\.\d)? (km|m)\b", page.locator("#results li").first.inner_text())

    # The position went nowhere: not in any URL or body, not in storage.
    for value in (f"{me[0]:.4f}", f"{me[1]:.4f}", f"{me[0]}", f"{me[1]}"):
        assert watch.carrying(value) == [], value
    stored = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert f"{me[0]:.3f}" not in stored
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []
