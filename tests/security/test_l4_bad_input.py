"""L4: input that used to answer 500 — a page number SQLite cannot hold, a NUL byte, a date
that overflows, JSON nested past Python's recursion limit — is a 4xx naming the parameter or field."""

from __future__ import annotations

import httpx
import pytest

from directory.push.routes import BODY_DEPTH
from directory.staff.api.publish import MAX_DEPTH
from tests.security.helpers import staff_api

COLLECTIONS = ("services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_page_number_sqlite_cannot_hold_is_400_naming_page(demo_server, collection):
    answer = httpx.get(f"{demo_server.url}/hsds/{collection}", params={"page": "99999999999999999999999"})
    assert answer.status_code == 400, answer.text[:200]
    assert answer.json()["parameter"] == "page"
    assert answer.json()["error"] == "parameter 'page' must be at most 1000000, not '99999999999999999999999'"


@pytest.mark.parametrize(
    ("collection", "parameter", "value"),
    [
        ("services", "search", "legal\x00aid"),
        ("organizations", "search", "\x00"),
        ("service_at_locations", "search", "a\x00"),
        ("services", "taxonomy_term_id", "legal\x00"),
        ("services", "organization_id", "\x00x"),
        ("taxonomy_terms", "parent_id", "\x00"),
        ("services", "modified_after", "0001-01-01T00:00:00+14:00"),  # before the year 1 in UTC
        ("services", "modified_after", "9999-12-31T23:59:59-14:00"),  # after the year 9999 in UTC
        ("services", "lang", "en-" + "-".join(["abcdefgh"] * 40)),
    ],
)
def test_a_parameter_sqlite_or_the_calendar_cannot_take_is_400_naming_it(demo_server, collection, parameter, value):
    answer = httpx.get(f"{demo_server.url}/hsds/{collection}", params={parameter: value})
    assert answer.status_code == 400, answer.text[:200]
    assert answer.json()["parameter"] == parameter
    assert answer.json()["error"].startswith(f"parameter '{parameter}' must")


def test_a_nul_byte_in_a_record_id_is_400_naming_the_id(demo_server):
    answer = httpx.get(f"{demo_server.url}/hsds/services/a%00b")
    assert answer.status_code == 400 and answer.json()["parameter"] == "id"


@pytest.fixture
def api(demo_instance, server_for):
    return staff_api(demo_instance, server_for)


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_json_nested_past_the_recursion_limit_is_400_on_every_json_route(api):
    patch_headers = {**api.admin, "Content-Type": "application/merge-patch+json", "If-Match": api.etag()}
    sent = [
        httpx.post(f"{api.server.url}/push/subscribe", content=deep(5000), headers={"Content-Type": "application/json"}),
        httpx.post(f"{api.server.url}/push/unsubscribe", content=deep(5000),
                   headers={"Content-Type": "application/json"}),
        httpx.post(f"{api.server.url}/api/publish", content=deep(100_000),
                   headers={**api.publisher, "Content-Type": "application/json"}),
        httpx.patch(f"{api.server.url}/api/services/{api.service_id}", content=deep(100_000), headers=patch_headers),
    ]
    for answer in sent:
        assert answer.status_code == 400, f"{answer.request.url}: {answer.text[:200]}"
        assert answer.json()["error"].startswith("the body is nested deeper than")


def nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def test_json_nested_deeper_than_a_route_needs_is_400_naming_the_field(api):
    service = {"id": "deep-1", "name": "Deep", "status": "active", "description": nested(MAX_DEPTH)}
    answer = httpx.post(f"{api.server.url}/api/publish", json=[service], headers=api.publisher, timeout=60)
    assert answer.status_code == 400, answer.text[:200]
    assert answer.json()["error"] == (
        f"the body is nested deeper than {MAX_DEPTH} levels at $[0].description" + "[0]" * (MAX_DEPTH - 2)
    )

    patch_headers = {**api.admin, "Content-Type": "application/merge-patch+json", "If-Match": api.etag()}
    answer = httpx.patch(f"{api.server.url}/api/services/{api.service_id}", json={"name": nested(40)},
                         headers=patch_headers)
    assert answer.status_code == 400 and "at $.name[0]" in answer.json()["error"]

    phone = {"subscription": {"endpoint": "https://fcm.googleapis.com/fcm/send/x",
                              "keys": {"p256dh": nested(BODY_DEPTH), "auth": "x"}}, "topics": ["notices"], "lang": "en"}
    answer = httpx.post(f"{api.server.url}/push/subscribe", json=phone)
    assert answer.status_code == 400 and "at $.subscription.keys.p256dh[0]" in answer.json()["error"]
