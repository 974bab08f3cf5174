"""Info: the sign-in form cannot be forged with a planted cookie or posted from another site (login CSRF)."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.staff.helpers import PASSWORD, login_form_token, make_user, session_cookie

ATTACKER = "mallory@csrf.test"  # the attacker's own account, which the victim would be signed in to


@pytest.fixture
def server(demo_instance, server_for):
    make_user(demo_instance, ATTACKER, "viewer")
    return server_for(demo_instance)


def forged_post(server, token: str, headers: dict | None = None) -> tuple[int, str | None]:
    """The victim's browser: a login cookie planted by the attacker, then the attacker's form posted.

    Returns (the status, the session cookie the victim got, if any).
    """
    with httpx.Client(base_url=server.url) as victim:
        victim.cookies.set("harbour_login_csrf", token, domain="127.0.0.1", path="/staff")
        answer = victim.post(
            "/staff/login", data={"email": ATTACKER, "password": PASSWORD, "csrf_token": token}, headers=headers or {}
        )
        return answer.status_code, session_cookie(victim)


def test_info_a_token_made_up_and_planted_in_the_cookie_is_refused(server):
    assert forged_post(server, "A" * 43) == (403, None)


def test_info_a_genuine_token_planted_and_posted_from_another_site_is_refused(server):
    with httpx.Client(base_url=server.url) as attacker:
        genuine = login_form_token(attacker)  # fetched by the attacker from the real form
    for headers in (
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://shop.127.0.0.1.example"},  # a sibling subdomain
        {"Origin": "https://evil.example"},  # an older browser: only Origin
        {"Origin": "null"},  # a sandboxed frame
    ):
        assert forged_post(server, genuine, headers) == (403, None), headers


def test_info_an_expired_token_is_refused(server):
    from directory.staff.accounts import signin_token
    from directory.staff.accounts.secret import instance_key

    old = signin_token.issue(instance_key(server.data_dir), now=time.time() - signin_token.TOKEN_SECONDS - 60)
    assert forged_post(server, old) == (403, None)


def test_info_the_real_form_from_the_same_origin_still_signs_in(server):
    with httpx.Client(base_url=server.url) as client:
        token = login_form_token(client)
        answer = client.post(
            "/staff/login",
            data={"email": ATTACKER, "password": PASSWORD, "csrf_token": token},
            headers={"Sec-Fetch-Site": "same-origin", "Origin": server.url},
        )
        assert answer.status_code == 303
        assert session_cookie(client) is not None


def test_info_a_real_browser_signs_in_through_the_form(server, browser):
    page = browser.new_page()
    try:
        page.goto(server.url + "/staff/login")
        page.fill("#email", ATTACKER)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/staff/$"))
        assert ATTACKER in page.content()
    finally:
        page.close()
