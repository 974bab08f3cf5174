"""Sending: each phone gets its message encrypted for it, signed by our VAPID key, in its language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from email.utils import parsedate_to_datetime

import pytest

from directory.hsds.assemble import assemble_service
from directory.push.dispatch import deliver_changes, deliver_due_notices, deliver_notice, ensure_cursor
from directory.push.messages import PLAINTEXT_LIMIT
from directory.push.sender import RETRY_WAIT_MAX, Policy, retry_wait
from directory.store import Source
from directory.store.records import save_record
from directory.store.translations import set_translation
from tests.push.helpers import PushService, post_notice, subscribe, subscriptions, term_id, vapid_key

FAST = Policy(allow_private=True, backoff=0.05)  # loopback endpoints; quick retries


@pytest.fixture
def service(demo_instance):
    with PushService(vapid_key(demo_instance)) as push:
        yield push


def demo_service(instance, category: str) -> dict:
    """An active demo service in `category` with its whole record."""
    with instance.reading() as db:
        service_id = db.execute(
            "SELECT s.id FROM services s JOIN attributes a ON a.link_id = s.id JOIN taxonomy_terms t"
            " ON t.id = a.taxonomy_term_id LEFT JOIN taxonomy_terms p ON p.id = t.parent_id"
            " WHERE ? IN (t.code, p.code) AND s.status = 'active' ORDER BY s.id LIMIT 1",
            [category],
        ).fetchone()[0]
        return assemble_service(db, service_id)


def save(instance, record: dict) -> None:
    db = instance.directory()
    try:
        with db.atomic():
            save_record(db, "services", record, Source("staff:editor"))
    finally:
        db.close()


def test_a_notice_reaches_each_follower_decrypted_in_their_language(demo_instance, service):
    english, arabic, ukrainian = (service.subscriber(n) for n in ("en", "ar", "uk"))
    subscribe(demo_instance, english, ["notices"], "en")
    subscribe(demo_instance, arabic, ["notices"], "ar")
    subscribe(demo_instance, ukrainian, ["notices"], "uk")
    notice_id = post_notice(demo_instance, "Clinic closed tomorrow", "Go to the clinic on Mill Road.", severity="urgent")
    db = demo_instance.directory()
    try:
        set_translation(db, "notices", notice_id, "title", "ar", "العيادة مغلقة غداً")
        set_translation(db, "notices", notice_id, "body", "ar", "اذهبوا إلى العيادة في شارع ميل.")
    finally:
        db.close()

    delivery = deliver_notice(demo_instance, notice_id, FAST)

    assert delivery.outcome.counts() == {"sent": 3, "failed": 0, "removed": 0}
    (en,), (ar,), (uk,) = (service.received(n) for n in ("en", "ar", "uk"))
    assert (en.payload["title"], en.payload["body"]) == ("Clinic closed tomorrow", "Go to the clinic on Mill Road.")
    assert (ar.payload["title"], ar.payload["lang"], ar.payload["dir"]) == ("العيادة مغلقة غداً", "ar", "rtl")
    assert ar.payload["fallback"] is False
    # No Ukrainian translation: the English text, marked as such, never a blank.
    assert uk.payload["title"] == "Clinic closed tomorrow" and uk.payload["fallback"] is True
    assert en.payload["url"] == f"/#/notice/{notice_id}"
    for message in (en, ar, uk):
        assert message.ttl >= 86_400, "a TTL of days, so a phone that is off gets it later"
        assert message.urgency == "high"
        assert message.topic == en.topic and len(message.topic) <= 32
    assert service.rejections == []


def test_urgency_follows_severity_and_ttl_follows_the_notice_end(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"])
    info = post_notice(demo_instance, "Winter shelter open", "Tonight from 8 pm.", severity="info",
                       ends="2099-01-01T00:00:00Z")
    deliver_notice(demo_instance, info, FAST)
    (message,) = service.received("phone")
    assert message.urgency == "normal"
    assert message.ttl == 28 * 86_400, "an end far off is capped at the four weeks push services keep"


def test_gone_subscriptions_are_removed_and_busy_ones_retried_once(demo_instance, service):
    fine = service.subscriber("fine")
    gone = service.subscriber("gone", script=[410])
    busy = service.subscriber("busy", script=[429], retry_after="1")
    missing = service.subscriber("missing", script=[404])
    for phone in (fine, gone, busy, missing):
        subscribe(demo_instance, phone, ["notices"])

    delivery = deliver_notice(demo_instance, post_notice(demo_instance), FAST)

    assert delivery.outcome.counts() == {"sent": 2, "failed": 0, "removed": 2}
    assert delivery.outcome.retried == 1
    assert len(service.received("busy")) == 1 and busy.attempts == 2, "429 then 201: delivered exactly once"
    assert service.received("gone") == [] and service.received("missing") == []
    left = subscriptions(demo_instance)
    assert fine.endpoint in left and busy.endpoint in left
    assert gone.endpoint not in left and missing.endpoint not in left
    assert left[fine.endpoint]["last_sent"], "a delivered phone's last delivery is kept"
    private = demo_instance.private()
    try:
        log = dict(private.execute(
            "SELECT 'counts', json_array(recipients, sent, failed, removed, retried) FROM push_deliveries"
            " WHERE kind = 'notice'").fetchall())
    finally:
        private.close()
    assert json.loads(log["counts"]) == [4, 2, 0, 2, 1]


def test_a_service_that_stays_busy_counts_as_failed_after_the_last_attempt(demo_instance, service):
    phone = service.subscriber("down", script=[503, 503, 503, 503, 503])
    subscribe(demo_instance, phone, ["notices"])
    delivery = deliver_notice(demo_instance, post_notice(demo_instance), FAST)
    assert delivery.outcome.counts() == {"sent": 0, "failed": 1, "removed": 0}
    assert phone.attempts == FAST.attempts
    assert phone.endpoint in subscriptions(demo_instance), "a failing push service is not a gone subscription"


def test_a_notice_is_pushed_once_however_often_it_is_asked(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"])
    notice_id = post_notice(demo_instance)
    assert deliver_notice(demo_instance, notice_id, FAST).outcome.sent == 1
    assert deliver_notice(demo_instance, notice_id, FAST) is None
    assert deliver_due_notices(demo_instance, FAST) == []
    assert len(service.received("phone")) == 1


def test_topics_choose_who_hears_a_notice(demo_instance, service):
    legal, housing, area, everyone = (service.subscriber(n) for n in ("legal", "housing", "area", "everyone"))
    subscribe(demo_instance, legal, ["category:legal"])
    subscribe(demo_instance, housing, ["category:housing"])
    subscribe(demo_instance, area, ["area:km1"])
    subscribe(demo_instance, everyone, ["notices"])

    deliver_notice(demo_instance, post_notice(demo_instance, target="category", target_value="legal"), FAST)
    deliver_notice(demo_instance, post_notice(demo_instance, "Road closed", "Use the bus.", target="area",
                                              target_value="KM1"), FAST)

    assert [m.payload["title"] for m in service.received("legal")] == ["Clinic closed tomorrow"]
    assert service.received("housing") == []
    assert [m.payload["title"] for m in service.received("area")] == ["Road closed"]
    assert len(service.received("everyone")) == 2


def test_a_scheduled_notice_waits_for_its_start(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"])
    notice_id = post_notice(demo_instance, starts="2099-01-01T09:00:00Z")
    assert deliver_notice(demo_instance, notice_id, FAST) is None
    assert deliver_due_notices(demo_instance, FAST) == []
    private = demo_instance.private()
    try:  # the start comes (until then the notice waits in private.db)
        private.execute("UPDATE scheduled_notices SET starts = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute'),"
                        " created = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day') WHERE id = ?", [notice_id])
    finally:
        private.close()
    (delivery,) = deliver_due_notices(demo_instance, FAST)
    assert delivery.ref == f"notice:{notice_id}" and delivery.outcome.sent == 1


def test_a_long_arabic_notice_is_cut_to_what_push_services_take(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"], "ar")
    notice_id = post_notice(demo_instance, "Long", "x" * 10)
    db = demo_instance.directory()
    try:
        set_translation(db, "notices", notice_id, "body", "ar", "ضضضض " * 500)  # 4,500 bytes
    finally:
        db.close()
    deliver_notice(demo_instance, notice_id, FAST)
    (message,) = service.received("phone")
    encoded = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(encoded) <= PLAINTEXT_LIMIT
    assert message.payload["body"].endswith("…") and message.payload["body"].startswith("ضضضض")


def test_changes_reach_followers_of_the_service_and_new_services_reach_their_category(demo_instance, service):
    by_service, by_category, other = (service.subscriber(n) for n in ("service", "category", "other"))
    record = demo_service(demo_instance, "legal")
    subscribe(demo_instance, by_service, [f"service:{record['id']}"], "fr")
    subscribe(demo_instance, by_category, ["category:legal"])
    subscribe(demo_instance, other, ["category:food"])
    with demo_instance.databases() as (db, private):
        ensure_cursor(db, private)

    save(demo_instance, {**record, "name": record["name"] + " (new address)"})
    new = {**record, "id": str(uuid.uuid4()), "name": "Asylum advice drop-in"}
    for key in ("phones", "schedules", "service_at_locations", "contacts", "languages", "cost_options",
                "required_documents", "service_areas", "funding", "program"):
        new.pop(key, None)
    new["attributes"] = [
        {**a, "id": str(uuid.uuid4()), "link_id": new["id"]} for a in record.get("attributes", [])
    ]
    save(demo_instance, new)
    delivery = deliver_changes(demo_instance, FAST)

    assert delivery.outcome.counts() == {"sent": 2, "failed": 0, "removed": 0}
    (changed,) = service.received("service")
    with demo_instance.reading() as db:
        french = db.execute("SELECT text FROM translations WHERE table_name = 'services' AND record_id = ?"
                            " AND field = 'name' AND language = 'fr'", [record["id"]]).fetchone()
    # The French name (kept, though now outdated) in the French words of the interface.
    assert changed.payload["title"] == f"Mis à jour : {french[0]}"
    assert changed.payload["url"] == f"/#/service/{record['id']}"
    (added,) = service.received("category")
    assert added.payload["title"] == "New: Asylum advice drop-in"
    assert added.payload["services"] == [new["id"]], "an update to a legal service is not news for the category"
    assert service.received("other") == []
    assert deliver_changes(demo_instance, FAST) is None, "the same changes are not pushed twice"


def test_changes_before_anyone_subscribed_are_not_news(demo_instance, service):
    record = demo_service(demo_instance, "health")
    save(demo_instance, {**record, "name": record["name"] + " (moved)"})
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, [f"service:{record['id']}"])
    with demo_instance.databases() as (db, private):
        ensure_cursor(db, private)
    assert deliver_changes(demo_instance, FAST) is None
    assert service.received("phone") == []


def test_an_endpoint_on_our_own_network_is_never_posted_to(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"])
    delivery = deliver_notice(demo_instance, post_notice(demo_instance), Policy(allow_private=False))
    assert delivery.outcome.counts() == {"sent": 0, "failed": 1, "removed": 0}
    assert phone.attempts == 0 and service.rejections == []


def test_a_hostname_resolving_to_loopback_is_refused_at_connect_time(demo_instance, service):
    phone = service.subscriber("phone")
    subscribe(demo_instance, phone, ["notices"])
    private = demo_instance.private()
    try:  # as if its name had pointed elsewhere when it subscribed (DNS rebinding)
        with private.atomic():
            private.execute("UPDATE push_subscriptions SET endpoint = replace(endpoint, 'http://127.0.0.1',"
                            " 'https://localhost')")
    finally:
        private.close()
    delivery = deliver_notice(demo_instance, post_notice(demo_instance), Policy(allow_private=False, attempts=1))
    assert delivery.outcome.failed == 1 and delivery.outcome.sent == 0
    assert phone.attempts == 0


def test_notices_add_prints_the_counts_as_its_last_line(demo_instance, service):
    for name, script in (("one", []), ("two", []), ("gone", [410])):
        subscribe(demo_instance, service.subscriber(name, script=script), ["notices"])
    result = subprocess.run(
        [sys.executable, "-m", "directory", "notices", "add", "--title", "Scam warning",
         "--body", "Nobody from the council asks for money.", "--severity", "warning", "--json",
         "--data-dir", str(demo_instance.data_dir)],
        capture_output=True, text=True, env={**os.environ, "HARBOUR_ALLOW_PRIVATE_PUSH": "1"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: last[k] for k in ("sent", "failed", "removed")} == {"sent": 2, "failed": 0, "removed": 1}
    assert [m.payload["title"] for m in service.received("one")] == ["Scam warning"]
    assert service.subscribers["gone"].endpoint not in subscriptions(demo_instance)


def test_the_cli_refuses_loopback_endpoints_without_the_test_switch(demo_instance, service):
    subscribe(demo_instance, service.subscriber("one"), ["notices"])
    env = {k: v for k, v in os.environ.items() if k != "HARBOUR_ALLOW_PRIVATE_PUSH"}
    result = subprocess.run(
        [sys.executable, "-m", "directory", "notices", "add", "--title", "T", "--body", "B", "--json",
         "--data-dir", str(demo_instance.data_dir)], capture_output=True, text=True, env=env, timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1])["failed"] == 1
    assert service.received("one") == []


def test_category_topics_match_by_code_or_id(demo_instance, service):
    phone = service.subscriber("phone")
    stored = subscribe(demo_instance, phone, ["category:legal", "notices", "category:legal"])
    assert stored.topics == (f"category:{term_id(demo_instance, 'legal')}", "notices")


def test_harbour_sync_tells_followers_of_a_changed_service_and_push_status_counts_it(demo_instance, service):
    from tests.sync.feed_server import FeedServer
    from tests.sync.helpers import serve_services
    from tests.sync.helpers import service as feed_service

    env = {**os.environ, "HARBOUR_ALLOW_PRIVATE_PUSH": "1"}

    def harbour(*args):
        done = subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(demo_instance.data_dir)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    with FeedServer() as feed:
        url = serve_services(feed, [feed_service(1), feed_service(2)])
        harbour("feeds", "add", "ngo", url, "--format", "hsds-json", "--allow-private")
        harbour("sync", "ngo")
        with demo_instance.reading() as db:
            synced = db.execute("SELECT record_id FROM provenance WHERE source = 'feed:ngo' AND source_id = 'svc-1'"
                                " AND table_name = 'services'").fetchone()[0]
        phone = service.subscriber("phone")
        subscribe(demo_instance, phone, [f"service:{synced}"], "uk")
        with demo_instance.databases() as (db, private):
            ensure_cursor(db, private)
        serve_services(feed, [feed_service(1, name="Advice drop-in, now at the Library"), feed_service(2)])
        harbour("sync", "ngo")

    (message,) = service.received("phone")
    assert message.payload["title"] == "Оновлено: Advice drop-in, now at the Library"
    assert message.payload["fallback"] is True and message.urgency == "low"
    status = json.loads(harbour("push", "status", "--json"))
    assert status["subscriptions"] == 1 and status["languages"] == {"uk": 1}
    (logged,) = status["deliveries"]
    assert (logged["kind"], logged["recipients"], logged["sent"]) == ("changes", 1, 1)


def test_retry_waits_honour_retry_after_in_seconds_or_as_a_date_and_back_off_otherwise():
    now = 1_800_000_000.0
    assert retry_wait("7", attempt=1, backoff=1.0, now=now) == 7
    date = "Wed, 15 Jan 2027 08:00:05 GMT"
    when = parsedate_to_datetime(date).timestamp()
    assert retry_wait(date, 1, 1.0, now=when - 5) == 5
    assert retry_wait(date, 1, 1.0, now=when + 60) == 0, "a date in the past: at once"
    assert retry_wait("86400", 1, 1.0, now=now) == RETRY_WAIT_MAX
    for attempt, low in ((1, 1.0), (2, 2.0), (3, 4.0)):  # no or garbled Retry-After: doubling, with jitter
        wait = retry_wait("soon", attempt, 1.0, now=now)
        assert low <= wait <= low * 1.25


def test_a_subscription_whose_keys_cannot_encrypt_fails_alone(demo_instance, service):
    good, broken = service.subscriber("good"), service.subscriber("broken")
    subscribe(demo_instance, good, ["notices"])
    subscribe(demo_instance, broken, ["notices"])
    private = demo_instance.private()
    try:  # a row damaged after it was checked: its public key is no longer a point
        with private.atomic():
            private.execute("UPDATE push_subscriptions SET p256dh = 'AAAA' WHERE endpoint = ?", [broken.endpoint])
    finally:
        private.close()
    delivery = deliver_notice(demo_instance, post_notice(demo_instance), FAST)
    assert delivery.outcome.counts() == {"sent": 1, "failed": 1, "removed": 0}
    assert len(service.received("good")) == 1 and broken.attempts == 0
