"""M4: guessing is slowed, but a stranger cannot lock a worker out of her own browser (real server)."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from directory.staff.accounts.devices import DEVICE_COOKIE
from directory.staff.accounts.policy import CLIENT_FAILURES, LOCKOUT_FAILURES
from tests.staff.helpers import PASSWORD, login, login_form_token, make_user, session_cookie

WORKER = "ines@m4.test"


def attempt(client: httpx.Client, email: str, password: str, headers: dict | None = None) -> httpx.Response:
    token = login_form_token(client)
    return client.post(
        "/staff/login", data={"email": email, "password": password, "csrf_token": token}, headers=headers or {}
    )


def known_browser(url: str) -> httpx.Client:
    """A browser where the worker signed in once, then signed out: it keeps its device cookie."""
    client, csrf = login(None, url, WORKER)
    assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 303
    assert session_cookie(client) is None
    assert any(c.name == DEVICE_COOKIE for c in client.cookies.jar)
    return client


def guess_until_held_back(client: httpx.Client, email: str, headers_for=lambda n: {}) -> list[int]:
    return [attempt(client, email, f"a wrong guess {n}", headers_for(n)).status_code for n in range(LOCKOUT_FAILURES + 1)]


@pytest.fixture
def server(demo_instance, server_for):
    make_user(demo_instance, WORKER, "editor", ["any-org"])
    return server_for(demo_instance)


@pytest.fixture
def proxied(demo_instance, server_for, monkeypatch):
    """A server told it sits behind a proxy that sets X-Forwarded-For and X-Forwarded-Proto."""
    make_user(demo_instance, WORKER, "editor", ["any-org"])
    monkeypatch.setenv("HARBOUR_TRUST_PROXY", "1")
    return server_for(demo_instance)


def test_m4_a_strangers_ten_wrong_passwords_do_not_stop_the_worker_signing_in_from_her_known_device(server):
    with closing(known_browser(server.url)) as hers, httpx.Client(base_url=server.url) as stranger:
        # Both come from 127.0.0.1, as every client does behind a proxy Harbour does not trust.
        codes = guess_until_held_back(stranger, WORKER)
        assert codes[:LOCKOUT_FAILURES] == [401] * LOCKOUT_FAILURES and codes[-1] == 429
        assert attempt(stranger, WORKER, PASSWORD).status_code == 429  # the stranger is held back …
        assert attempt(hers, WORKER, PASSWORD).status_code == 303  # … the worker is not
        assert session_cookie(hers) is not None
        assert hers.get("/staff/").status_code == 200


def test_m4_guessing_from_one_client_is_still_slowed_across_accounts_and_forged_forwarded_for(server):
    with closing(known_browser(server.url)) as hers, httpx.Client(base_url=server.url) as guesser:
        # Another account each time, and a made-up X-Forwarded-For (not trusted): one client all the same.
        codes = [
            attempt(guesser, f"guess{n}@m4.test", "a wrong guess", {"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(CLIENT_FAILURES)
        ]
        assert codes == [401] * CLIENT_FAILURES
        assert attempt(guesser, "one-more@m4.test", "a wrong guess").status_code == 429
        assert attempt(guesser, WORKER, PASSWORD).status_code == 429
        assert attempt(hers, WORKER, PASSWORD).status_code == 303  # her own browser, same address


def test_m4_per_account_guessing_from_many_addresses_is_still_slowed_for_unknown_devices(proxied):
    with closing(known_browser(proxied.url)) as hers, httpx.Client(base_url=proxied.url) as botnet:
        codes = guess_until_held_back(botnet, WORKER, lambda n: {"X-Forwarded-For": f"198.51.100.{n + 1}"})
        assert codes[:LOCKOUT_FAILURES] == [401] * LOCKOUT_FAILURES and codes[-1] == 429
        # A new address with the right password, but from a browser that never signed in: held back.
        with httpx.Client(base_url=proxied.url) as new_browser:
            fresh = attempt(new_browser, WORKER, PASSWORD, {"X-Forwarded-For": "192.0.2.77"})
            assert fresh.status_code == 429 and int(fresh.headers["retry-after"]) > 0
            assert session_cookie(new_browser) is None
        assert attempt(hers, WORKER, PASSWORD, {"X-Forwarded-For": "192.0.2.1"}).status_code == 303


def test_m4_a_known_device_is_itself_held_back_after_ten_wrong_passwords(server):
    with closing(known_browser(server.url)) as hers:
        codes = guess_until_held_back(hers, WORKER)
        assert codes[:LOCKOUT_FAILURES] == [401] * LOCKOUT_FAILURES and codes[-1] == 429


def test_m4_every_cookie_of_a_sign_in_is_secure_behind_a_trusted_proxy_that_says_https(proxied):
    with httpx.Client(base_url=proxied.url) as client:
        form = client.get("/staff/login", headers={"X-Forwarded-Proto": "https"})
        assert "; secure" in form.headers["set-cookie"].lower()
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": WORKER, "password": PASSWORD, "csrf_token": token},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.5"},
        )
        assert answer.status_code == 303
        cookies = {c.split("=", 1)[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
        assert {"harbour_session", DEVICE_COOKIE} <= set(cookies)
        for name in ("harbour_session", DEVICE_COOKIE):
            assert "; secure" in cookies[name], name
            assert "; httponly" in cookies[name], name
