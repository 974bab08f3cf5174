"""The PWA's data in a real Chromium against a real `harbour serve`: a change on the server
reaches the phone as a delta and is found offline, a reload reuses what is stored (the
bundle and the search index), a wrong delta never shows, and the status says honestly
how fresh the data is.

The server sends `Cache-Control: no-store`, so nothing offline can come from the HTTP
cache. Requests the service worker makes itself are in the context's network events
too (Chromium): a response not `from_service_worker` is one that crossed the network.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import urlparse

import httpx
import pytest

from directory.paths import DEMO_DIR
from tests.bundle_helpers import wait_for_fresh_bundles
from tests.pwa_helpers import open_until_offline_ready, wait_until

BUNDLE_FILE = re.compile(r"^/bundle/[a-z]{2,3}\.[0-9a-f]{16}\.json$")
NEW_NAME = "Zephyrine Quillfeather Advice Desk"
SEARCHED = "quillfeather"



class Network:
    """What a context asked for, and which responses crossed the network."""

    def __init__(self, context):
        self.requests: list = []
        self.responses: list = []
        context.on("request", lambda request: self.requests.append(request))
        context.on("response", lambda response: self.responses.append(response))

    def downloaded(self, pattern: re.Pattern) -> list[str]:
        return [r.url for r in self.responses if not r.from_service_worker and pattern.match(urlparse(r.url).path)]

    def urls(self) -> list[str]:
        return [r.url for r in self.requests]


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(locale: str = "en-GB"):
        context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()



def import_edited_service(instance, tmp_path, name: str) -> dict:
    """`harbour import` of one demo service under a new name, into the served data dir."""
    record = json.loads((DEMO_DIR / "services.json").read_text(encoding="utf-8"))[20]
    record["name"] = name
    path = tmp_path / "edited-service.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "directory", "import", str(path), "--data-dir", str(instance.data_dir)],
        check=True, capture_output=True, text=True,
    )
    return record


def type_query(page, query: str) -> None:
    page.get_by_role("searchbox").fill(query)


def data_status(page) -> dict:
    return page.evaluate("async () => (await import('/data.js')).dataStatus()")


def stored_pointer(page, language: str) -> dict:
    return page.evaluate(
        "async (key) => (await (await caches.open('harbour-data-v1')).match(key)).json()", f"/bundle/local/{language}"
    )


def test_service_edited_on_the_server_reaches_the_phone_as_a_delta_and_is_found_offline(
    new_context, demo_instance, server_for, tmp_path
):
    server = server_for(demo_instance)
    context = new_context()
    network = Network(context)
    page = open_until_offline_ready(context, server.url)
    first_version = stored_pointer(page, "en")["version"]

    record = import_edited_service(demo_instance, tmp_path, NEW_NAME)
    wait_for_fresh_bundles(server)
    page.reload()  # opening the app checks for news in the background
    type_query(page, SEARCHED)
    result = page.locator(f"#results a[href='#/service/{record['id']}']")
    result.wait_for()  # the data was updated under the page, and the list with it
    assert NEW_NAME in result.inner_text()
    assert stored_pointer(page, "en")["version"] > first_version

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#results li")
    type_query(page, SEARCHED)
    page.locator(f"#results a[href='#/service/{record['id']}']").wait_for()
    assert page.evaluate("() => navigator.onLine") is False

    deltas = [url for url in network.urls() if f"/bundle/en/delta?since={first_version}" in url]
    assert deltas, "the update did not come as a delta"
    assert len(network.downloaded(BUNDLE_FILE)) == 1, network.downloaded(BUNDLE_FILE)  # the first visit only
    # Privacy: what was searched for never left the phone, and nothing went to another host.
    for request in network.requests:
        assert SEARCHED not in request.url.lower() and SEARCHED not in (request.post_data or "").lower()
        assert urlparse(request.url).hostname in ("127.0.0.1", None), request.url


def test_second_load_reuses_the_stored_bundle_and_the_cached_search_index(new_context, demo_server):
    context = new_context()
    network = Network(context)
    page = open_until_offline_ready(context, demo_server.url)
    manifest = httpx.get(demo_server.url + "/bundle/manifest.json").json()
    entry = manifest["languages"]["en"]
    assert network.downloaded(BUNDLE_FILE) == [demo_server.url + entry["url"]]

    page.reload()
    page.wait_for_selector("#results li")
    wait_until(page, "async () => (await import('/search.js')).indexStats.source !== null", "the search index")
    stats = page.evaluate("async () => (await import('/search.js')).indexStats")
    key = f"/search-index/en/{manifest['version']}-{entry['sha256'][:16]}"
    assert stats["source"] == "cache" and stats["key"] == key
    stored = page.evaluate(
        "async () => (await (await caches.open('harbour-search-index-v2')).keys()).map((r) => new URL(r.url).pathname)"
    )
    assert stored == [key]
    assert len(network.downloaded(BUNDLE_FILE)) == 1  # not fetched again


def test_data_status_says_up_to_date_online_and_offline_when_offline(new_context, demo_server):
    context = new_context()
    page = open_until_offline_ready(context, demo_server.url)
    manifest = httpx.get(demo_server.url + "/bundle/manifest.json").json()
    bundle = httpx.get(demo_server.url + manifest["languages"]["en"]["url"]).json()
    wait_until(page, "async () => (await import('/data.js')).dataStatus().state === 'up-to-date'", "up to date")
    assert data_status(page) == {"state": "up-to-date", "generated": bundle["generated"], "version": manifest["version"]}

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#results li")
    assert data_status(page) == {"state": "offline", "generated": bundle["generated"], "version": manifest["version"]}


def test_delta_that_does_not_rebuild_the_servers_bundle_is_refused_for_the_full_bundle(
    new_context, demo_instance, server_for, tmp_path
):
    server = server_for(demo_instance)
    context = new_context()
    network = Network(context)
    page = open_until_offline_ready(context, server.url)

    tampered = []

    def tamper(route):
        tampered.append(route.request.url)
        response = route.fetch()
        delta = response.json()
        for service in delta.get("upserts", []):
            service["name"] = "Tampered in transit"
        route.fulfill(response=response, body=json.dumps(delta), headers={"content-type": "application/json"})

    context.route(re.compile(r".*/bundle/en/delta\?since=\d+$"), tamper)
    record = import_edited_service(demo_instance, tmp_path, NEW_NAME)
    wait_for_fresh_bundles(server)
    page.reload()
    type_query(page, SEARCHED)
    page.locator(f"#results a[href='#/service/{record['id']}']").wait_for()
    type_query(page, "tampered")
    page.wait_for_selector("#results[data-query='tampered']", state="attached")
    assert page.locator(f"#results a[href='#/service/{record['id']}']").count() == 0
    assert tampered
    assert len(network.downloaded(BUNDLE_FILE)) == 2  # the first visit, then the full bundle instead


FIRST_PAGE_KEY = "harbour.data.first-page"
# Every result name the page ever draws, from before its scripts run.
NAMES_DRAWN = """(() => {
  window.namesDrawn = [];
  new MutationObserver(() => {
    for (const name of document.querySelectorAll("#results .result-name")) window.namesDrawn.push(name.textContent);
  }).observe(document, { childList: true, subtree: true });
})();"""


def test_offline_open_starts_from_the_kept_first_page_of_the_stored_bundle_only(new_context, demo_server):
    context = new_context()
    context.add_init_script(NAMES_DRAWN)
    page = open_until_offline_ready(context, demo_server.url)
    page.wait_for_selector("#results[data-query='']", state="attached")
    pointer = stored_pointer(page, "en")
    first_page = page.evaluate("() => [...document.querySelectorAll('#results li a')].map((a) => a.getAttribute('href'))")
    total = int(page.locator("#results").get_attribute("data-total"))
    kept = page.evaluate("(key) => JSON.parse(localStorage.getItem(key))", FIRST_PAGE_KEY)
    # What is kept: the page as drawn, of the bundle stored, with the whole count.
    assert kept["sha256"] == pointer["sha256"] and kept["language"] == "en" and kept["total"] == total
    assert [f"#/service/{s['id']}" for s in kept["services"]] == first_page

    # Offline, a fresh opening draws that page, then the whole list in the same order.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#results[data-query='']", state="attached")
    assert page.evaluate("() => [...document.querySelectorAll('#results li a')].map((a) => a.getAttribute('href'))") == first_page
    assert int(page.locator("#results").get_attribute("data-total")) == total

    # A kept page from another bundle than the one stored is never drawn.
    kept["sha256"] = "0" * 64
    kept["services"][0]["name"] = "Kept from an older bundle"
    page.evaluate("([key, value]) => localStorage.setItem(key, JSON.stringify(value))", [FIRST_PAGE_KEY, kept])
    page.reload()
    page.wait_for_selector("#results[data-query='']", state="attached")
    assert "Kept from an older bundle" not in page.evaluate("() => window.namesDrawn")
    assert page.evaluate("() => window.namesDrawn").count(kept["services"][1]["name"]) >= 1
