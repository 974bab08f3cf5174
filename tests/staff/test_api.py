"""The staff JSON API: records with ETags, merge-patches that cannot lose updates, publishing."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.staff.edit_helpers import a_service_of, another_organization
from tests.staff.helpers import bearer, make_token, make_user

PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture
def api(demo_instance, server_for):
    """A server, a service of organization A, and tokens for editors and publishers of A and B."""
    service_id, org_a = a_service_of(demo_instance)
    org_b = another_organization(demo_instance, org_a)
    tokens = {}
    for key, role, org in (
        ("ed_a", "editor", org_a), ("ed_b", "editor", org_b), ("pub_a", "publisher", org_a),
        ("pub_b", "publisher", org_b), ("viewer", "viewer", None),
    ):
        make_user(demo_instance, f"{key}@api.test", role, [org] if org else [])
        tokens[key] = bearer(make_token(demo_instance, f"{key}@api.test"))
    server = server_for(demo_instance)
    return demo_instance, server, service_id, org_a, org_b, tokens


def get(server, path, headers):
    return httpx.get(server.url + path, headers=headers, timeout=30)


def patch(server, path, headers, body, etag=None):
    extra = {**headers, **PATCH_TYPE, **({"If-Match": etag} if etag else {})}
    return httpx.patch(server.url + path, headers=extra, json=body, timeout=30)


def test_get_answers_the_full_service_with_an_etag_and_304_when_it_has_not_changed(api):
    _, server, service_id, org_a, _, tokens = api
    answer = get(server, f"/api/services/{service_id}", tokens["viewer"])
    assert answer.status_code == 200
    record = answer.json()
    assert record["id"] == service_id and record["organization"]["id"] == org_a
    assert {"phones", "schedules", "attributes", "service_at_locations", "metadata"} <= set(record)
    etag = answer.headers["etag"]
    assert etag.startswith('"') and len(etag) > 10
    again = get(server, f"/api/services/{service_id}", {**tokens["viewer"], "If-None-Match": etag})
    assert again.status_code == 304


def test_patch_with_the_current_etag_changes_fields_and_child_lists_and_gives_a_new_etag(api):
    _, server, service_id, _, _, tokens = api
    etag = get(server, f"/api/services/{service_id}", tokens["ed_a"]).headers["etag"]
    body = {
        "name": "Evening legal clinic",
        "alert": None,
        "schedules": [{"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "6pm", "closes_at": "8pm"}],
    }
    answer = patch(server, f"/api/services/{service_id}", tokens["ed_a"], body, etag)
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] != etag
    record = answer.json()
    assert record["name"] == "Evening legal clinic" and "alert" not in record
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in record["schedules"]] == [("TU,TH", "18:00", "20:00")]
    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert public["name"] == "Evening legal clinic"
    assert get(server, f"/api/services/{service_id}", tokens["ed_a"]).headers["etag"] == answer.headers["etag"]


def test_patch_on_an_old_etag_answers_412_listing_what_changed_meanwhile_and_loses_nothing(api):
    _, server, service_id, _, _, tokens = api
    old = get(server, f"/api/services/{service_id}", tokens["ed_a"]).headers["etag"]
    first = patch(server, f"/api/services/{service_id}", tokens["ed_a"], {"email": "desk@law.example"}, old)
    assert first.status_code == 200
    stale = patch(server, f"/api/services/{service_id}", tokens["pub_a"], {"name": "Overwritten?"}, old)
    assert stale.status_code == 412
    body = stale.json()
    assert body["changed"] == ["email"]
    assert body["current"] == {"email": "desk@law.example"}
    assert f'"{body["current_version"]}"' == first.headers["etag"]
    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert public["email"] == "desk@law.example" and public["name"] != "Overwritten?"


def test_patch_without_if_match_answers_428_and_changes_nothing(api):
    _, server, service_id, _, _, tokens = api
    answer = patch(server, f"/api/services/{service_id}", tokens["ed_a"], {"name": "No precondition"})
    assert answer.status_code == 428
    assert httpx.get(f"{server.url}/hsds/services/{service_id}").json()["name"] != "No precondition"


def test_editor_or_publisher_of_another_organization_cannot_patch_the_service(api):
    _, server, service_id, _, _, tokens = api
    etag = get(server, f"/api/services/{service_id}", tokens["ed_b"]).headers["etag"]
    for who in ("ed_b", "pub_b"):
        answer = patch(server, f"/api/services/{service_id}", tokens[who], {"name": "Not yours"}, etag)
        assert answer.status_code == 403, who
    assert patch(server, f"/api/services/{service_id}", tokens["viewer"], {"name": "x"}, etag).status_code == 403


def test_patch_naming_no_such_field_or_the_shared_organization_answers_422(api):
    _, server, service_id, _, _, tokens = api
    etag = get(server, f"/api/services/{service_id}", tokens["ed_a"]).headers["etag"]
    answer = patch(server, f"/api/services/{service_id}", tokens["ed_a"],
                   {"colour": "red", "organization": {"name": "Renamed"}}, etag)
    assert answer.status_code == 422
    problems = " ".join(answer.json()["problems"])
    assert "colour" in problems and "organization" in problems


def test_patch_cannot_take_a_phone_from_another_organizations_service(api):
    instance, server, service_id, org_a, org_b, tokens = api
    other_service, _ = a_service_of(instance, org_b)
    with closing(instance.directory()) as db:
        phone_id, number = db.execute("SELECT id, number FROM phones WHERE service_id = ?", [other_service]).fetchone()
    etag = get(server, f"/api/services/{service_id}", tokens["ed_a"]).headers["etag"]
    answer = patch(server, f"/api/services/{service_id}", tokens["ed_a"],
                   {"phones": [{"id": phone_id, "number": "01632 960111"}]}, etag)
    assert answer.status_code == 403
    with closing(instance.directory()) as db:
        assert db.execute("SELECT service_id, number FROM phones WHERE id = ?", [phone_id]).fetchone() == (
            other_service, number
        )


def _published(instance, org: str, source_id: str) -> str | None:
    with closing(instance.directory()) as db:
        row = db.execute(
            "SELECT record_id FROM provenance WHERE source = ? AND source_id = ?", [f"publisher:{org}", source_id]
        ).fetchone()
    return row[0] if row else None


def test_publisher_publishes_its_own_services_201_and_they_appear_in_the_hsds_api(api):
    instance, server, _, org_a, _, tokens = api
    services = [
        {"id": "cafe-1", "name": "Refugee week café", "organization_id": org_a, "status": "active",
         "description": "Tea and advice.", "phones": [{"number": "01632 960321"}]},
        {"id": "club-2", "name": "Women's football", "status": "active",
         "schedules": [{"byday": "Saturday", "opens_at": "10am", "closes_at": "noon"}]},
    ]
    answer = httpx.post(f"{server.url}/api/publish", headers=tokens["pub_a"], json=services, timeout=60)
    assert answer.status_code == 201, answer.text
    assert answer.json()["created"] == 2 and answer.json()["rejected"] == []
    cafe, club = _published(instance, org_a, "cafe-1"), _published(instance, org_a, "club-2")
    public = httpx.get(f"{server.url}/hsds/services/{cafe}").json()
    assert public["name"] == "Refugee week café" and public["organization_id"] == org_a
    assert public["phones"][0]["number"] == "+441632960321"
    club_public = httpx.get(f"{server.url}/hsds/services/{club}").json()
    assert club_public["organization_id"] == org_a  # no organization named: the publisher's own
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in club_public["schedules"]] == [("SA", "10:00", "12:00")]

    services[0]["name"] = "Refugee week café and advice"
    again = httpx.post(f"{server.url}/api/publish", headers=tokens["pub_a"], json=services, timeout=60)
    assert (again.json()["updated"], again.json()["unchanged"], again.json()["created"]) == (1, 1, 0)


def test_publishing_for_another_organization_is_refused_403_and_saves_nothing(api):
    instance, server, _, org_a, org_b, tokens = api
    theirs = [{"id": "x-1", "name": "Not mine to publish", "organization_id": org_b, "status": "active"}]
    assert httpx.post(f"{server.url}/api/publish", headers=tokens["pub_a"], json=theirs).status_code == 403
    mine = [{"id": "x-2", "name": "Mine, but sent for B", "status": "active"}]
    answer = httpx.post(f"{server.url}/api/publish?organization_id={org_b}", headers=tokens["pub_a"], json=mine)
    assert answer.status_code == 403
    assert httpx.post(f"{server.url}/api/publish", headers=tokens["ed_a"], json=mine).status_code == 403
    with closing(instance.directory()) as db:
        assert db.execute(
            "SELECT count(*) FROM services WHERE name IN ('Not mine to publish', 'Mine, but sent for B')"
        ).fetchone()[0] == 0


def test_publishing_over_the_id_of_another_organizations_service_is_refused_403(api):
    instance, server, service_id, org_a, _, tokens = api
    hijack = [{"id": service_id, "name": "Hijacked", "status": "active"}]
    answer = httpx.post(f"{server.url}/api/publish", headers=tokens["pub_b"], json=hijack)
    assert answer.status_code == 403
    with closing(instance.directory()) as db:
        assert db.execute("SELECT organization_id, name != 'Hijacked' FROM services WHERE id = ?",
                          [service_id]).fetchone() == (org_a, 1)


def test_a_published_service_that_cannot_be_stored_is_reported_with_its_reasons(api):
    instance, server, _, org_a, _, tokens = api
    services = [
        {"id": "ok-1", "name": "Fine service", "status": "active"},
        {"id": "bad-1", "status": "maybe"},
    ]
    answer = httpx.post(f"{server.url}/api/publish", headers=tokens["pub_a"], json=services)
    assert answer.status_code == 201
    body = answer.json()
    assert (body["created"], body["quarantined"]) == (1, 1)
    assert [r["id"] for r in body["rejected"]] == ["bad-1"]
    reasons = " ".join(body["rejected"][0]["reasons"])
    assert "name" in reasons and "status" in reasons
    assert _published(instance, org_a, "bad-1") is None
