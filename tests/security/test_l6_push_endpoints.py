"""L6: /push/subscribe looks up no host name (its answer tells nothing about DNS), takes only
https on the standard port, a few phones per host that is not a browser's push service, and a
bounded number in all. The sender still checks each address when it connects (tests/push/)."""

from __future__ import annotations

import shutil
import socket
import sqlite3

import httpx
import pytest

from directory.instance import Instance
from directory.push.subscriptions import MAX_SUBSCRIPTIONS, PER_HOST_LIMIT
from tests.conftest import RunningServer
from tests.push.push_service import Subscriber


def phone(endpoint: str) -> dict:
    return {"subscription": Subscriber("p", endpoint).subscription(), "topics": ["notices"], "lang": "en"}


def count(instance) -> int:
    with sqlite3.connect(instance.data_dir / "private.db") as db:
        return db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0]


def test_subscribing_looks_up_no_host_name(client, monkeypatch):
    looked_up: list[str] = []

    def spy(host, *args, **kwargs):
        looked_up.append(host)
        raise socket.gaierror("no look-ups on the request path")

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    answers = [client.post("/push/subscribe", json=phone(f"https://{host}/wpush/1"))
               for host in ("push.example.net", "no-such-host.invalid", "updates.push.services.mozilla.com")]
    assert looked_up == []
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert {tuple(sorted(a.json())) for a in answers} == {("lang", "subscribed", "topics")}


@pytest.fixture
def served(demo_instance, server_for):
    return demo_instance, server_for(demo_instance)


@pytest.fixture(scope="module")
def refusing(demo_template, tmp_path_factory):
    """One server for the refusals, which store nothing."""
    data_dir = tmp_path_factory.mktemp("refusing") / "demo"
    shutil.copytree(demo_template, data_dir)
    server = RunningServer(data_dir)
    yield Instance(data_dir), server
    server.stop()


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://push.example.net:8443/x", "no port"),
        ("https://push.example.net:443/x", "no port"),
        ("https://user:secret@push.example.net/x", "no user"),
        ("https://localhost/x", "not the name of a public push service"),
        ("https://printer.local/x", "not the name of a public push service"),
        ("https://intranet/x", "not the name of a public push service"),
        ("https://[::1]/x", "loopback"),
    ],
)
def test_an_endpoint_off_the_standard_port_or_on_a_local_name_is_refused_400(refusing, endpoint, expected):
    instance, server = refusing
    answer = httpx.post(server.url + "/push/subscribe", json=phone(endpoint))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith("subscription.endpoint:") and expected in answer.json()["error"]
    assert count(instance) == 0


def test_a_host_that_is_not_a_browsers_push_service_takes_a_few_phones_only(served):
    instance, server = served
    for n in range(PER_HOST_LIMIT):
        assert httpx.post(server.url + "/push/subscribe", json=phone(f"https://push.example.net/{n}")).status_code == 201
    refused = httpx.post(server.url + "/push/subscribe", json=phone("https://push.example.net/one-more"))
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("subscription.endpoint: push.example.net is not a browser's push service")
    # Another host has its own allowance; a browser's push service has none.
    assert httpx.post(server.url + "/push/subscribe", json=phone("https://push.example.org/1")).status_code == 201
    for n in range(PER_HOST_LIMIT + 1):
        answer = httpx.post(server.url + "/push/subscribe", json=phone(f"https://fcm.googleapis.com/fcm/send/{n}"))
        assert answer.status_code == 201
    assert count(instance) == 2 * PER_HOST_LIMIT + 2


def test_a_phone_already_subscribed_may_change_its_topics_at_its_hosts_limit(served):
    instance, server = served
    first = phone("https://push.example.net/0")
    for n in range(PER_HOST_LIMIT):
        body = first if n == 0 else phone(f"https://push.example.net/{n}")
        assert httpx.post(server.url + "/push/subscribe", json=body).status_code == 201
    changed = {**first, "topics": ["notices", "area:KM1"]}
    assert httpx.post(server.url + "/push/subscribe", json=changed).status_code == 200


def test_the_server_takes_a_bounded_number_of_phones(served):
    instance, server = served
    with sqlite3.connect(instance.data_dir / "private.db") as db:
        db.executemany(
            "INSERT INTO push_subscriptions (endpoint, p256dh, auth, language, topics, created, updated)"
            " VALUES (?, 'k', 'a', 'en', '[\"notices\"]', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            ((f"https://fcm.googleapis.com/fcm/send/filler-{n}",) for n in range(MAX_SUBSCRIPTIONS)),
        )
    answer = httpx.post(server.url + "/push/subscribe", json=phone("https://fcm.googleapis.com/fcm/send/last"))
    assert answer.status_code == 503
    assert answer.json()["error"] == "alerts cannot take more phones on this server for now"
    assert count(instance) == MAX_SUBSCRIPTIONS
