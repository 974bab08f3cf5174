"""L3: every JSON body route reads its body as a stream and answers 413 once it passes the cap,
before the body ends and before anything is parsed (one reader: directory/web/json_body.py)."""

from __future__ import annotations

import json

import httpx
import pytest

from directory.push.routes import BODY_LIMIT
from directory.staff.api.publish import MAX_BODY_BYTES
from directory.staff.api.records import PATCH_MAX_BYTES
from tests.security.helpers import staff_api, status_before_the_body_ends

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api(demo_instance, server_for):
    return staff_api(demo_instance, server_for)


def routes(api) -> list[tuple[str, str, dict[str, str], int]]:
    """(method, path, headers, cap) of each route that takes a JSON body."""
    return [
        ("POST", "/api/publish", {**api.publisher, **JSON}, MAX_BODY_BYTES),
        ("PATCH", f"/api/services/{api.service_id}",
         {**api.admin, "Content-Type": "application/merge-patch+json", "If-Match": api.etag()}, PATCH_MAX_BYTES),
        ("POST", "/push/subscribe", JSON, BODY_LIMIT),
        ("POST", "/push/unsubscribe", JSON, BODY_LIMIT),
    ]


def test_a_body_that_passes_the_cap_is_refused_413_before_it_ends(api):
    for method, path, headers, cap in routes(api):
        status, body = status_before_the_body_ends(api.server.url, method, path, headers, sent=cap + 65536)
        assert status == 413, f"{method} {path}"
        assert json.loads(body)["error"] == f"the body is larger than {cap} bytes"


def test_a_declared_length_over_the_cap_is_refused_413_without_reading_the_body(api):
    for method, path, headers, cap in routes(api):
        declared = {**headers, "Content-Length": str(cap + 1)}
        status, _ = status_before_the_body_ends(api.server.url, method, path, declared, sent=0, chunked=False)
        assert status == 413, f"{method} {path}"


def test_a_body_under_the_cap_still_publishes(api):
    one = [{"id": "cap-1", "name": "Homework club", "status": "active"}]
    answer = httpx.post(f"{api.server.url}/api/publish", json=one, headers=api.publisher, timeout=60)
    assert answer.status_code == 201 and answer.json()["created"] == 1
