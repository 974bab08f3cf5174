"""L1: translations and notices are sanitised on their way in, as feed text is; nothing raw is stored."""

from __future__ import annotations

import json

import pytest

from directory.staff.notices.store import NoticeInput, create_notice
from directory.store import set_translation
from tests.bundle_helpers import TestClient

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>Free <b>legal</b> advice'
RAW = ("<script", "onerror", "<img", "alert(")


def raw_in(text: str) -> list[str]:
    return [marker for marker in RAW if marker in text]


@pytest.fixture
def app_client(demo_instance):
    from directory.web.app import create_app

    return TestClient(create_app(demo_instance))


def test_a_hostile_translation_is_stored_clean_and_published_clean(demo_instance, app_client):
    with demo_instance.databases() as (db, _):
        service_id = db.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
        assert set_translation(db, "services", service_id, "description", "ar", HOSTILE)
        assert set_translation(db, "services", service_id, "name", "ar", HOSTILE)
        stored = [row[0] for row in db.execute(
            "SELECT text FROM translations WHERE record_id = ? AND language = 'ar' AND field IN ('name', 'description')",
            [service_id])]  # fmt: skip
    assert len(stored) == 2 and all("legal" in text and not raw_in(text) for text in stored), stored
    api = app_client.get(f"/hsds/services/{service_id}?lang=ar")
    assert api.status_code == 200 and "legal" in api.text and not raw_in(api.text)
    data = app_client.get(f"/data/directory/translations.json?_shape=array&record_id={service_id}").text
    assert "legal" in data and not raw_in(data)
    manifest = app_client.get("/bundle/manifest.json").json()
    bundle = app_client.get(manifest["languages"]["ar"]["url"]).text
    assert not raw_in(bundle)


def test_a_hostile_notice_is_stored_clean_and_its_translation_too(demo_instance, app_client):
    with demo_instance.databases() as (db, _):
        notice_id = create_notice(db, NoticeInput(title=HOSTILE, body=f"First line.\n{HOSTILE}"))
        set_translation(db, "notices", notice_id, "body", "ar", HOSTILE)
        title, body = db.execute("SELECT title, body FROM notices WHERE id = ?", [notice_id]).fetchone()
    assert title == "Free legal advice"
    assert body == "First line.\nFree legal advice", "the body keeps its line breaks as plain text"
    for language in ("en", "ar"):
        manifest = app_client.get("/bundle/manifest.json").json()
        notices = app_client.get(manifest["languages"][language]["url"]).json()["notices"]
        [notice] = [n for n in notices if n["id"] == notice_id]
        assert "legal" in notice["body"] and not raw_in(json.dumps(notice)), (language, notice)


def test_a_translation_that_is_only_markup_is_refused_naming_the_field(demo_instance):
    with demo_instance.databases() as (db, _):
        service_id = db.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
        before = db.execute("SELECT * FROM translations WHERE record_id = ?", [service_id]).fetchall()
        with pytest.raises(ValueError, match=r"services\.name .* into ar has no text"):
            set_translation(db, "services", service_id, "name", "ar", "<script>alert(1)</script>")
        assert db.execute("SELECT * FROM translations WHERE record_id = ?", [service_id]).fetchall() == before
