"""Spreadsheets: CSV export of a selection, and CSV import previewed (nothing written) then applied."""

from __future__ import annotations

import csv
import io
import re
from contextlib import closing
from html import unescape

import httpx

from directory.staff.bulk.export import IMPORT_MAPPING, select_services, to_csv
from directory.staff.bulk.importer import ImportSettings, keep_staff_values, run_import
from directory.store import Source
from directory.sync.feeds import Feed, add_feed
from directory.sync.run import sync_feed
from tests.staff.workflow_helpers import close_all, figure, one, org_with_services, rows, sign_in
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service


def snapshot(instance) -> dict:
    """Every row of directory.db: what "nothing was written" means."""
    with closing(instance.directory()) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not t.startswith("services_fts")]  # fmt: skip
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]").fetchall())) for t in tables}


def exported(client: httpx.Client, **selection) -> list[dict]:
    answer = client.get("/staff/bulk/export", params=selection)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def as_csv(records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def hidden_fields(page: str) -> dict[str, list[str]]:
    """The confirm form's hidden fields, as the browser would send them back."""
    form = page.split('action="/staff/bulk/import"')[1].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        fields.setdefault(name, []).append(unescape(value))
    return fields


def test_export_gives_the_services_of_the_chosen_organization_or_category(demo_instance, server_for):
    org = org_with_services(demo_instance)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, viewer=("viewer", ()))
    try:
        by_org = exported(people["viewer"][0], organization=org)
        by_category = exported(people["viewer"][0], category="health")
    finally:
        close_all(people)
    assert {r["id"] for r in by_org} == {r[0] for r in rows(demo_instance, "SELECT id FROM services WHERE organization_id = ?", org)}
    health = rows(demo_instance, """SELECT DISTINCT a.link_id FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
                                    LEFT JOIN taxonomy_terms p ON p.id = t.parent_id WHERE 'health' IN (t.code, p.code)""")
    assert {r["id"] for r in by_category} == {r[0] for r in health} and len(health) > 5
    assert all("health" in r["categories"] for r in by_category)


def test_importing_an_unchanged_export_changes_nothing(demo_instance):
    with closing(demo_instance.directory()) as db:
        sheet = to_csv(select_services(db)).encode()
        report = run_import(db, sheet, "all.csv", IMPORT_MAPPING, ImportSettings(Source("staff:admin")), apply=True)
    assert report.error is None
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 228, "quarantined": 0}


def test_a_preview_writes_nothing_and_confirming_applies_exactly_what_it_showed(demo_instance, server_for):
    org = org_with_services(demo_instance)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [org]))
    client, csrf = people["ed"]
    try:
        records = exported(client, organization=org)
        renamed = records[0]["id"]
        records[0]["name"] = "Evening advice surgery"
        records.append({**records[1], "id": "", "name": "Saturday homework club", "phones": ""})
        records.append({**records[1], "id": "", "name": ""})
        before = snapshot(demo_instance)
        preview = client.post("/staff/bulk/import", data={"csrf_token": csrf, "step": "preview"},
                              files={"file": ("services.csv", as_csv(records), "text/csv")})  # fmt: skip
        assert preview.status_code == 200, preview.text[:500]
        counts = {k: figure(preview.text, f"count-{k}") for k in ("created", "updated", "unchanged", "quarantined")}
        assert counts == {"created": "1", "updated": "1", "unchanged": str(len(records) - 3), "quarantined": "1"}
        assert "every service needs a name" in preview.text and "Evening advice surgery" in preview.text
        assert snapshot(demo_instance) == before  # the preview wrote nothing
        applied = client.post("/staff/bulk/import", data=hidden_fields(preview.text))
        assert applied.status_code == 200 and "The import is done." in applied.text
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT name FROM services WHERE id = ?", renamed) == "Evening advice surgery"
    assert one(demo_instance, "SELECT organization_id FROM services WHERE name = 'Saturday homework club'") == org
    assert one(demo_instance, "SELECT count(*) FROM services") == 229
    assert one(demo_instance, "SELECT count(*) FROM audit_log WHERE table_name = 'services'", private=True) == 2


def test_an_editor_cannot_import_services_of_another_organization(demo_instance, server_for):
    mine, theirs = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [mine]))
    client, csrf = people["ed"]
    try:
        records = exported(client, organization=theirs)
        target = records[0]["id"]
        records[0]["name"] = "Taken over"
        preview = client.post("/staff/bulk/import", data={"csrf_token": csrf, "step": "preview"},
                              files={"file": ("theirs.csv", as_csv(records), "text/csv")})  # fmt: skip
    finally:
        close_all(people)
    assert figure(preview.text, "count-quarantined") == "1" and figure(preview.text, "count-updated") == "0"
    assert "an organization you do not manage" in preview.text
    assert 'name="step" value="apply"' not in preview.text  # nothing to confirm
    assert one(demo_instance, "SELECT name FROM services WHERE id = ?", target) != "Taken over"


def test_imports_are_refused_to_anonymous_viewers_publishers_and_forged_forms(demo_instance, server_for):
    org = org_with_services(demo_instance)
    server = server_for(demo_instance)
    sheet = {"file": ("s.csv", b"id,name\r\n,New\r\n", "text/csv")}
    assert httpx.post(server.url + "/staff/bulk/import", files=sheet, data={"step": "preview"}).status_code == 401
    people = sign_in(demo_instance, server, viewer=("viewer", ()), pub=("publisher", [org]), ed=("editor", [org]))
    try:
        for who in ("viewer", "pub"):
            client, csrf = people[who]
            answer = client.post("/staff/bulk/import", data={"csrf_token": csrf, "step": "preview"}, files=sheet)
            assert answer.status_code == 403, who
        client, _ = people["ed"]
        assert client.post("/staff/bulk/import", data={"step": "preview"}, files=sheet).status_code == 403
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT count(*) FROM services") == 228


def test_an_imported_change_to_a_feeds_service_survives_the_feeds_next_run(empty_instance):
    with FeedServer() as feeds:
        url = serve_services(feeds, [service(1), service(2)])
        with closing(empty_instance.directory()) as db, closing(empty_instance.private()) as private:
            add_feed(db, private, Feed(name="city", url=url, format="hsds-json", allow_private=True))
        sync_feed(empty_instance, "city")
        with closing(empty_instance.directory()) as db, closing(empty_instance.private()) as private:
            records = list(csv.DictReader(io.StringIO(to_csv(select_services(db)))))
            records[0]["name"] = "Advice drop-in (ground floor)"
            report = run_import(db, as_csv(records), "s.csv", IMPORT_MAPPING, ImportSettings(Source("staff:admin")),
                                apply=True)  # fmt: skip
            keep_staff_values(db, private, report)
        assert report.counts["updated"] == 1
        serve_services(feeds, [service(1, description="Now on Fridays too."), service(2, description="Also new.")])
        assert sync_feed(empty_instance, "city").updated == 2
    assert one(empty_instance, "SELECT name FROM services WHERE id = ?", records[0]["id"]) == "Advice drop-in (ground floor)"
    # The feed's own change to another field still lands.
    assert one(empty_instance, "SELECT description FROM services WHERE id = ?", records[0]["id"]) != \
        service(1)["description"]
