"""The PWA in a real Chromium: it works offline after one visit, searches, shows a
service, speaks the phone's language, and talks to no one but its own server.

The server sends `Cache-Control: no-store`, so nothing offline can come from the HTTP
cache: what works offline works because the service worker stored it.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlparse

import pytest

from directory.store import set_translation
from directory.store.changes import latest_change, log_change
from tests.bundle_helpers import wait_for_fresh_bundles
from tests.pwa_helpers import (
    Watch,
    bundle,
    bundle_url,
    closing_at_five,
    context_maker,
    result_link,
    result_total,
    search_for,
    summer_day,
    wait_until,
)


@pytest.fixture
def new_context(browser):
    yield from context_maker(browser)


def partly_typed(services: list[dict]) -> tuple[dict, str]:
    """A service from the middle of the list, and its name as someone half-way through typing it."""
    for service in services[len(services) // 2 :] + services:
        words = service["name"].split()
        if len(words) >= 2 and len(words[-1]) >= 5:
            return service, service["name"][:-2].lower()
    pytest.fail("no demo service has a name of two words or more")


def test_after_first_visit_search_and_detail_work_offline_from_the_service_worker(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    service, query = partly_typed(services)
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    wait_until(page, "() => navigator.serviceWorker.controller !== null", "the service worker to control the page")
    page.wait_for_selector("html[data-offline-ready='true']", state="attached")

    context.set_offline(True)
    offline_responses = []
    page.on("response", lambda response: offline_responses.append(response))
    page.reload()
    page.wait_for_selector("#results li")
    assert page.evaluate("() => navigator.onLine") is False
    assert page.get_by_role("searchbox").count() == 1

    search_for(page, query)
    result = result_link(page, service)
    result.wait_for()
    assert service["name"] in result.inner_text()
    assert 0 < result_total(page) < len(services)  # the list was filtered, not just shown

    result.click()
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == service["name"]
    detail = page.locator("#detail")
    if service.get("description"):
        assert service["description"][:40] in detail.inner_text()
    for href in detail.locator("a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert re.fullmatch(r"tel:\+?[0-9]+(,[0-9]+)?", href), href
    if service.get("phones"):
        assert detail.locator("a[href^='tel:'] bdi").count() >= 1

    same_origin = [r for r in offline_responses if urlparse(r.url).hostname == "127.0.0.1"]
    assert same_origin, "the offline reload made no requests at all"
    assert all(r.from_service_worker for r in same_origin), [r.url for r in same_origin if not r.from_service_worker]
    assert watch.foreign() == []
    assert context.cookies() == []
    assert watch.errors == []


def test_arabic_phone_gets_rtl_page_and_finds_service_typed_without_article_or_hamza(new_context, demo_server):
    services = bundle(demo_server, "ar")["services"]
    # A translated name with the article, typed as people do: no article, bare alef, no marks.
    # Words with teh marbuta or alef maqsura (which the query's normaliser must unify) and
    # hamza on alef (which the bundle's must) come first: they prove most.
    candidates = sorted(
        (
            (not re.search("[ةى]", word), not re.search("[أإآ]", word), service["id"], word, service)
            for service in services
            if "name" not in service.get("fallback", [])
            for word in service["name"].split()
            if word.startswith("ال") and len(word) >= 6
        ),
        key=lambda candidate: candidate[:3],
    )
    if not candidates:
        pytest.fail("no Arabic demo name has the article")
    *_, word, service = candidates[0]
    typed = re.sub("[\u064b-\u065f]", "", word[2:]).translate(str.maketrans("أإآ", "ااا"))
    assert typed != word
    context = new_context("ar")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#results li")
    root = page.locator("html")
    assert root.get_attribute("lang") == "ar"
    assert root.get_attribute("dir") == "rtl"

    search_for(page, typed)
    assert 0 < result_total(page) < len(services)
    result_link(page, service).wait_for()
    assert service["name"] in result_link(page, service).inner_text()
    assert watch.foreign() == []
    assert context.cookies() == []
    assert watch.errors == []


def test_unknown_phone_language_opens_picker_and_the_choice_is_remembered(new_context, demo_server):
    context = new_context("de-DE")
    page = context.new_page()
    page.goto(demo_server.url + "/")
    picker = page.locator("#languages")
    picker.wait_for()
    arabic = picker.get_by_role("button", name="العربية")
    assert arabic.get_attribute("lang") == "ar"
    assert picker.get_by_role("button").count() == 9

    picker.get_by_role("button", name="دری").click()
    page.wait_for_selector("html[lang='prs'][dir='rtl']", state="attached")
    page.reload()
    page.wait_for_selector("#results li")
    assert page.locator("html").get_attribute("lang") == "prs"
    assert picker.is_hidden()


def test_afghan_persian_phone_locale_gets_dari(new_context, demo_server):
    context = new_context("fa-AF")
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.wait_for_selector("html[lang='prs'][dir='rtl']", state="attached")
    page.wait_for_selector("#results li")
    assert page.get_by_role("searchbox").get_attribute("placeholder") == "داکتر، وکیل، غذا…"


def test_installed_page_picks_up_new_data_from_a_background_check(new_context, demo_instance, server_for):
    server = server_for(demo_instance)
    service = bundle(server, "fr")["services"][0]
    context = new_context("fr-FR")
    page = context.new_page()
    page.goto(server.url + "/")
    wait_until(page, "() => navigator.serviceWorker.controller !== null", "the service worker to control the page")
    page.wait_for_selector("html[data-offline-ready='true']", state="attached")

    renamed = "Service renommé pendant le test"
    db = demo_instance.directory()
    try:
        set_translation(db, "services", service["id"], "name", "fr", renamed)
        version = latest_change(db)
    finally:
        db.close()
    wait_for_fresh_bundles(server)
    # The stored manifest answers at once; the worker fetches the new one behind it, stores
    # the new bundle and tells the page, which shows the new name without another reload
    # (searched for: the list draws a page at a time, and the new name sorts elsewhere).
    page.reload()
    page.wait_for_selector("#results li")
    page.get_by_role("searchbox").fill(renamed)
    page.wait_for_selector(f"#results a[href='#/service/{service['id']}'] >> text={renamed}")
    page.wait_for_selector("html[data-offline-ready='true']", state="attached")
    stored = page.evaluate(
        """async () => {
            const cache = await caches.open("harbour-data-v1");
            const manifest = await (await cache.match("/bundle/manifest.json")).json();
            const bundles = (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => p.endsWith(".json"));
            return {version: manifest.version, bundles};
        }"""
    )
    assert stored["version"] == version
    # The old bundle is gone: the phone keeps one copy of its language.
    assert sorted(stored["bundles"]) == sorted(["/bundle/manifest.json", bundle_url(server, "fr")])


def swapped(word: str) -> str:
    """The word with two neighbouring letters in its middle swapped: a common slip."""
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def test_latin_query_with_two_letters_swapped_still_finds_its_service(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    # A long word (typo tolerance grows with length) in a name, not the first word.
    service, word = next(
        (s, w)
        for s in services[len(services) // 3 :]
        for w in s["name"].split()[1:]
        if re.fullmatch("[a-z]{9,}", w) and w[len(w) // 2] != w[len(w) // 2 - 1]
    )
    typo = swapped(word)
    assert typo != word
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#results li")
    search_for(page, typo)
    result_link(page, service).wait_for()
    assert 0 < result_total(page) < len(services)
    assert watch.carrying(typo) == []  # searched on the phone: the words typed went nowhere
    assert watch.foreign() == []
    assert context.cookies() == []
    assert watch.errors == []


def test_detail_shows_week_with_today_marked_open_until_five_and_call_and_map_links(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    service, day = closing_at_five(demo_server, services)
    # 16:59 in London (BST, UTC+1) on one of its days; the phone itself is set to Kabul time.
    context = new_context("en-GB", timezone_id="Asia/Kabul")
    watch = Watch(context)
    page = watch.page(context)
    page.clock.set_fixed_time(datetime.combine(summer_day(day), time(15, 59), UTC))
    page.goto(f"{demo_server.url}/#/service/{service['id']}")
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == service["name"]
    detail = page.locator("#detail")

    today = detail.locator("table.week tr[aria-current='date']")
    assert today.count() == 1
    assert today.get_attribute("data-day") == day
    assert "Today" in today.inner_text()
    assert detail.locator("table.week tr").count() == 7
    state = detail.locator(".open-state").inner_text()
    assert "Open now" in state and "17:00" in state, state

    tel = detail.locator("a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert tel, "no call link"
    assert all(re.fullmatch(r"tel:\+?[0-9]+(,[0-9]+)?", href) for href in tel), tel
    place = next(p for p in service["locations"] if "lat" in p)
    geo = detail.locator("a[href^='geo:']").first.get_attribute("href")
    assert geo == f"geo:{place['lat']},{place['lon']}?q={place['lat']},{place['lon']}"
    osm = detail.locator("a[href^='https://www.openstreetmap.org/']").first.get_attribute("href")
    assert osm.startswith(f"https://www.openstreetmap.org/?mlat={place['lat']}&mlon={place['lon']}")
    assert place["address"] in detail.locator(".address bdi").first.inner_text()
    # The map link is only a link: nothing was fetched from another host.
    assert watch.foreign() == []
    assert context.cookies() == []
    assert watch.errors == []


def add_notice(db, title: str, starts: datetime, ends: datetime | None, service_id: str | None = None) -> str:
    """A notice row written with plain SQL, and its change-log row so bundles rebuild."""
    notice_id = str(uuid.uuid4())
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with db.conn:
        db.execute(
            "INSERT INTO notices (id, title, body, severity, service_id, starts, ends, created, updated)"
            " VALUES (?, ?, ?, 'urgent', ?, ?, ?, ?, ?)",
            [
                notice_id,
                title,
                "Go to the library instead; the same staff are there.",
                service_id,
                starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ends.strftime("%Y-%m-%dT%H:%M:%SZ") if ends else None,
                stamp,
                stamp,
            ],
        )
        log_change(db, "notices", notice_id, "insert")
    return notice_id


def test_urgent_notice_in_the_data_is_shown_on_top_and_on_its_service_but_not_before_it_starts(
    new_context, demo_instance, server_for
):
    db = demo_instance.directory()
    try:
        service_id = db.execute(
            "SELECT id FROM services WHERE coalesce(status, 'active') = 'active' ORDER BY name LIMIT 1"
        ).fetchone()[0]
        now = datetime.now(UTC)
        current = add_notice(db, "The clinic is closed today", now - timedelta(hours=1), now + timedelta(days=2), service_id)
        upcoming = add_notice(db, "Closed next month", now + timedelta(days=30), None)
    finally:
        db.close()
    server = server_for(demo_instance)
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(server.url + "/")
    page.wait_for_selector("#results li")
    notice = page.locator(f"#notices [data-notice='{current}']")
    notice.wait_for()
    assert "The clinic is closed today" in notice.inner_text()
    assert page.locator(f"[data-notice='{upcoming}']").count() == 0
    # On top: above the search box and the list.
    assert notice.bounding_box()["y"] < page.get_by_role("searchbox").bounding_box()["y"]

    page.goto(f"{server.url}/#/service/{service_id}")
    page.get_by_role("heading", level=1).wait_for()
    assert page.locator(f"#detail [data-notice='{current}']").count() == 1
    assert watch.foreign() == []
    assert context.cookies() == []
    assert watch.errors == []


def test_share_uses_the_phone_share_sheet_and_without_one_copies_name_address_and_phone(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    service = next(s for s in services if s.get("phones") and any(p.get("address") for p in s.get("locations", [])))
    address = next(p["address"] for p in service["locations"] if p.get("address"))

    # A phone with a share sheet: the page hands it the service and its link, nothing else.
    context = new_context("en-GB")
    context.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(f"{demo_server.url}/#/service/{service['id']}")
    page.get_by_role("button", name="Share").click()
    wait_until(page, "() => window.shared !== undefined", "the share sheet to be called")
    shared = page.evaluate("() => window.shared")
    assert shared["title"] == service["name"]
    assert shared["url"].endswith(f"#/service/{service['id']}")
    assert address in shared["text"]

    # No share sheet (a desktop browser): the same text goes to the clipboard.
    plain = new_context("en-GB")
    plain.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server.url)
    page = plain.new_page()
    page.goto(f"{demo_server.url}/#/service/{service['id']}")
    assert page.evaluate("() => typeof navigator.share") == "undefined"
    page.get_by_role("button", name="Share").click()
    page.wait_for_selector(".share-status:has-text('Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert service["name"] in copied and address in copied and service["phones"][0]["number"] in copied
    assert watch.foreign() == [] and context.cookies() == [] and plain.cookies() == []


def test_a_mobile_number_gets_text_and_whatsapp_buttons_with_digits_only(new_context, demo_server):
    services = bundle(demo_server, "en")["services"]
    service, phone = next(
        (s, p) for s in services for p in s.get("phones", []) if p.get("type") == "cell" and p["number"].startswith("+")
    )
    digits = re.sub(r"\D", "", phone["number"])
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(f"{demo_server.url}/#/service/{service['id']}")
    page.get_by_role("heading", level=1).wait_for()
    actions = page.locator("#detail .actions")
    assert actions.locator(f"a[href='sms:+{digits}']").count() == 1
    assert actions.locator(f"a[href='https://wa.me/{digits}']").count() == 1
    assert actions.locator("a[href^='tel:']").count() == 1
    assert watch.foreign() == []  # a WhatsApp link is only followed if the person taps it


def test_footer_says_up_to_date_online_and_data_from_its_date_offline(new_context, demo_server):
    generated = bundle(demo_server, "en")["generated"]
    context = new_context("en-GB")
    watch = Watch(context)
    page = watch.page(context)
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#results li")
    status = page.locator("#data-status")
    year = generated[:4]
    wait_until(page, "() => document.getElementById('data-status').dataset.state === 'up-to-date'", "an up-to-date check")
    assert status.inner_text().startswith("Up to date") and year in status.inner_text()

    context.set_offline(True)
    wait_until(page, "() => document.getElementById('data-status').dataset.state === 'offline'", "the offline state")
    assert status.inner_text().startswith("Data from") and year in status.inner_text()
    assert watch.foreign() == [] and context.cookies() == [] and watch.errors == []
