"""Staff test helpers: make users and tokens straight in private.db, sign in over real HTTP.

    make_user(instance, "ed@example.org", "editor", orgs=[org_id])
    client, csrf = login(None, server.url, "ed@example.org")
    client.post("/staff/…", data={"csrf_token": csrf, …})      # client has base_url = server.url
    token = make_token(instance, "ed@example.org")
    httpx.post(server.url + "/api/…", headers=bearer(token), json={…})
"""

from __future__ import annotations

import re

import httpx

from directory.instance import Instance
from directory.staff.accounts.tokens import create_token
from directory.staff.accounts.users import add_user

PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_CSRF_INPUT = re.compile(r'action="/staff/login"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')


def make_user(instance: Instance, email: str, role: str, orgs=(), password: str = PASSWORD):
    db = instance.private()
    try:
        return add_user(db, email, role, password, list(orgs))
    finally:
        db.close()


def make_token(instance: Instance, email: str) -> str:
    db = instance.private()
    try:
        return create_token(db, email)
    finally:
        db.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login_form_token(client: httpx.Client) -> str:
    """GET the sign-in form; the pre-session CSRF token from its hidden field."""
    page = client.get("/staff/login")
    assert page.status_code == 200, page.text
    return LOGIN_CSRF_INPUT.search(page.text).group(1)


def login(
    client: httpx.Client | None, base_url: str, email: str, password: str = PASSWORD
) -> tuple[httpx.Client, str]:
    """Sign in through the real form; returns (the client holding the session cookie, its CSRF token).

    With `client=None` a new httpx.Client on `base_url` is made (close it, or use it in `with`).
    """
    if client is None:
        client = httpx.Client(base_url=base_url, timeout=30)
    token = login_form_token(client)
    answer = client.post("/staff/login", data={"email": email, "password": password, "csrf_token": token})
    assert answer.status_code == 303, f"sign-in as {email} failed: {answer.status_code} {answer.text[:300]}"
    return client, session_csrf(client)


def session_csrf(client: httpx.Client) -> str:
    """The signed-in session's CSRF token, read from the sign-out form on /staff/."""
    page = client.get("/staff/")
    assert page.status_code == 200, page.text[:300]
    match = CSRF_INPUT.search(page.text)
    assert match, "no csrf_token on /staff/: not signed in?"
    return match.group(1)


def session_cookie(client: httpx.Client) -> str | None:
    for cookie in client.cookies.jar:
        if cookie.name == "harbour_session":
            return cookie.value
    return None
