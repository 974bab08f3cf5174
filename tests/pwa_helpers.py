"""Helpers for the PWA's browser tests: watching every request, reading the served data,
driving the search box, and choosing demo services by reading directory.db."""

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

ALLOWED_SCHEMES = {"data", "blob"}
# How many results the list draws before "Show more" (pwa/results.js).
PAGE_SIZE = int(
    re.search(
        r"export const PAGE_SIZE = (\d+);",
        (Path(__file__).resolve().parent.parent / "pwa" / "results.js").read_text(encoding="utf-8"),
    ).group(1)
)
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# Every element drawn outside the screen's width, sideways scrolling or not (an RTL page
# overflowing to the left never scrolls, so scrollWidth alone misses it). Rows that scroll
# on purpose (the category pictures) are left out.
OUTSIDE_SCREEN = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".categories, .visually-hidden, [hidden]")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.left < -0.5 || box.right > window.innerWidth + 0.5) {
      out.push(`${el.tagName}.${el.getAttribute("class") || ""} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return out;
}"""


def bundle_url(server, language: str) -> str:
    return httpx.get(server.url + "/bundle/manifest.json").json()["languages"][language]["url"]


def bundle(server, language: str) -> dict:
    return httpx.get(server.url + bundle_url(server, language)).json()


def wait_until(page, script: str, what: str, timeout: float = 30) -> None:
    # page.wait_for_function evaluates strings, which the page's CSP forbids; evaluate() is allowed.
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        page.wait_for_timeout(100)


def open_until_offline_ready(context, url: str):
    """A new page of the app at `url`, once its worker controls it and it works offline."""
    page = context.new_page()
    page.goto(url + "/")
    wait_until(page, "() => navigator.serviceWorker.controller !== null", "the service worker to control the page")
    page.wait_for_selector("html[data-offline-ready='true']", state="attached")
    return page


class Watch:
    """Every request a context makes (with its body), and every error its pages report."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.bodies: list[str] = []
        self.errors: list[str] = []
        context.on("request", self._record)

    def _record(self, request) -> None:
        self.urls.append(request.url)
        try:
            body = request.post_data
        except Exception:  # a binary body: keep what can be read of it
            body = (request.post_data_buffer or b"").decode("latin-1")
        if body:
            self.bodies.append(body)

    def page(self, context):
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        return page

    def foreign(self) -> list[str]:
        found = []
        for url in self.urls:
            parts = urlparse(url)
            if parts.scheme in ALLOWED_SCHEMES:
                continue
            if parts.scheme not in ("http", "https") or parts.hostname != "127.0.0.1":
                found.append(url)
        return found

    def carrying(self, text: str) -> list[str]:
        """Requests whose URL or body contains `text`."""
        return [item for item in self.urls + self.bodies if text in item]


def context_maker(browser):
    """Body of each test module's `new_context` fixture: make contexts, close them after."""
    contexts = []

    def make(locale: str, width: int = 360, **options):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": 740}, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def search_for(page, query: str) -> None:
    """Type a query and wait until the list answers it, not the list from before."""
    page.get_by_role("searchbox").fill(query)
    page.wait_for_selector(f"#results[data-query={json.dumps(query, ensure_ascii=False)}]", state="attached")


def wait_for_filters(page, keys: str) -> None:
    """Wait until the list answers exactly these active filters (space-separated)."""
    page.wait_for_selector(f"#results[data-filters={json.dumps(keys)}]", state="attached")


def result_link(page, service: dict):
    return page.locator(f"#results li a[href='#/service/{service['id']}']")


def listed_ids(page) -> list[str]:
    """The services the list draws now (a page at a time: see show_all)."""
    hrefs = page.locator("#results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href.removeprefix("#/service/") for href in hrefs]


def result_total(page) -> int:
    """How many services the list answers with, drawn or not yet (its data-total)."""
    return int(page.locator("#results").get_attribute("data-total"))


def show_all(page) -> list[str]:
    """Press "Show more" until every result is drawn; → the ids of all of them, in order."""
    total = result_total(page)
    while page.locator("#results li").count() < total:
        drawn = page.locator("#results li").count()
        page.locator("#show-more").click()
        wait_until(page, f"() => document.querySelectorAll('#results li').length > {drawn}", "the next page")
    assert page.locator("#show-more").is_hidden()
    ids = listed_ids(page)
    assert len(ids) == total
    return ids


def directory_db(server) -> sqlite3.Connection:
    return sqlite3.connect(Path(server.data_dir) / "directory.db")


def closing_at_five(server, services: list[dict]) -> tuple[dict, str]:
    """From directory.db: a service open on a weekday until 17:00 by one plain weekly schedule
    (nothing else keeps it open later), preferring one with a phone and a place on a map."""
    db = directory_db(server)
    try:
        rows = db.execute(
            """SELECT service_id, byday FROM schedules
               WHERE service_id IS NOT NULL AND closes_at LIKE '17:00%' AND opens_at < '16:00'
                 AND coalesce(freq, 'WEEKLY') = 'WEEKLY' AND coalesce(interval, 1) = 1
                 AND valid_from IS NULL AND valid_to IS NULL
               ORDER BY service_id"""
        ).fetchall()
    finally:
        db.close()
    by_id = {s["id"]: s for s in services}
    candidates = [
        (by_id[sid], byday.split(",")[0].strip())
        for sid, byday in rows
        if sid in by_id and len(by_id[sid].get("schedules", [])) == 1
    ]
    if not candidates:
        pytest.fail("the demo data has no service closing at 17:00 by one weekly schedule")
    complete = [c for c in candidates if c[0].get("phones") and any("lat" in p for p in c[0].get("locations", []))]
    return (complete or candidates)[0]


def summer_day(day_code: str) -> date:
    """A date in July 2027 (British Summer Time, UTC+1) falling on that weekday."""
    monday = date(2027, 7, 5)
    return monday + timedelta(days=DAY_CODES.index(day_code))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
