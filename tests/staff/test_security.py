"""Security of staff accounts over a real server: CSRF, lock-out, headers, cookies, tokens, privacy."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from directory.staff.accounts import lockout
from directory.staff.accounts.policy import LOCKOUT_FAILURES, LOCKOUT_WINDOW_SECONDS
from tests.conftest import RunningServer
from tests.staff.helpers import (
    PASSWORD,
    bearer,
    login,
    login_form_token,
    make_token,
    make_user,
    session_cookie,
)

STAFF = "@security.staff.test"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def found_in(db, needle: str) -> list[str]:
    """Every table.column (views too) holding a value that contains `needle` (each column read as text)."""
    hits = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall():
        try:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]
        except Exception:  # noqa: BLE001 - an FTS shadow table that cannot be described
            continue
        for column in columns:
            sql = f"SELECT count(*) FROM [{table}] WHERE CAST([{column}] AS TEXT) LIKE ?"
            if db.execute(sql, [f"%{needle}%"]).fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def emails_in_directory(instance, needle: str) -> list[str]:
    """Every table.column of directory.db with a value containing `needle`."""
    db = instance.directory()
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"services", "changes"} <= tables
        return found_in(db, needle)
    finally:
        db.close()


def attempt(client: httpx.Client, email: str, password: str) -> httpx.Response:
    return client.post(
        "/staff/login", data={"email": email, "password": password, "csrf_token": login_form_token(client)}
    )


@pytest.fixture
def server(demo_instance, server_for):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    return server_for(demo_instance)


def test_login_form_without_its_csrf_token_is_refused(server):
    with httpx.Client(base_url=server.url) as client:
        login_form_token(client)  # the cookie half is set; the form half is left out
        answer = client.post("/staff/login", data={"email": f"ada{STAFF}", "password": PASSWORD})
        assert answer.status_code == 403
        assert session_cookie(client) is None


def test_login_form_token_from_another_browser_is_refused(server):
    with httpx.Client(base_url=server.url) as attacker, httpx.Client(base_url=server.url) as victim:
        token = login_form_token(attacker)
        login_form_token(victim)  # the victim has their own cookie
        answer = victim.post(
            "/staff/login", data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 403
        assert session_cookie(victim) is None


def test_state_changing_form_without_or_with_a_wrong_csrf_token_is_refused(server):
    client, csrf = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        assert client.post("/staff/logout", data={}).status_code == 403
        assert client.post("/staff/logout", data={"csrf_token": csrf[:-2] + "xx"}).status_code == 403
        assert client.get("/staff/").status_code == 200  # still signed in: nothing happened
        assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 303
        assert client.get("/staff/").status_code == 303  # now signed out


def test_csrf_token_also_accepted_in_x_csrf_token_header(server):
    client, csrf = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        assert client.post("/staff/logout", headers={"X-CSRF-Token": csrf}).status_code == 303


def test_ten_failures_lock_the_account_out_for_unknown_browsers_even_for_the_right_password(server):
    email = f"ada{STAFF}"
    with httpx.Client(base_url=server.url) as client:
        for n in range(LOCKOUT_FAILURES):
            answer = attempt(client, email, f"wrong password {n}")
            assert answer.status_code == 401, n
        locked = attempt(client, email, "wrong again, wrong again")
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) > 0
        right = attempt(client, email, PASSWORD)
        assert right.status_code == 429
        assert session_cookie(client) is None
    # From another address, a browser that never signed in is held back too (the loopback
    # network is 127.0.0.0/8); the worker's own browser is not (tests/security/test_m4_*).
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=server.url, transport=transport) as elsewhere:
        assert attempt(elsewhere, email, PASSWORD).status_code == 429
        assert session_cookie(elsewhere) is None


def test_unknown_email_gets_the_same_answers_as_a_wrong_password_including_lockout(server):
    with httpx.Client(base_url=server.url) as client:
        known = [attempt(client, f"ada{STAFF}", f"not the password {n}") for n in range(LOCKOUT_FAILURES + 1)]
        unknown = [attempt(client, f"nobody{STAFF}", f"not the password {n}") for n in range(LOCKOUT_FAILURES + 1)]
    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert known[-1].status_code == 429 and known[0].status_code == 401

    def message(answer: httpx.Response) -> str:
        return re.search(r'<p class="error"[^>]*>([^<]*)</p>', answer.text).group(1)

    assert message(known[0]) == message(unknown[0])
    assert message(known[-1]) == message(unknown[-1])


def test_lockout_ends_when_the_failures_age_out(demo_instance):
    key = b"k" * 32
    db = demo_instance.private()
    try:
        start = 1_000_000.0
        for n in range(LOCKOUT_FAILURES):
            lockout.record_failure(db, lockout.attempt(key, "someone@example.org", "10.0.0.1"), now=start + n)
        held = lockout.attempt(key, "SomeOne@example.org", "10.0.0.2")
        assert lockout.retry_after(db, held, now=start + 20) > 0
        known = lockout.attempt(key, "someone@example.org", "10.0.0.1", device_nonce="a-known-device")
        assert lockout.retry_after(db, known, now=start + 20) == 0
        later = start + LOCKOUT_WINDOW_SECONDS + 1
        assert lockout.retry_after(db, held, now=later) == 0
    finally:
        db.close()


def test_staff_pages_send_csp_referrer_nosniff_and_no_store(demo_instance):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    server = RunningServer(demo_instance.data_dir, no_store=False)  # no blanket no-store from the test flag
    try:
        client, _ = login(None, server.url, f"ada{STAFF}")
        with closing(client):
            for path in ("/staff/login", "/staff/"):
                answer = client.get(path)
                assert answer.status_code == 200
                assert answer.headers["content-security-policy"] == CSP
                assert answer.headers["referrer-policy"] == "no-referrer"
                assert answer.headers["x-content-type-options"] == "nosniff"
                assert answer.headers["cache-control"] == "no-store"
            css = client.get("/staff/static/staff.css")
            assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        public = httpx.get(server.url + "/")
        assert "content-security-policy" not in public.headers or public.headers["content-security-policy"] != CSP
        assert public.headers.get("cache-control") != "no-store"
    finally:
        server.stop()


def test_staff_pages_have_no_inline_script_or_style(server):
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        for path in ("/staff/login", "/staff/"):
            page = client.get(path).text
            assert "<script" not in page
            assert "<style" not in page and " style=" not in page
            assert '<link rel="stylesheet" href="/staff/static/staff.css">' in page


def test_cookies_are_not_secure_over_http_even_when_a_client_claims_https(server):
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert answer.status_code == 303
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("harbour_session="))
        assert "secure" not in cookie.lower()


def test_cookies_are_secure_behind_a_trusted_proxy_that_says_https(demo_instance, server_for, monkeypatch):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    monkeypatch.setenv("HARBOUR_TRUST_PROXY", "1")
    server = server_for(demo_instance)
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": f"ada{STAFF}", "password": PASSWORD, "csrf_token": token},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert answer.status_code == 303
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("harbour_session="))
        assert "; secure" in cookie.lower()


def test_bearer_token_reads_the_api_and_revocation_ends_it(demo_instance, server_for):
    from directory.cli.main import main

    make_user(demo_instance, f"ada{STAFF}", "admin")
    token = make_token(demo_instance, f"ada{STAFF}")
    server = server_for(demo_instance)
    answer = httpx.get(server.url + "/api/whoami", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.json() == {"email": f"ada{STAFF}", "role": "admin", "organizations": [], "via": "token"}
    assert httpx.get(server.url + "/api/whoami").status_code == 401
    assert httpx.get(server.url + "/api/whoami", headers=bearer(token + "x")).status_code == 401
    assert main(["tokens", "revoke", token[:11], "--data-dir", str(demo_instance.data_dir)]) == 0
    revoked = httpx.get(server.url + "/api/whoami", headers=bearer(token))
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"] == "Bearer"


def test_api_write_with_only_a_session_cookie_is_refused_but_the_token_itself_may(demo_instance, server_for):
    make_user(demo_instance, f"ada{STAFF}", "admin")
    token = make_token(demo_instance, f"ada{STAFF}")
    server = server_for(demo_instance)
    client, _ = login(None, server.url, f"ada{STAFF}")
    with closing(client):
        cookie = session_cookie(client)
        # The cookie is scoped to /staff, so a browser never sends it to /api/; send it by hand.
        answer = httpx.delete(server.url + "/api/token", headers={"Cookie": f"harbour_session={cookie}"})
        assert answer.status_code == 403
        assert httpx.get(server.url + "/api/whoami", headers=bearer(token)).status_code == 200
        assert httpx.delete(server.url + "/api/token", headers=bearer(token)).status_code == 204
        assert httpx.get(server.url + "/api/whoami", headers=bearer(token)).status_code == 401


def test_no_staff_email_reaches_directory_db(demo_instance, server_for):
    for role in ("admin", "viewer"):
        make_user(demo_instance, f"{role}{STAFF}", role)
    token = make_token(demo_instance, f"admin{STAFF}")
    server = server_for(demo_instance)
    client, csrf = login(None, server.url, f"admin{STAFF}")
    with closing(client):
        assert httpx.get(server.url + "/api/whoami", headers=bearer(token)).status_code == 200
        attempt(client, f"viewer{STAFF}", "a wrong password!")
        attempt(client, f"ghost{STAFF}", "a wrong password!")
        assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 303
    assert emails_in_directory(demo_instance, STAFF) == []
    # The scan does find an address that is there (a demo service's own e-mail).
    db = demo_instance.directory()
    try:
        demo_email = db.execute("SELECT email FROM services WHERE email LIKE '%@%' LIMIT 1").fetchone()[0]
    finally:
        db.close()
    assert "services.email" in emails_in_directory(demo_instance, demo_email)
