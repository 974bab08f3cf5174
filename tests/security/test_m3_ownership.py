"""M3: a record's links are owned too, and unlinking a location works (API and form, real server)."""

from __future__ import annotations

import uuid
from contextlib import closing

import httpx
import pytest

from directory.store import Source, save_record
from tests.staff.edit_helpers import form_fields
from tests.staff.helpers import bearer, login, make_token, make_user

PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


def _linked_service(db, organization_id: str) -> tuple[str, str]:
    """(service id, location id) of a service of the organization linked to one of its own locations."""
    return db.execute(
        "SELECT s.id, l.id FROM services s JOIN service_at_location sal ON sal.service_id = s.id"
        " JOIN locations l ON l.id = sal.location_id WHERE s.organization_id = ? AND l.organization_id = ?"
        " ORDER BY s.id LIMIT 1",
        [organization_id, organization_id],
    ).fetchone()


def links_of(instance, service_id: str) -> set[str]:
    with closing(instance.directory()) as db:
        return {r[0] for r in db.execute("SELECT location_id FROM service_at_location WHERE service_id = ?", [service_id])}


@pytest.fixture
def setup(demo_instance, server_for):
    """A server; organization A with a service linked to its own location; a location and a program of B."""
    with closing(demo_instance.directory()) as db:
        org_a = db.execute(
            "SELECT s.organization_id FROM services s JOIN service_at_location sal ON sal.service_id = s.id"
            " JOIN locations l ON l.id = sal.location_id AND l.organization_id = s.organization_id"
            " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]
        service_id, own_location = _linked_service(db, org_a)
        org_b, foreign_location = db.execute(
            "SELECT organization_id, id FROM locations WHERE organization_id != ? ORDER BY id LIMIT 1", [org_a]
        ).fetchone()
        program_b = str(uuid.uuid4())
        save_record(
            db, "programs", {"id": program_b, "organization_id": org_b, "name": "B's programme",
                             "description": "Run by B."}, Source("demo"),
        )
    tokens = {}
    for key, role, orgs in (("pub_a", "publisher", [org_a]), ("ed_a", "editor", [org_a]), ("admin", "admin", [])):
        make_user(demo_instance, f"{key}@m3.test", role, orgs)
        tokens[key] = bearer(make_token(demo_instance, f"{key}@m3.test"))
    server = server_for(demo_instance)
    return demo_instance, server, tokens, service_id, own_location, foreign_location, program_b


def _patch(server, service_id, headers, body):
    etag = httpx.get(f"{server.url}/api/services/{service_id}", headers=headers, timeout=30).headers["etag"]
    return httpx.patch(
        f"{server.url}/api/services/{service_id}", headers={**headers, **PATCH_TYPE, "If-Match": etag},
        json=body, timeout=30,
    )


def test_m3_publisher_cannot_link_its_service_to_another_organizations_location_through_the_api(setup):
    instance, server, tokens, service_id, own, foreign, _ = setup
    before = links_of(instance, service_id)
    body = {"service_at_locations": [{"location_id": lid} for lid in sorted(before | {foreign})]}
    answer = _patch(server, service_id, tokens["pub_a"], body)
    assert answer.status_code == 403, answer.text
    assert "location_id" in answer.text
    assert links_of(instance, service_id) == before


def test_m3_publisher_cannot_point_its_service_at_another_organizations_program(setup):
    instance, server, tokens, service_id, _, _, program_b = setup
    answer = _patch(server, service_id, tokens["pub_a"], {"program_id": program_b})
    assert answer.status_code == 403, answer.text
    with closing(instance.directory()) as db:
        assert db.execute("SELECT program_id FROM services WHERE id = ?", [service_id]).fetchone()[0] is None


def test_m3_the_edit_form_refuses_a_location_id_it_never_offered(setup):
    instance, server, _, service_id, own, foreign, _ = setup
    client, _ = login(None, server.url, "ed_a@m3.test")
    with closing(client):
        page = client.get(f"/staff/services/{service_id}")
        assert foreign not in page.text  # never offered …
        fields = form_fields(page.text)
        fields["locations"] = [*fields.get("locations", []), foreign]  # … but sent by a forged form
        answer = client.post(f"/staff/services/{service_id}", data=fields)
        assert answer.status_code == 403
    assert foreign not in links_of(instance, service_id)


@pytest.mark.parametrize("who", ["pub_a", "admin"])
def test_m3_unlinking_a_location_through_the_api_removes_only_the_link(setup, who):
    instance, server, tokens, service_id, own, _, _ = setup
    kept = sorted(links_of(instance, service_id) - {own})
    answer = _patch(server, service_id, tokens[who], {"service_at_locations": [{"location_id": lid} for lid in kept]})
    assert answer.status_code == 200, answer.text
    assert links_of(instance, service_id) == set(kept)
    assert own not in {s["location_id"] for s in answer.json()["service_at_locations"]}
    with closing(instance.directory()) as db:  # the location itself stays, for its other services
        assert db.execute("SELECT count(*) FROM locations WHERE id = ?", [own]).fetchone()[0] == 1


def test_m3_unlinking_a_location_through_the_form_removes_the_link(setup):
    instance, server, _, service_id, own, _, _ = setup
    client, _ = login(None, server.url, "ed_a@m3.test")
    with closing(client):
        fields = form_fields(client.get(f"/staff/services/{service_id}").text)
        assert own in fields["locations"]
        fields["locations"] = [lid for lid in fields["locations"] if lid != own]
        answer = client.post(f"/staff/services/{service_id}", data=fields)
        assert answer.status_code == 200, answer.text[:500]
    assert own not in links_of(instance, service_id)
    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert own not in {s["location_id"] for s in public["service_at_locations"]}


def test_m3_a_link_to_a_partners_location_that_is_already_stored_may_stay(setup):
    """Services may meet at a partner's site: saving such a service unchanged is not refused."""
    instance, server, tokens, service_id, own, foreign, _ = setup
    with closing(instance.directory()) as db:
        sal = str(uuid.uuid4())
        db.execute("INSERT INTO service_at_location (id, service_id, location_id) VALUES (?, ?, ?)",
                   [sal, service_id, foreign])
    answer = _patch(server, service_id, tokens["pub_a"], {"name": "Advice at the partner's hall"})
    assert answer.status_code == 200, answer.text
    assert foreign in links_of(instance, service_id)
