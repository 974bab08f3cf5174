"""Urgent notices: posted, edited and withdrawn on /staff/notices and with `harbour notices add`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx

from tests.bundle_helpers import wait_for_fresh_bundles
from tests.staff.workflow_helpers import close_all, one, org_with_services, rows, sign_in


def manifest(server) -> dict:
    return httpx.get(server.url + "/bundle/manifest.json", timeout=60).json()


def bundle(server, lang: str) -> dict:
    return httpx.get(server.url + manifest(server)["languages"][lang]["url"], timeout=60).json()


def posted_id(answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text[:300]
    return re.fullmatch(r"/staff/notices/([0-9a-f-]{36})\?saved=posted", answer.headers["location"]).group(1)


def harbour(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_notice_posted_on_the_page_is_logged_and_reaches_the_bundle_in_its_translation(demo_instance, server_for):
    housing = one(demo_instance, "SELECT id FROM taxonomy_terms WHERE code = 'housing'")
    server = server_for(demo_instance)
    before = manifest(server)["version"]
    people = sign_in(demo_instance, server, ed=("editor", [org_with_services(demo_instance)]))
    client, csrf = people["ed"]
    try:
        notice = posted_id(client.post("/staff/notices", data={
            "csrf_token": csrf, "title": "Night shelter full tonight", "body": "Go to the day centre instead.",
            "severity": "urgent", "target": "category", "target_value_category": housing,
        }))  # fmt: skip
        answer = client.post(f"/staff/translate/notices/{notice}", data={
            "csrf_token": csrf, "lang": "uk", "text-title": "Нічний притулок сьогодні заповнений"})  # fmt: skip
        assert answer.status_code == 303
        listed = client.get("/staff/notices")
        assert "Night shelter full tonight" in listed.text.split('id="notices-current"')[1]
    finally:
        close_all(people)
    assert rows(demo_instance, "SELECT title, severity, category_id, withdrawn FROM notices WHERE id = ?", notice) == \
        [("Night shelter full tonight", "urgent", housing, None)]
    assert rows(demo_instance, "SELECT operation FROM changes WHERE table_name = 'notices' AND record_id = ?",
                notice) == [("insert",), ("update",)]  # fmt: skip
    assert wait_for_fresh_bundles(server) > before
    [english] = [n for n in bundle(server, "en")["notices"] if n["id"] == notice]
    assert (english["title"], english["severity"], english["category"]) == ("Night shelter full tonight", "urgent", housing)
    [ukrainian] = [n for n in bundle(server, "uk")["notices"] if n["id"] == notice]
    assert ukrainian["title"] == "Нічний притулок сьогодні заповнений"


def test_editing_marks_translations_outdated_and_withdrawing_takes_the_notice_out_of_the_bundle(
    demo_instance, server_for
):
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, admin=("admin", ()))
    client, csrf = people["admin"]
    try:
        notice = posted_id(client.post("/staff/notices", data={
            "csrf_token": csrf, "title": "Advice centre closed", "body": "Closed for training.", "target": "everyone"}))
        client.post(f"/staff/translate/notices/{notice}", data={"csrf_token": csrf, "lang": "fr",
                                                               "text-title": "Centre de conseil fermé"})  # fmt: skip
        edited = client.post(f"/staff/notices/{notice}", data={
            "csrf_token": csrf, "title": "Advice centre closed on Friday", "body": "Closed for training.",
            "severity": "warning", "target": "area", "target_value_area": "KM3"})  # fmt: skip
        assert edited.status_code == 303 and edited.headers["location"].endswith("saved=saved")
        assert one(demo_instance, "SELECT status FROM translations WHERE record_id = ? AND field = 'title'",
                   notice) == "outdated"  # fmt: skip
        assert rows(demo_instance, "SELECT title, severity, area, category_id FROM notices WHERE id = ?", notice) == \
            [("Advice centre closed on Friday", "warning", "KM3", None)]
        version = wait_for_fresh_bundles(server)
        assert any(n["id"] == notice for n in bundle(server, "en")["notices"])
        assert client.post(f"/staff/notices/{notice}/withdraw", data={"csrf_token": csrf}).status_code == 303
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT withdrawn FROM notices WHERE id = ?", notice) is not None
    assert one(demo_instance, "SELECT operation FROM changes WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
               notice) == "delete"  # fmt: skip
    assert wait_for_fresh_bundles(server) > version
    assert all(n["id"] != notice for n in bundle(server, "en")["notices"])
    audit = rows(demo_instance, "SELECT count(*) FROM audit_log WHERE table_name = 'notices'", private=True)
    assert audit == [(4,)]  # posted, translated, edited, withdrawn


def test_notice_writes_are_refused_to_anonymous_viewers_publishers_and_forged_forms(demo_instance, server_for):
    server = server_for(demo_instance)
    form = {"title": "Scam warning", "body": "Nobody from the council asks for money.", "target": "everyone"}
    assert httpx.post(server.url + "/staff/notices", data=form).status_code == 401
    org = one(demo_instance, "SELECT id FROM organizations ORDER BY id LIMIT 1")
    people = sign_in(demo_instance, server, viewer=("viewer", ()), pub=("publisher", [org]), ed=("editor", [org]))
    try:
        for who in ("viewer", "pub"):
            client, csrf = people[who]
            assert client.post("/staff/notices", data={**form, "csrf_token": csrf}).status_code == 403, who
        client, _ = people["ed"]
        assert client.post("/staff/notices", data=form).status_code == 403
        assert client.post("/staff/notices", data={**form, "csrf_token": "forged"}).status_code == 403
    finally:
        close_all(people)
    assert one(demo_instance, "SELECT count(*) FROM notices") == 0


def test_a_notice_without_a_title_or_ending_before_it_starts_is_refused_with_reasons(demo_instance, server_for):
    server = server_for(demo_instance)
    people = sign_in(demo_instance, server, ed=("editor", [org_with_services(demo_instance)]))
    client, csrf = people["ed"]
    try:
        answer = client.post("/staff/notices", data={
            "csrf_token": csrf, "title": " ", "body": "Body", "target": "everyone",
            "starts": "2030-05-02T10:00", "ends": "2030-05-01T10:00"})  # fmt: skip
    finally:
        close_all(people)
    assert answer.status_code == 400
    assert "title: a notice needs a title" in answer.text and "ends: must be after it starts" in answer.text
    assert one(demo_instance, "SELECT count(*) FROM notices") == 0


def test_harbour_notices_add_writes_the_notice_and_prints_its_id_as_json(demo_instance):
    done = harbour(demo_instance, "notices", "add", "--title", "Heating centre open", "--body", "Warm space, free soup.",
                   "--topic", "category:food", "--severity", "warning", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    notice = json.loads(done.stdout)["id"]
    food = one(demo_instance, "SELECT id FROM taxonomy_terms WHERE code = 'food'")
    assert rows(demo_instance, "SELECT title, severity, category_id FROM notices WHERE id = ?", notice) == \
        [("Heating centre open", "warning", food)]
    assert one(demo_instance, "SELECT operation FROM changes WHERE table_name = 'notices' AND record_id = ?",
               notice) == "insert"  # fmt: skip


def test_harbour_notices_add_refuses_a_bad_topic_in_one_line_and_says_who_is_alerted(demo_instance):
    done = harbour(demo_instance, "notices", "add", "--title", "T", "--body", "B", "--topic", "street:9")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "topic 'street:9'" in done.stderr
    assert one(demo_instance, "SELECT count(*) FROM notices") == 0
    helped = harbour(demo_instance, "notices", "add", "--help")
    assert helped.returncode == 0 and "Web Push" in helped.stdout and '"sent": n' in helped.stdout
