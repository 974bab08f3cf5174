"""Translation pages: the per-language list of missing and outdated texts, and the side-by-side form."""

from __future__ import annotations

from contextlib import closing

import httpx

from directory.staff.review.resolve import editable_service
from directory.staff.translate.fields import TRANSLATABLE
from directory.staff.translate.queries import completeness, worklist
from directory.store import Source, save_record
from tests.staff.workflow_helpers import close_all, one, org_with_services, rows, sign_in


def a_service_of(instance, org: str) -> str:
    return one(instance, "SELECT id FROM services WHERE organization_id = ? ORDER BY id LIMIT 1", org)


def translation(instance, table: str, record_id: str, field: str, lang: str):
    found = rows(instance, "SELECT text, status FROM translations WHERE table_name = ? AND record_id = ?"
                 " AND field = ? AND language = ?", table, record_id, field, lang)  # fmt: skip
    return found[0] if found else None


def test_anonymous_visitors_get_401_on_the_list_and_on_saving(demo_instance, server_for):
    server = server_for(demo_instance)
    service = a_service_of(demo_instance, org_with_services(demo_instance))
    assert httpx.get(server.url + "/staff/translate?lang=ar").status_code == 401
    answer = httpx.post(server.url + f"/staff/translate/services/{service}", data={"lang": "ar", "text-name": "x"})
    assert answer.status_code == 401
    assert translation(demo_instance, "services", service, "name", "ar")[1] == "human"  # untouched


def test_an_editor_saves_a_translation_of_their_own_service_as_human_with_an_audit_row(demo_instance, server_for):
    server = server_for(demo_instance)
    org = org_with_services(demo_instance)
    service = a_service_of(demo_instance, org)
    people = sign_in(demo_instance, server, ed=("editor", [org]))
    client, csrf = people["ed"]
    try:
        page = client.get(f"/staff/translate/services/{service}?lang=ar")
        assert page.status_code == 200 and 'name="text-eligibility_description"' in page.text
        assert 'dir="rtl"' in page.text  # Arabic is written right to left
        answer = client.post(f"/staff/translate/services/{service}", data={
            "csrf_token": csrf, "lang": "ar", "text-eligibility_description": "لكل من يعيش في المدينة.",
        })  # fmt: skip
        assert answer.status_code == 303 and "saved=1" in answer.headers["location"]
    finally:
        close_all(people)
    assert translation(demo_instance, "services", service, "eligibility_description", "ar") == \
        ("لكل من يعيش في المدينة.", "human")
    audit = rows(demo_instance, "SELECT actor, fields FROM audit_log WHERE record_id = ?", service, private=True)
    assert audit == [("ed@workflows.staff.test", '["eligibility_description@ar"]')]


def test_other_organizations_viewers_and_forms_without_csrf_are_refused_403(demo_instance, server_for):
    server = server_for(demo_instance)
    org, other = org_with_services(demo_instance), org_with_services(demo_instance, skip=1)
    service = a_service_of(demo_instance, org)
    people = sign_in(demo_instance, server, other=("editor", [other]), viewer=("viewer", ()), ed=("editor", [org]))
    form = {"lang": "ar", "text-name": "اسم جديد"}
    try:
        for who in ("other", "viewer"):
            client, csrf = people[who]
            answer = client.post(f"/staff/translate/services/{service}", data={**form, "csrf_token": csrf})
            assert answer.status_code == 403, who
        client, _ = people["ed"]
        assert client.post(f"/staff/translate/services/{service}", data=form).status_code == 403
        # A viewer reads the side-by-side page but gets no form to write in.
        page = people["viewer"][0].get(f"/staff/translate/services/{service}?lang=ar")
        assert page.status_code == 200 and 'name="text-name"' not in page.text
    finally:
        close_all(people)
    assert translation(demo_instance, "services", service, "name", "ar")[0] != "اسم جديد"


def test_a_changed_source_text_makes_the_translation_outdated_listed_until_confirmed(demo_instance, server_for):
    org = org_with_services(demo_instance)
    service = one(demo_instance, "SELECT s.id FROM services s JOIN translations t ON t.record_id = s.id"
                  " AND t.field = 'name' AND t.language = 'ar' WHERE s.organization_id = ? LIMIT 1", org)  # fmt: skip
    arabic = translation(demo_instance, "services", service, "name", "ar")[0]
    with closing(demo_instance.directory()) as db:
        record = editable_service(db, service)
        record["name"] += " (now also on Saturdays)"
        save_record(db, "services", record, Source("staff:editor"))  # the store marks translations outdated
    assert translation(demo_instance, "services", service, "name", "ar") == (arabic, "outdated")
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [org]))
    client, csrf = people["ed"]
    try:
        listed = client.get("/staff/translate?lang=ar&table=services")
        assert listed.status_code == 200
        row = listed.text.split(f'data-record="{service}"')[1].split("</tr>")[0]
        assert '<span class="badge outdated">Name</span>' in row
        outdated = one(demo_instance, "SELECT count(*) FROM translations WHERE language = 'ar' AND status = 'outdated'")
        assert f'id="outdated-ar">{outdated}<' in listed.text
        answer = client.post(f"/staff/translate/services/{service}", data={
            "csrf_token": csrf, "lang": "ar", "text-name": arabic, "confirm-name": "yes"})  # fmt: skip
        assert answer.status_code == 303
        assert translation(demo_instance, "services", service, "name", "ar") == (arabic, "human")
        again = client.get("/staff/translate?lang=ar&table=services")
        after = again.text.split(f'data-record="{service}"')
        assert len(after) == 1 or '<span class="badge outdated">' not in after[1].split("</tr>")[0]
    finally:
        close_all(people)


def test_category_and_notice_texts_are_translated_by_editors_but_not_by_publishers(demo_instance, server_for):
    from directory.staff.notices.store import NoticeInput, create_notice

    with closing(demo_instance.directory()) as db:
        notice = create_notice(db, NoticeInput(title="Clinic closed on Monday", body="The clinic is closed."))
    term = one(demo_instance, "SELECT id FROM taxonomy_terms WHERE code = 'food-banks'")
    server = server_for(demo_instance)
    org = org_with_services(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [org]), pub=("publisher", [org]))
    try:
        client, csrf = people["pub"]
        for path in (f"/staff/translate/taxonomy_terms/{term}", f"/staff/translate/notices/{notice}"):
            assert client.post(path, data={"csrf_token": csrf, "lang": "so", "text-name": "x"}).status_code == 403
        client, csrf = people["ed"]
        assert client.post(f"/staff/translate/taxonomy_terms/{term}",
                           data={"csrf_token": csrf, "lang": "so", "text-name": "Bangiyada cuntada"}).status_code == 303
        assert client.post(f"/staff/translate/notices/{notice}",
                           data={"csrf_token": csrf, "lang": "uk", "text-title": "Клініка зачинена в понеділок"}
                           ).status_code == 303  # fmt: skip
        missing = client.get("/staff/translate?lang=fr&table=notices")
        assert f'data-record="{notice}"' in missing.text  # no French yet
    finally:
        close_all(people)
    assert translation(demo_instance, "taxonomy_terms", term, "name", "so") == ("Bangiyada cuntada", "human")
    assert translation(demo_instance, "notices", notice, "title", "uk") == ("Клініка зачинена в понеділок", "human")


def test_the_missing_count_is_every_visible_source_text_without_a_translation(demo_instance):
    with closing(demo_instance.directory()) as db:
        counts = completeness(db, "ps")
        work = worklist(db, "ps")
        expected_missing = 0
        for table, fields in TRANSLATABLE.items():
            for record_id, *values in db.execute(f"SELECT id, {', '.join(fields)} FROM [{table}]").fetchall():
                if table == "services" and db.execute(
                    "SELECT count(*) = count(deleted_at) FROM provenance WHERE record_id = ?", [record_id]
                ).fetchone()[0]:
                    continue
                for field, value in zip(fields, values):
                    has = db.execute("SELECT 1 FROM translations WHERE table_name = ? AND record_id = ? AND field = ?"
                                     " AND language = 'ps'", [table, record_id, field]).fetchone()  # fmt: skip
                    expected_missing += bool(value and value.strip() and not has)
    assert counts["missing"] == expected_missing > 0
    assert sum(len(w.missing) for w in work) == expected_missing
