"""/push/key, /push/subscribe and /push/unsubscribe over real HTTP, and the keys behind them."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time

import httpx
import pytest

from directory.push.keys import key_path, public_key
from tests.push.helpers import PushService, post_notice, subscriptions, term_id

JSON = {"Content-Type": "application/json"}


def _point(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def served(demo_instance, server_for, monkeypatch):
    """A server that admits loopback push endpoints (the test switch) and looks for news every 0.3 s."""
    monkeypatch.setenv("HARBOUR_ALLOW_PRIVATE_PUSH", "1")
    monkeypatch.setenv("HARBOUR_PUSH_TICK", "0.3")
    server = server_for(demo_instance)
    # The stand-in push service trusts only the key the server publishes.
    with PushService(httpx.get(server.url + "/push/key").json()["publicKey"]) as push:
        yield demo_instance, server, push


def body(phone, topics=("notices",), lang="en") -> dict:
    return {"subscription": phone.subscription(), "topics": list(topics), "lang": lang}


def test_init_makes_a_key_only_its_owner_can_read_and_serves_its_public_half(demo_server):
    path = key_path(demo_server.data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    answer = httpx.get(demo_server.url + "/push/key")
    assert answer.status_code == 200
    key = answer.json()["publicKey"]
    point = _point(key)
    assert len(point) == 65 and point[0] == 4, "an uncompressed P-256 point"
    assert "=" not in key and key == public_key(demo_server.data_dir)
    assert "set-cookie" not in answer.headers


def test_rotating_the_keys_replaces_them_and_drops_old_subscriptions(served):
    instance, server, push = served
    before = httpx.get(server.url + "/push/key").json()["publicKey"]
    assert httpx.post(server.url + "/push/subscribe", json=body(push.subscriber("p"))).status_code == 201
    result = subprocess.run([sys.executable, "-m", "directory", "push", "keys", "--rotate", "--data-dir",
                             str(instance.data_dir)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    after = httpx.get(server.url + "/push/key").json()["publicKey"]
    assert after != before and result.stdout.strip().splitlines()[-1] == after
    assert stat.S_IMODE(key_path(instance.data_dir).stat().st_mode) == 0o600
    assert subscriptions(instance) == {}, "push services refuse messages signed by a key the phone did not get"


def test_a_phone_subscribes_updates_its_topics_and_unsubscribes(served):
    instance, server, push = served
    phone = push.subscriber("phone")
    first = httpx.post(server.url + "/push/subscribe", json=body(phone, ["notices", "category:legal"], "ar"))
    assert first.status_code == 201, first.text
    assert first.json()["topics"] == ["notices", f"category:{term_id(instance, 'legal')}"]
    assert "set-cookie" not in first.headers
    stored = subscriptions(instance)[phone.endpoint]
    assert (stored["language"], json.loads(stored["topics"])) == ("ar", first.json()["topics"])

    again = httpx.post(server.url + "/push/subscribe", json=body(phone, ["area:km1"], "uk"))
    assert again.status_code == 200
    stored = subscriptions(instance)[phone.endpoint]
    assert (stored["language"], json.loads(stored["topics"])) == ("uk", ["area:KM1"])

    wrong = {"subscription": {**phone.subscription(), "keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}}
    assert httpx.post(server.url + "/push/unsubscribe", json=wrong).status_code == 404
    assert phone.endpoint in subscriptions(instance), "only the holder of its auth secret may delete it"
    gone = httpx.post(server.url + "/push/unsubscribe", json={"subscription": phone.subscription()})
    assert gone.status_code == 200 and gone.json() == {"subscribed": False}
    assert subscriptions(instance) == {}


def test_someone_else_cannot_take_over_an_endpoint(served):
    instance, server, push = served
    phone = push.subscriber("phone")
    assert httpx.post(server.url + "/push/subscribe", json=body(phone)).status_code == 201
    thief = push.subscriber("thief")
    stolen = {**body(thief), "subscription": {**thief.subscription(), "endpoint": phone.endpoint}}
    answer = httpx.post(server.url + "/push/subscribe", json=stolen)
    assert answer.status_code == 400 and "other keys" in answer.json()["error"]
    assert subscriptions(instance)[phone.endpoint]["p256dh"] == phone.p256dh


def test_a_notice_posted_by_staff_reaches_the_phone_from_the_server(served):
    from tests.staff.helpers import login, make_user

    instance, server, push = served
    phone = push.subscriber("phone")
    assert httpx.post(server.url + "/push/subscribe", json=body(phone, ["notices"], "es")).status_code == 201
    make_user(instance, "ed@example.org", "admin")
    client, csrf = login(None, server.url, "ed@example.org")
    try:
        answer = client.post("/staff/notices", data={
            "csrf_token": csrf, "title": "Cold weather shelter open tonight", "body": "From 8 pm at the Guildhall.",
            "severity": "info", "target": "everyone"})
        assert answer.status_code == 303, answer.text
        (message,) = push.wait_for("phone")
        assert message.payload["title"] == "Cold weather shelter open tonight" and message.payload["lang"] == "es"
        assert message.payload["fallback"] is True  # not translated into Spanish yet: the English, marked
        page = client.get(answer.headers["location"].split("?")[0])
        deadline = time.monotonic() + 10
        while "Sent to 1 of the 1 phones" not in page.text and time.monotonic() < deadline:
            time.sleep(0.2)  # the delivery is recorded just after the push service answers
            page = client.get(answer.headers["location"].split("?")[0])
        assert "Sent to 1 of the 1 phones that follow its topic." in page.text
    finally:
        client.close()


def test_a_notice_from_the_command_line_is_not_sent_twice_by_the_server(served):
    instance, server, push = served
    phone = push.subscriber("phone")
    assert httpx.post(server.url + "/push/subscribe", json=body(phone)).status_code == 201
    env = {**os.environ, "HARBOUR_ALLOW_PRIVATE_PUSH": "1"}
    result = subprocess.run([sys.executable, "-m", "directory", "notices", "add", "--title", "Once", "--body", "B",
                             "--json", "--data-dir", str(instance.data_dir)], capture_output=True, text=True,
                            env=env, timeout=60)
    assert json.loads(result.stdout.splitlines()[-1])["sent"] == 1
    # Posted straight into the store a minute ago (as if the command had died before sending):
    # the server's own look finds it and sends it, and still not the first one again.
    second = post_notice(instance, "Second", "From the store directly.")
    db = instance.directory()
    try:
        db.execute("UPDATE notices SET created = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute'),"
                   " starts = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute') WHERE id = ?", [second])
    finally:
        db.close()
    messages = push.wait_for("phone", 2)
    time.sleep(1)  # three more looks of the server
    assert sorted(m.payload["title"] for m in push.received("phone")) == ["Once", "Second"]
    assert len(messages) == 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p, b: {**b, "subscription": {**b["subscription"], "endpoint": "http://push.example.net/x"}}, "https"),
        (lambda p, b: {**b, "subscription": {**b["subscription"], "endpoint": "https://127.0.0.1/x"}}, "loopback"),
        (lambda p, b: {**b, "subscription": {**b["subscription"], "endpoint": "https://10.1.2.3/x"}}, "private"),
        (lambda p, b: {**b, "subscription": {**b["subscription"], "endpoint": "https://169.254.169.254/x"}},
         "link-local"),
        (lambda p, b: {**b, "subscription": {**b["subscription"], "keys": {"p256dh": "AAAA", "auth": "x"}}},
         "p256dh"),
        (lambda p, b: {**b, "topics": ["category:no-such-thing"]}, "no category"),
        (lambda p, b: {**b, "topics": ["service:nope"]}, "no service"),
        (lambda p, b: {**b, "topics": ["weather"]}, "is not notices"),
        (lambda p, b: {**b, "topics": []}, "at least one topic"),
        (lambda p, b: {**b, "lang": "xx"}, "lang"),
        (lambda p, b: [1, 2], "JSON object"),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_problem(demo_server, change, expected):
    """On a server without the test switch: only https endpoints on public addresses."""
    with PushService(public_key(demo_server.data_dir)) as push:
        phone = push.subscriber("p")
        good = {**body(phone), "subscription": {**phone.subscription(), "endpoint": "https://93.184.215.14/x"}}
        answer = httpx.post(demo_server.url + "/push/subscribe", json=change(phone, good))
    assert answer.status_code == 400, answer.text
    assert expected in answer.json()["error"]
    assert subscriptions_count(demo_server) == 0


def test_a_loopback_http_endpoint_is_refused_without_the_test_switch(demo_server):
    with PushService(public_key(demo_server.data_dir)) as push:
        answer = httpx.post(demo_server.url + "/push/subscribe", json=body(push.subscriber("p")))
    assert answer.status_code == 400 and "https" in answer.json()["error"]


def test_forged_and_oversized_requests_are_refused(demo_server):
    url = demo_server.url + "/push/subscribe"
    form = httpx.post(url, data={"subscription": "x"})
    assert form.status_code == 415, "a cross-site form cannot send JSON: we take nothing else"
    foreign = httpx.post(url, content=b"{}", headers={**JSON, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    huge = httpx.post(url, content=b'{"x": "' + b"a" * 20_000 + b'"}', headers=JSON)
    assert huge.status_code == 413
    broken = httpx.post(url, content=b'{"subscription": ', headers={**JSON, "Origin": demo_server.url})
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]


def subscriptions_count(server) -> int:
    import sqlite3

    with sqlite3.connect(server.data_dir / "private.db") as db:
        return db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0]


def test_a_staff_edit_through_the_api_reaches_followers_of_the_service(served):
    from tests.staff.helpers import bearer, make_token, make_user

    instance, server, push = served
    with instance.reading() as db:
        service_id = db.execute("SELECT id FROM services WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
    phone = push.subscriber("phone")
    answer = httpx.post(server.url + "/push/subscribe", json=body(phone, [f"service:{service_id}"], "en"))
    assert answer.status_code == 201
    make_user(instance, "admin@example.org", "admin")
    token = bearer(make_token(instance, "admin@example.org"))
    etag = httpx.get(f"{server.url}/api/services/{service_id}", headers=token).headers["etag"]
    edited = httpx.patch(f"{server.url}/api/services/{service_id}", json={"name": "Evening legal clinic"},
                         headers={**token, "Content-Type": "application/merge-patch+json", "If-Match": etag})
    assert edited.status_code == 200, edited.text
    (message,) = push.wait_for("phone")
    assert message.payload["title"] == "Updated: Evening legal clinic"
    assert message.payload["url"] == f"/#/service/{service_id}"
