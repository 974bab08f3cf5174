"""Editing services, organizations and locations through the staff forms (no JavaScript)."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from directory.hsds.assemble import assemble
from directory.staff.auth import Actor
from directory.staff.editing import forms, week_grid
from directory.staff.editing.kinds import SERVICE
from directory.staff.editing.save import save_edit
from directory.staff.editing.versions import load_record, version_of
from directory.store.overrides import overrides_for
from tests.staff.edit_helpers import a_service_of, another_organization, form_fields, set_hours
from tests.staff.helpers import login, make_user

# -- the week grid, pure --------------------------------------------------------------


def test_week_grid_groups_the_days_that_share_a_session_into_one_schedule():
    grid, errors = week_grid.grid_from_form(
        {
            "hours-MO-1-opens": "09:00", "hours-MO-1-closes": "12:30",
            "hours-MO-2-opens": "13:30", "hours-MO-2-closes": "17:00",
            "hours-TU-1-opens": "9am", "hours-TU-1-closes": "12:30",
            "hours-SA-1-opens": "10:00", "hours-SA-1-closes": "14:00",
            "hours-note": "Closed on bank holidays",
        },
        kept=[],
    )
    assert errors == {}
    schedules = week_grid.schedules_from_grid(grid, existing=[])
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in schedules] == [
        ("MO,TU", "09:00", "12:30"),
        ("MO", "13:30", "17:00"),
        ("SA", "10:00", "14:00"),
    ]
    assert all(s["freq"] == "WEEKLY" for s in schedules)
    assert schedules[0]["description"] == "Closed on bank holidays"
    assert "description" not in schedules[1]


def test_week_grid_keeps_schedules_it_cannot_show_and_turns_free_text_into_the_note():
    monthly = {"id": "m", "freq": "MONTHLY", "byday": "1MO", "opens_at": "10:00", "closes_at": "12:00"}
    seasonal = {"id": "s", "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "12:00",
                "valid_to": "2026-09-01"}
    weekly = {"id": "w", "freq": "WEEKLY", "byday": "WE", "opens_at": "09:00", "closes_at": "17:00"}
    words = {"id": "n", "description": "Phone first if you can"}
    grid = week_grid.grid_from_schedules([monthly, seasonal, weekly, words])
    assert grid.kept == [monthly, seasonal]
    assert grid.days["WE"] == [("09:00", "17:00")] and grid.days["SA"] == []
    assert grid.note == "Phone first if you can"
    rebuilt = week_grid.schedules_from_grid(grid, [monthly, seasonal, weekly, words])
    assert monthly in rebuilt and seasonal in rebuilt
    assert [s["id"] for s in rebuilt if s.get("byday") == "WE"] == ["w"]  # same hours keep their row


def test_week_grid_refuses_impossible_and_half_filled_times_field_by_field():
    grid, errors = week_grid.grid_from_form(
        {
            "hours-MO-1-opens": "25:00", "hours-MO-1-closes": "17:00",
            "hours-TU-1-opens": "09:00",
            "hours-WE-1-opens": "11:00", "hours-WE-1-closes": "09:00",
            "hours-TH-1-opens": "20:00", "hours-TH-1-closes": "08:00",  # a night shelter
        },
        kept=[],
    )
    assert set(errors) == {"hours-MO-1-opens", "hours-TU-1-closes", "hours-WE-1-closes"}
    assert grid.days["TH"] == [("20:00", "08:00")]


def test_form_values_and_back_give_the_same_service(demo_instance):
    service_id, _ = a_service_of(demo_instance)
    with closing(demo_instance.directory()) as db:
        current = load_record(db, "services", service_id)
    record, errors = forms.record_from_form(SERVICE, forms.form_values(SERVICE, current), current)
    assert errors == {}
    for key in ("name", "description", "status", "email", "url", "organization_id"):
        assert record.get(key) == current.get(key)
    assert sorted(s["id"] for s in record["schedules"]) == sorted(s["id"] for s in current["schedules"])
    assert [p["id"] for p in record["phones"]] == [p["id"] for p in current["phones"]]


def test_form_cannot_pull_in_a_row_that_belongs_to_another_record(demo_instance):
    service_id, org = a_service_of(demo_instance)
    other_id, _ = a_service_of(demo_instance, another_organization(demo_instance, org))
    with closing(demo_instance.directory()) as db:
        current = load_record(db, "services", service_id)
        other_phone = db.execute("SELECT id FROM phones WHERE service_id = ?", [other_id]).fetchone()[0]
    values = forms.form_values(SERVICE, current)
    values.update({"phones-9-id": other_phone, "phones-9-number": "01632 960000"})
    record, _ = forms.record_from_form(SERVICE, values, current)
    assert other_phone not in [p.get("id") for p in record["phones"]]
    assert "01632 960000" in [p.get("number") for p in record["phones"]]


def test_staff_value_of_a_field_a_feed_sends_is_kept_as_an_override(demo_instance):
    service_id, org = a_service_of(demo_instance)
    db, private = demo_instance.directory(), demo_instance.private()
    try:
        db.execute(
            "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
            " VALUES ('services', ?, 'feed:ngo', 'x1', 'h', '2026-01-01', '2026-01-01')",
            [service_id],
        )
        current = load_record(db, "services", service_id)
        actor = Actor(1, "ed@example.org", "editor", frozenset({org}), "session")
        result = save_edit(
            db, private, demo_instance.settings, actor, "services",
            {**{k: v for k, v in current.items() if not isinstance(v, list)}, "name": "Staff name"},
            version_of(current),
        )
        assert result.status == "saved" and result.changed == ["name"]
        assert overrides_for(private, "services", service_id) == {"name": ("Staff name", current["name"])}
    finally:
        db.close()
        private.close()


# -- over a real server ------------------------------------------------------------------


@pytest.fixture
def editing(demo_instance, server_for):
    """A server, a service of organization A, and signed-in editors of A (two) and of B."""
    service_id, org_a = a_service_of(demo_instance)
    org_b = another_organization(demo_instance, org_a)
    make_user(demo_instance, "ann@edit.test", "editor", [org_a])
    make_user(demo_instance, "bo@edit.test", "editor", [org_a])
    make_user(demo_instance, "cy@edit.test", "editor", [org_b])
    server = server_for(demo_instance)
    people = {key: login(None, server.url, f"{key}@edit.test") for key in ("ann", "bo", "cy")}
    yield demo_instance, server, service_id, org_a, people
    for client, _ in people.values():
        client.close()


def test_editor_changes_name_and_hours_through_the_form_and_the_hsds_api_serves_them(editing):
    instance, server, service_id, _, people = editing
    client, _ = people["ann"]
    page = client.get(f"/staff/services/{service_id}")
    assert page.status_code == 200
    fields = form_fields(page.text)
    assert fields["csrf_token"] and fields["version"]
    fields["name"] = "Drop-in legal advice"
    for day in week_grid.DAYS:
        set_hours(fields, day, "", "")
        set_hours(fields, day, "", "", session=2)
    set_hours(fields, "MO", "09:00", "12:30")
    set_hours(fields, "MO", "13:30", "16:00", session=2)
    set_hours(fields, "TH", "10:00", "14:00")
    fields["hours-note"] = "Closed on bank holidays"
    saved = client.post(f"/staff/services/{service_id}", data=fields)
    assert saved.status_code == 200, saved.text[:500]
    assert 'id="saved-message"' in saved.text

    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert public["name"] == "Drop-in legal advice"
    hours = sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in public["schedules"])
    assert hours == [("MO", "09:00", "12:30"), ("MO", "13:30", "16:00"), ("TH", "10:00", "14:00")]
    assert "Closed on bank holidays" in [s.get("description") for s in public["schedules"]]
    # The public record of the change names a role, never the person.
    assert {m["updated_by"] for m in public["metadata"] if m["last_action_type"] == "update"} == {"staff:editor"}


def test_form_saved_on_a_stale_version_answers_412_with_the_other_persons_values_beside_yours(editing):
    _, server, service_id, _, people = editing
    ann, _ = people["ann"]
    bo, _ = people["bo"]
    ann_fields = form_fields(ann.get(f"/staff/services/{service_id}").text)
    bo_fields = form_fields(bo.get(f"/staff/services/{service_id}").text)
    bo_fields["name"] = "Bo's name for it"
    assert bo.post(f"/staff/services/{service_id}", data=bo_fields).status_code == 200

    ann_fields["name"] = "Ann's name for it"
    stale = ann.post(f"/staff/services/{service_id}", data=ann_fields)
    assert stale.status_code == 412
    assert 'id="conflict"' in stale.text
    assert 'value="Ann&#39;s name for it"' in stale.text or "value=\"Ann's name for it\"" in stale.text
    assert 'id="t-name"' in stale.text and "Bo&#39;s name for it" in stale.text
    assert httpx.get(f"{server.url}/hsds/services/{service_id}").json()["name"] == "Bo's name for it"

    # The 412 page carries the current version: saving it again is a deliberate choice, and wins.
    again = ann.post(f"/staff/services/{service_id}", data=form_fields(stale.text))
    assert again.status_code == 200
    assert httpx.get(f"{server.url}/hsds/services/{service_id}").json()["name"] == "Ann's name for it"


def test_stale_form_takes_in_what_only_the_other_person_changed_so_saving_again_loses_nothing(editing):
    _, server, service_id, _, people = editing
    ann, _ = people["ann"]
    bo, _ = people["bo"]
    ann_fields = form_fields(ann.get(f"/staff/services/{service_id}").text)
    bo_fields = form_fields(bo.get(f"/staff/services/{service_id}").text)
    set_hours(bo_fields, "SU", "14:00", "16:00")
    assert bo.post(f"/staff/services/{service_id}", data=bo_fields).status_code == 200

    ann_fields["fees_description"] = "Free for everyone."
    stale = ann.post(f"/staff/services/{service_id}", data=ann_fields)
    assert stale.status_code == 412
    assert 'id="t-hours"' in stale.text and 'class="taken"' in stale.text and 'class="theirs"' not in stale.text
    merged = form_fields(stale.text)
    assert (merged["hours-SU-1-opens"], merged["hours-SU-1-closes"]) == ("14:00", "16:00")
    assert merged["fees_description"] == "Free for everyone."

    assert ann.post(f"/staff/services/{service_id}", data=merged).status_code == 200
    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert public["fees_description"] == "Free for everyone."
    assert ("SU", "14:00", "16:00") in [(s.get("byday"), s.get("opens_at"), s.get("closes_at")) for s in public["schedules"]]


def test_editor_of_another_organization_is_refused_403_and_nothing_changes(editing):
    _, server, service_id, _, people = editing
    ann, _ = people["ann"]
    cy, cy_csrf = people["cy"]
    fields = form_fields(ann.get(f"/staff/services/{service_id}").text)
    fields.update(csrf_token=cy_csrf, name="Taken over")
    refused = cy.post(f"/staff/services/{service_id}", data=fields)
    assert refused.status_code == 403
    assert httpx.get(f"{server.url}/hsds/services/{service_id}").json()["name"] != "Taken over"
    # Cy sees the form read-only, with no save button.
    page = cy.get(f"/staff/services/{service_id}")
    assert page.status_code == 200 and "Save changes" not in page.text and "disabled" in page.text


def test_form_with_an_impossible_time_answers_400_naming_the_field_and_saves_nothing(editing):
    _, server, service_id, _, people = editing
    ann, _ = people["ann"]
    before = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    fields = form_fields(ann.get(f"/staff/services/{service_id}").text)
    fields["name"] = "Should not be saved"
    set_hours(fields, "WE", "11:00", "09:00")  # closes before it opens, and not overnight
    refused = ann.post(f"/staff/services/{service_id}", data=fields)
    assert refused.status_code == 400
    assert 'id="error-summary"' in refused.text and 'href="#f-hours-WE-1-closes"' in refused.text
    assert 'aria-invalid="true" aria-describedby="e-hours-WE-1-closes"' in refused.text
    assert httpx.get(f"{server.url}/hsds/services/{service_id}").json()["name"] == before["name"]


def test_closing_a_service_keeps_it_with_its_new_status_instead_of_deleting_it(editing):
    _, server, service_id, _, people = editing
    ann, _ = people["ann"]
    fields = form_fields(ann.get(f"/staff/services/{service_id}").text)
    fields.update(status="temporarily closed", alert="Closed until 3 March")
    assert ann.post(f"/staff/services/{service_id}", data=fields).status_code == 200
    public = httpx.get(f"{server.url}/hsds/services/{service_id}").json()
    assert (public["status"], public["alert"]) == ("temporarily closed", "Closed until 3 March")


def test_new_service_is_created_under_the_editors_organization_and_published(editing):
    _, server, _, org_a, people = editing
    ann, _ = people["ann"]
    page = ann.get(f"/staff/services/new?organization_id={org_a}")
    assert page.status_code == 200
    fields = form_fields(page.text)
    fields.update(name="Saturday conversation club", description="Practise English over tea.",
                  languages="English, Arabic", required_documents="")
    fields["phones-0-number"] = "01632 960999"
    set_hours(fields, "SA", "10:00", "12:00")
    created = ann.post("/staff/services/new", data=fields, follow_redirects=False)
    assert created.status_code == 303, created.text[:500]
    new_id = created.headers["location"].split("/")[-1].split("?")[0]
    public = httpx.get(f"{server.url}/hsds/services/{new_id}").json()
    assert public["name"] == "Saturday conversation club" and public["organization_id"] == org_a
    assert public["status"] == "active"
    assert [p["number"] for p in public["phones"]] == ["+441632960999"]  # normalised like a feed's
    assert sorted(lang["code"] for lang in public["languages"]) == ["ar", "en"]
    assert [(s["byday"], s["opens_at"]) for s in public["schedules"]] == [("SA", "10:00")]


def test_new_service_under_an_organization_the_editor_does_not_manage_is_refused(editing):
    instance, _, _, org_a, people = editing
    cy, _ = people["cy"]
    fields = form_fields(cy.get("/staff/services/new").text)
    fields.update(name="Sneaky", organization_id=org_a)
    assert cy.post("/staff/services/new", data=fields).status_code == 403
    with closing(instance.directory()) as db:
        assert db.execute("SELECT count(*) FROM services WHERE name = 'Sneaky'").fetchone()[0] == 0


def test_location_form_saves_address_accessibility_and_hours(editing):
    instance, _, _, org_a, people = editing
    ann, _ = people["ann"]
    with closing(instance.directory()) as db:
        location_id = db.execute("SELECT id FROM locations WHERE organization_id = ? LIMIT 1", [org_a]).fetchone()[0]
    fields = form_fields(ann.get(f"/staff/locations/{location_id}").text)
    fields.update({"address-address_1": "1 Quay Street", "address-city": "Kingsmere", "address-postal_code": "KM1 1AA",
                   "accessibility-0-description": "Step-free entrance", "transportation": "Bus 4 to the quay"})
    set_hours(fields, "FR", "08:00", "18:00")
    saved = ann.post(f"/staff/locations/{location_id}", data=fields)
    assert saved.status_code == 200, saved.text[:500]
    with closing(instance.directory()) as db:
        location = assemble(db, "locations", location_id)
    assert location["transportation"] == "Bus 4 to the quay"
    physical = [a for a in location["addresses"] if a["address_type"] == "physical"][0]
    assert (physical["address_1"], physical["postal_code"]) == ("1 Quay Street", "KM1 1AA")
    assert "Step-free entrance" in [a["description"] for a in location["accessibility"]]
    assert ("FR", "08:00", "18:00") in [(s.get("byday"), s.get("opens_at"), s.get("closes_at")) for s in location["schedules"]]


def test_list_page_shows_the_editors_organizations_and_finds_by_name(editing):
    instance, _, service_id, org_a, people = editing
    ann, _ = people["ann"]
    with closing(instance.directory()) as db:
        name = db.execute("SELECT name FROM services WHERE id = ?", [service_id]).fetchone()[0]
        others = db.execute("SELECT name FROM services WHERE organization_id != ? LIMIT 1", [org_a]).fetchone()[0]
    listed = ann.get("/staff/services")
    assert listed.status_code == 200
    assert f'href="/staff/services/{service_id}"' in listed.text
    assert others not in listed.text
    found = ann.get("/staff/services", params={"q": name[:12]})
    assert f'href="/staff/services/{service_id}"' in found.text
    nothing = ann.get("/staff/services", params={"q": "no service is called this"}).text
    assert not re.search(r'href="/staff/services/[0-9a-f-]{36}"', nothing)
