"""Shared by the translate, verify, review, notices, publisher-feed and bulk tests.

    people = sign_in(instance, server, admin=("admin", ()), ed=("editor", [org]))
    client, csrf = people["ed"]
"""

from __future__ import annotations

import re
from contextlib import closing

import httpx

from tests.staff.helpers import login, make_user


def sign_in(instance, server, **people: tuple[str, list | tuple]) -> dict[str, tuple[httpx.Client, str]]:
    """{key: (signed-in client, its CSRF token)} for each key=(role, organizations)."""
    signed = {}
    for key, (role, orgs) in people.items():
        email = f"{key}@workflows.staff.test"
        make_user(instance, email, role, orgs)
        signed[key] = login(None, server.url, email)
    return signed


def close_all(people: dict) -> None:
    for client, _ in people.values():
        client.close()


def one(instance, sql: str, *params, private: bool = False):
    """The first column of the first row (None when there is none)."""
    with closing(instance.private() if private else instance.directory()) as db:
        row = db.execute(sql, params).fetchone()
    return row[0] if row else None


def rows(instance, sql: str, *params, private: bool = False) -> list[tuple]:
    with closing(instance.private() if private else instance.directory()) as db:
        return db.execute(sql, params).fetchall()


def figure(page: str, element_id: str) -> str:
    """The text of the element with this id (figures on the dashboard)."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', page)
    assert match, f"no element #{element_id} on the page"
    return match.group(1).strip()


def org_with_services(instance, skip: int = 0) -> str:
    """An organization of the demo city with services (the `skip`-th busiest)."""
    return one(
        instance,
        "SELECT organization_id FROM services GROUP BY organization_id ORDER BY count(*) DESC, organization_id"
        " LIMIT 1 OFFSET ?",
        skip,
    )
