"""Hostile HTML typed into a form or sent to the API ends up inert wherever the record is shown:
staff pages, the PWA bundle, Datasette's JSON and the HSDS API."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.bundle_helpers import wait_for_fresh_bundles
from tests.staff.edit_helpers import a_service_of, form_fields
from tests.staff.helpers import bearer, login, make_token, make_user

SCRIPT = "<script>alert('hb')</script>"
IMG = "<img src=x onerror=alert('hb')>"
JS_LINK = "<a href=\"javascript:alert('hb')\">tap</a>"
SVG = "<svg onload=alert('hb')></svg>"
SAFE_LINK = '<a href="https://help.example/">help</a>'


def hostile(text: str) -> str:
    return f"{SCRIPT}{text} {IMG}{JS_LINK}{SVG}"


DANGEROUS = re.compile(r"<\s*(script|img|svg|iframe)|onerror|onload|javascript:", re.I)


def assert_inert(text: str, where: str) -> None:
    found = DANGEROUS.search(text)
    assert found is None, f"{where}: {found.group(0)!r} survived in …{text[max(0, found.start() - 80):found.end() + 80]}…"


@pytest.fixture
def hostile_setup(demo_instance, server_for):
    service_id, org = a_service_of(demo_instance)
    make_user(demo_instance, "ed@hostile.test", "editor", [org])
    server = server_for(demo_instance)
    client, _ = login(None, server.url, "ed@hostile.test")
    token = bearer(make_token(demo_instance, "ed@hostile.test"))
    yield demo_instance, server, service_id, org, client, token
    client.close()


def bundle_text(server) -> tuple[str, dict]:
    wait_for_fresh_bundles(server)  # built aside after a change, then offered
    manifest = httpx.get(f"{server.url}/bundle/manifest.json").json()
    text = httpx.get(server.url + manifest["languages"]["en"]["url"]).text
    return text, json.loads(text)


def assert_inert_everywhere(server, client, service_id: str, name_part: str) -> dict:
    """Check every place the service is shown; return its HSDS record."""
    record = httpx.get(f"{server.url}/hsds/services/{service_id}")
    assert_inert(record.text, "HSDS API")
    datasette = httpx.get(f"{server.url}/data/directory/services/{service_id}.json?_shape=array")
    assert datasette.status_code == 200
    assert_inert(datasette.text, "Datasette JSON")
    text, bundle = bundle_text(server)
    assert_inert(text, "PWA bundle")
    shown = next(s for s in bundle["services"] if s["id"] == service_id)
    assert name_part in shown["name"]
    for path in (f"/staff/services/{service_id}", "/staff/services"):
        page = client.get(path)
        assert page.status_code == 200
        assert_inert(page.text, path)
    assert name_part in record.json()["name"]
    return record.json()


def test_hostile_html_typed_into_every_shown_field_of_the_form_is_inert_everywhere(hostile_setup):
    _, server, service_id, org, client, _ = hostile_setup
    fields = form_fields(client.get(f"/staff/services/{service_id}").text)
    for name in ("name", "alternate_name", "alert", "eligibility_description", "application_process",
                 "fees_description", "interpretation_services", "hours-note", "languages"):
        fields[name] = hostile(f"Safe {name}")
    fields["description"] = hostile(f"<p>Advice {SAFE_LINK}</p>")
    fields["required_documents"] = hostile("Passport") + "\n" + hostile("Letter")
    fields["phones-0-number"] = "01632 960123"
    fields["phones-0-description"] = hostile("Ring after 10")
    fields["cost_options-0-option"] = hostile("Deposit")
    fields["hours-MO-1-opens"], fields["hours-MO-1-closes"] = "09:00", "17:00"
    saved = client.post(f"/staff/services/{service_id}", data=fields)
    assert saved.status_code == 200, saved.text[:400]
    assert_inert(saved.text, "the saved form")

    organization = form_fields(client.get(f"/staff/organizations/{org}").text)
    organization["name"] = hostile("Safe organization")
    organization["description"] = hostile("Who we are")
    assert client.post(f"/staff/organizations/{org}", data=organization).status_code == 200

    record = assert_inert_everywhere(server, client, service_id, "Safe name")
    # Sanitised, not emptied: the text and the allowed markup are still there.
    assert record["alternate_name"] == "Safe alternate_name tap"  # the link went, its words stay
    assert "Advice" in record["description"] and 'href="https://help.example/"' in record["description"]
    assert any("Ring after 10" in p.get("description", "") for p in record["phones"])
    assert [d["document"].split(" ")[0] for d in record["required_documents"]] == ["Passport", "Letter"]
    assert "Safe organization" in record["organization"]["name"]


def test_hostile_html_sent_to_the_api_is_inert_everywhere(hostile_setup):
    _, server, service_id, _, client, token = hostile_setup
    etag = httpx.get(f"{server.url}/api/services/{service_id}", headers=token).headers["etag"]
    body = {
        "name": hostile("Safe API name"),
        "description": hostile("<p>Described</p>"),
        "alert": hostile("Alert"),
        "eligibility_description": hostile("For everyone"),
        "phones": [{"number": "01632 960124", "description": hostile("Evenings")}],
        "schedules": [{"byday": "TU", "opens_at": "10:00", "closes_at": "12:00", "description": hostile("Note")}],
        "required_documents": [{"document": hostile("Any ID")}],
        "languages": [{"name": hostile("Arabic")}],
    }
    # A javascript: address is no address: refused naming the field, and nothing of the patch is saved.
    refused = httpx.patch(f"{server.url}/api/services/{service_id}", json={**body, "url": "javascript:alert('hb')"},
                          headers={**token, "If-Match": etag}, timeout=30)
    assert refused.status_code == 422 and "url" in " ".join(refused.json()["problems"])
    answer = httpx.patch(f"{server.url}/api/services/{service_id}", json=body,
                         headers={**token, "If-Match": etag}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert_inert(answer.text, "the PATCH answer")
    record = assert_inert_everywhere(server, client, service_id, "Safe API name")
    assert "javascript" not in str(record.get("url"))
    assert [s.get("description", "").split(" ")[0] for s in record["schedules"]] == ["Note"]


def test_a_javascript_address_in_the_form_is_refused_and_nothing_is_saved(hostile_setup):
    _, server, service_id, _, client, _ = hostile_setup
    before = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    fields = form_fields(client.get(f"/staff/services/{service_id}").text)
    fields.update(url="javascript:alert('hb')", email="<script>@example.org", name="Changed")
    refused = client.post(f"/staff/services/{service_id}", data=fields)
    assert refused.status_code == 400
    assert 'href="#f-url"' in refused.text and 'href="#f-email"' in refused.text
    after = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert (after["name"], after.get("url")) == (before["name"], before.get("url"))
