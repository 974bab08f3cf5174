"""The audit trail: every staff change, with the person, in private.db; only a role in public."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.staff.edit_helpers import a_service_of, form_fields
from tests.staff.helpers import bearer, login, make_token, make_user
from tests.staff.test_security import emails_in_directory

DOMAIN = "@audit.test"


@pytest.fixture
def audited(demo_instance, server_for):
    """A server with an admin, an editor and a publisher of organization A, each having changed something:
    the editor through the form, the editor's token through PATCH, the publisher through /api/publish."""
    service_id, org_a = a_service_of(demo_instance)
    for key, role, orgs in (("admin", "admin", []), ("ed", "editor", [org_a]), ("pub", "publisher", [org_a])):
        make_user(demo_instance, f"{key}{DOMAIN}", role, orgs)
    server = server_for(demo_instance)
    ed, _ = login(None, server.url, f"ed{DOMAIN}")
    fields = form_fields(ed.get(f"/staff/services/{service_id}").text)
    old_name = fields["name"]
    fields["name"] = "Renamed by the form"
    assert ed.post(f"/staff/services/{service_id}", data=fields).status_code == 200

    token = bearer(make_token(demo_instance, f"ed{DOMAIN}"))
    etag = httpx.get(f"{server.url}/api/services/{service_id}", headers=token).headers["etag"]
    patched = httpx.patch(f"{server.url}/api/services/{service_id}", json={"fees_description": "Free."},
                          headers={**token, "If-Match": etag})
    assert patched.status_code == 200, patched.text

    published = httpx.post(f"{server.url}/api/publish", json=[{"id": "aud-1", "name": "Audited café"}],
                           headers=bearer(make_token(demo_instance, f"pub{DOMAIN}")))
    assert published.status_code == 201, published.text
    yield demo_instance, server, service_id, old_name, ed
    ed.close()


def audit_rows(instance, record_id=None):
    with closing(instance.private()) as private:
        sql = "SELECT actor, table_name, record_id, fields, before, after, at FROM audit_log"
        return private.execute(sql + (" WHERE record_id = ?" if record_id else "") + " ORDER BY id",
                               [record_id] if record_id else []).fetchall()


def test_each_form_and_api_change_leaves_an_audit_row_with_who_what_which_fields_before_and_after(audited):
    instance, _, service_id, old_name, _ = audited
    rows = audit_rows(instance, service_id)
    assert [(r[0], r[1]) for r in rows] == [(f"ed{DOMAIN}", "services"), (f"ed{DOMAIN}", "services")]
    form_row, patch_row = rows
    assert '"name"' in form_row[3] and old_name in form_row[4] and "Renamed by the form" in form_row[5]
    assert patch_row[3] == '["fees_description"]' and '"Free."' in patch_row[5]
    assert all(r[6].endswith("Z") for r in rows)


def test_publishing_leaves_an_audit_row_for_each_service_it_created(audited):
    instance, *_ = audited
    with closing(instance.directory()) as db:
        created = db.execute("SELECT id FROM services WHERE name = 'Audited café'").fetchone()[0]
    rows = audit_rows(instance, created)
    assert len(rows) == 1 and rows[0][0] == f"pub{DOMAIN}" and "Audited café" in rows[0][5]


def test_admins_read_the_trail_by_record_on_the_page_and_the_api(audited):
    instance, server, service_id, _, _ = audited
    admin, _ = login(None, server.url, f"admin{DOMAIN}")
    with closing(admin):
        page = admin.get("/staff/audit", params={"record_id": service_id})
    assert page.status_code == 200
    assert f"ed{DOMAIN}" in page.text and "Renamed by the form" in page.text
    answer = httpx.get(f"{server.url}/api/audit", params={"record_id": service_id},
                       headers=bearer(make_token(instance, f"admin{DOMAIN}")))
    assert answer.status_code == 200
    entries = answer.json()["entries"]
    assert [e["fields"] for e in entries] == [["fees_description"], ["name"]]  # newest first
    assert entries[1]["before"]["name"] != entries[1]["after"]["name"] == "Renamed by the form"


def test_the_audit_trail_is_refused_403_to_everyone_but_admins(audited):
    instance, server, service_id, _, ed = audited
    for who in ("ed", "pub"):
        token = bearer(make_token(instance, f"{who}{DOMAIN}"))
        assert httpx.get(f"{server.url}/api/audit", params={"record_id": service_id}, headers=token).status_code == 403
    assert ed.get("/staff/audit").status_code == 403
    assert httpx.get(f"{server.url}/api/audit").status_code == 401


def test_public_records_of_the_changes_name_a_role_and_no_user_email_is_anywhere_in_directory_db(audited):
    instance, server, service_id, _, _ = audited
    metadata = httpx.get(f"{server.url}/hsds/services/{service_id}").json()["metadata"]
    updates = [m for m in metadata if m["last_action_type"] == "update"]
    assert {m["field_name"] for m in updates} >= {"name", "fees_description"}
    assert {m["updated_by"] for m in updates} == {"staff:editor"}
    assert emails_in_directory(instance, DOMAIN) == []
    # …while private.db does hold them, so the scan above could have found them.
    assert any(DOMAIN in r[0] for r in audit_rows(instance))
