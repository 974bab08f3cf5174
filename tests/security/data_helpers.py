"""Helpers for the security tests of the data pages: SQL page links, a signed-in browser, requests."""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

from tests.staff.helpers import PASSWORD

ADMIN = "admin@security.test"


def sql_page(server, sql: str) -> str:
    """The URL of the SQL page at /data/ running `sql` (what an attacker would send someone)."""
    return f"{server.url}/data/directory?{urlencode({'sql': sql})}"


def sign_in(context, server, email: str = ADMIN) -> None:
    page = context.new_page()
    page.goto(server.url + "/staff/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/staff/")
    page.close()


def problems_of(page) -> list[str]:
    """Collects console errors (a refused script, a CSP violation) and uncaught exceptions of `page`."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def keep_requests_local(context) -> list[str]:
    """Refuses (and lists) every request the browser makes to a host other than 127.0.0.1."""
    outside: list[str] = []

    def route(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return outside
