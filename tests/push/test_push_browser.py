"""Alerts in a real Chromium against a real `harbour serve`.

Headless Chromium cannot reach a vendor's push service, so `pushManager.subscribe` (and
only it) is stubbed: it answers the subscription of a phone of our local push service.
Everything else is real: the permission state, the opt-in screen, the POST to
/push/subscribe, and the service worker's push handler, driven through the DevTools
command `ServiceWorker.deliverPushMessage`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from directory.push.keys import public_key
from tests.bundle_helpers import wait_for_fresh_bundles
from tests.push.helpers import PushService, post_notice, subscriptions, term_id
from tests.pwa_helpers import open_until_offline_ready, wait_until

PWA_STRINGS = Path(__file__).resolve().parents[2] / "pwa" / "i18n"
JS_TESTS = Path(__file__).resolve().parents[1] / "js"
STUB = """(subscription) => {
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__subscribed = { userVisibleOnly: options.userVisibleOnly,
      key: btoa(String.fromCharCode(...key)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "") };
    return { endpoint: subscription.endpoint, expirationTime: null, toJSON: () => subscription,
             unsubscribe: async () => true };
  };
}"""


def strings(language: str) -> dict:
    return json.loads((PWA_STRINGS / f"{language}.json").read_text(encoding="utf-8"))


@pytest.fixture
def served(demo_instance, server_for, monkeypatch):
    monkeypatch.setenv("HARBOUR_ALLOW_PRIVATE_PUSH", "1")
    monkeypatch.setenv("HARBOUR_PUSH_TICK", "0.5")
    server = server_for(demo_instance)
    with PushService(public_key(demo_instance.data_dir)) as push:
        yield demo_instance, server, push


@pytest.fixture
def phone_context(browser):
    contexts = []

    def make(locale: str, origin: str, subscription: dict | None = None):
        context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
        context.grant_permissions(["notifications"], origin=origin)
        if subscription:
            context.add_init_script(f"({STUB})({json.dumps(subscription)})")
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()



def wait_for_row(instance, endpoint: str, check, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = subscriptions(instance).get(endpoint)
        if check(row):
            return row
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}: {subscriptions(instance).get(endpoint)}")


def test_the_reader_opts_in_per_topic_in_their_language_follows_a_service_and_opts_out(served, phone_context):
    instance, server, push = served
    phone = push.subscriber("phone")
    context = phone_context("ar", server.url, phone.subscription())
    requests = []
    context.on("request", lambda request: requests.append(request))
    page = open_until_offline_ready(context, server.url)
    ar = strings("ar")

    # Never asked on first load: the screen is closed and nothing subscribed.
    assert page.locator("#alerts").is_hidden()
    assert page.evaluate("() => window.__subscribed === undefined")
    button = page.locator("#alerts-button")
    assert button.inner_text().strip() == ar["alerts_button"]
    assert button.get_attribute("aria-expanded") == "false"

    button.click()
    panel = page.locator("#alerts")
    panel.get_by_role("heading", name=ar["alerts_title"]).wait_for()
    assert button.get_attribute("aria-expanded") == "true"
    notices = panel.get_by_role("checkbox", name=ar["alerts_topic_notices"])
    assert notices.is_checked(), "urgent notices are suggested to a first-timer"
    legal = term_id(instance, "legal")
    panel.locator(f"input[name='category'][value='{legal}']").check()
    panel.get_by_label(ar["alerts_area_label"]).fill("km1")
    panel.get_by_role("button", name=ar["alerts_turn_on"]).click()

    row = wait_for_row(instance, phone.endpoint, lambda r: r is not None, "the subscription")
    assert json.loads(row["topics"]) == ["notices", f"category:{legal}", "area:KM1"]
    assert row["language"] == "ar" and row["p256dh"] == phone.p256dh
    assert page.evaluate("() => window.__subscribed") == {"userVisibleOnly": True, "key": public_key(instance.data_dir)}
    status = panel.locator("#alerts-status")
    wait_until(page, "() => document.getElementById('alerts-status')?.textContent.length > 0", "the status")
    assert status.inner_text() == ar["alerts_on"]["few"].replace("{n}", "3")  # three topics: the "few" form

    # A service's page: follow it, and the subscription follows it too.
    with instance.reading() as db:
        service_id = db.execute("SELECT id FROM services WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
    page.evaluate("(id) => { location.hash = '#/service/' + id; }", service_id)
    follow = page.locator(f"[data-follow='{service_id}']")
    follow.wait_for()
    assert follow.inner_text().strip() == ar["alerts_follow"]
    follow.click()
    wait_for_row(instance, phone.endpoint, lambda r: f"service:{service_id}" in json.loads(r["topics"]),
                 "the followed service among the topics")
    assert follow.get_attribute("aria-pressed") == "true" and follow.inner_text().strip() == ar["alerts_unfollow"]

    # Opting out deletes the subscription on the server.
    page.evaluate("() => { location.hash = '#/'; }")
    button.click() if panel.is_hidden() else None
    panel.get_by_role("button", name=ar["alerts_turn_off"]).click()
    wait_for_row(instance, phone.endpoint, lambda r: r is None, "the subscription to go")
    wait_until(page, f"() => document.getElementById('alerts-status')?.textContent === {json.dumps(ar['alerts_off'])}",
               "the 'alerts are off' status")

    # Only our own server was asked anything, and never about a search or a place.
    assert {urlparse(r.url).hostname for r in requests} <= {"127.0.0.1"}
    posted = [json.loads(r.post_data) for r in requests if r.method == "POST"]
    assert all(set(body) <= {"subscription", "topics", "lang"} for body in posted), posted


def test_a_push_shows_a_notification_and_refreshes_the_data_in_the_same_event(served, phone_context):
    instance, server, push = served
    context = phone_context("en-GB", server.url)
    page = open_until_offline_ready(context, server.url)
    before = page.evaluate(
        "async () => (await (await caches.open('harbour-data-v1')).match('/bundle/local/en')).json()")["version"]

    notice_id = post_notice(instance, "Clinic closed tomorrow", "Go to the clinic on Mill Road.", severity="urgent")
    wait_for_fresh_bundles(server)  # as the server's dispatcher does before it pushes (bundle/cache.offer_latest)
    payload = {"kind": "notice", "id": notice_id, "title": "Clinic closed tomorrow",
               "body": "Go to the clinic on Mill Road.", "url": f"/#/notice/{notice_id}", "tag": f"notice-{notice_id}",
               "lang": "en", "dir": "ltr", "fallback": False}

    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not any(r["scopeURL"] == server.url + "/" and not r["isDeleted"] for r in registrations):
        assert time.monotonic() < deadline, f"no registration for {server.url}: {registrations}"
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"] == server.url + "/")
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": server.url, "registrationId": registration["registrationId"], "data": json.dumps(payload)})

    shown = "async () => (await (await navigator.serviceWorker.ready).getNotifications())" \
            ".map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang, url: n.data && n.data.url}))"
    wait_until(page, f"async () => ({shown})().then(list => list.length > 0)", "the notification")
    (notification,) = page.evaluate(shown)
    assert notification == {"title": "Clinic closed tomorrow", "body": "Go to the clinic on Mill Road.",
                            "tag": f"notice-{notice_id}", "lang": "en", "url": f"/#/notice/{notice_id}"}
    # The same push brought the data up to date: the notice is in the phone's bundle now.
    wait_until(page, "async () => (await (await caches.open('harbour-data-v1')).match('/bundle/local/en'))"
                     f".json().then(p => p.version > {before})", "the stored data to move on")
    page.locator(f"[data-notice='{notice_id}']").wait_for()
    context.set_offline(True)
    page.evaluate("(id) => { location.hash = '#/notice/' + id; }", notice_id)
    card = page.locator(f"[data-notice='{notice_id}']")
    card.wait_for()
    wait_until(page, f"() => document.querySelector(\"[data-notice='{notice_id}']\").classList.contains('notice-opened')",
               "the notice to be shown opened")
    assert "Clinic closed tomorrow" in card.inner_text()


def test_alert_topic_logic_passes_under_node():
    node = shutil.which("node")
    assert node, "node is needed to test the page's own logic"
    result = subprocess.run([node, "--test", str(JS_TESTS / "alert-topics.test.mjs")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 4" in result.stdout, result.stdout


def test_the_alerts_screen_fits_a_small_phone_right_to_left_with_big_tap_targets(served, phone_context):
    from tests.pwa_helpers import OUTSIDE_SCREEN

    instance, server, push = served
    context = phone_context("prs", server.url)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server.url + "/")
    page.locator("#alerts-button").click()
    prs = strings("prs")
    page.locator("#alerts").get_by_role("heading", name=prs["alerts_title"]).wait_for()
    page.locator("#alerts input[name='category']").first.wait_for()
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate(OUTSIDE_SCREEN) == []
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#alerts button, #alerts label.alerts-check, #alerts-area, #alerts-button')]
        .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])
        .filter(([, height]) => height < 47.5)""")
    assert small == [], small
    # Every topic is labelled in the reader's language: no key shows instead of words.
    text = page.locator("#alerts").inner_text()
    assert "alerts_" not in text and prs["alerts_turn_on"] in text
