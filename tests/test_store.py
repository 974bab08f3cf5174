"""The single write path: rows, children, provenance, change log, metadata, translations, search."""

from __future__ import annotations

import copy
import json

import pytest

from directory.db import open_directory
from directory.hsds.nested import RecordError
from directory.store import Outcome, Source, save_record, set_translation, tombstone
from tests.conftest import HSDS_DIR

FEED = Source("feed:test")


@pytest.fixture
def db(tmp_path):
    return open_directory(tmp_path / "directory.db")


@pytest.fixture
def service():
    return json.loads((HSDS_DIR / "examples" / "service_full.json").read_text())


def _count(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


def test_a_new_service_is_created_with_its_children_and_logged(db, service):
    assert save_record(db, "services", service, FEED) is Outcome.CREATED
    assert _count(db, "SELECT count(*) FROM phones WHERE service_id = ?", service["id"]) == 1
    assert _count(db, "SELECT count(*) FROM service_at_location WHERE service_id = ?", service["id"]) == 1
    assert _count(db, "SELECT count(*) FROM changes WHERE table_name = 'services' AND operation = 'insert'") == 1
    assert db.execute("SELECT source, source_id FROM provenance WHERE record_id = ?", [service["id"]]).fetchone() == (
        "feed:test",
        service["id"],
    )
    updated_by = {r[0] for r in db.execute("SELECT updated_by FROM metadata WHERE resource_id = ?", [service["id"]])}
    assert updated_by == {"feed:test"}


def test_the_same_record_again_is_unchanged_and_writes_nothing(db, service):
    save_record(db, "services", service, FEED)
    before = _count(db, "SELECT count(*) FROM changes")
    assert save_record(db, "services", copy.deepcopy(service), FEED) is Outcome.UNCHANGED
    assert _count(db, "SELECT count(*) FROM changes") == before


def test_a_renamed_service_is_updated_with_a_metadata_row_naming_the_field(db, service):
    save_record(db, "services", service, FEED)
    service["name"] = "Community Counselling and Peer Support"
    assert save_record(db, "services", service, FEED) is Outcome.UPDATED
    row = db.execute(
        "SELECT previous_value, replacement_value FROM metadata WHERE resource_id = ? AND field_name = 'name'",
        [service["id"]],
    ).fetchone()
    assert row == ("Community Counselling", "Community Counselling and Peer Support")
    hits = db.execute("SELECT rowid FROM services_fts WHERE services_fts MATCH 'peer'").fetchall()
    assert len(hits) == 1


def test_an_empty_child_list_removes_the_children_but_an_absent_key_keeps_them(db, service):
    save_record(db, "services", service, FEED)
    without_key = copy.deepcopy(service)
    del without_key["cost_options"]
    without_key["name"] = "Renamed"
    save_record(db, "services", without_key, FEED)
    assert _count(db, "SELECT count(*) FROM cost_options WHERE service_id = ?", service["id"]) == 1
    emptied = copy.deepcopy(without_key)
    emptied["cost_options"] = []
    assert save_record(db, "services", emptied, FEED) is Outcome.UPDATED
    assert _count(db, "SELECT count(*) FROM cost_options WHERE service_id = ?", service["id"]) == 0


def test_change_log_sequence_only_grows(db, service):
    save_record(db, "services", service, FEED)
    first = _count(db, "SELECT max(seq) FROM changes")
    service["description"] = "Now also online."
    save_record(db, "services", service, FEED)
    assert _count(db, "SELECT max(seq) FROM changes") > first


def test_changing_source_text_marks_its_translations_outdated(db, service):
    save_record(db, "services", service, FEED)
    set_translation(db, "services", service["id"], "name", "fr", "Conseil communautaire")
    set_translation(db, "services", service["id"], "description", "fr", "Des conseils par des professionnels.")
    service["name"] = "Community Counselling (evenings)"
    save_record(db, "services", service, FEED)
    statuses = dict(
        db.execute("SELECT field, status FROM translations WHERE record_id = ? AND language = 'fr'", [service["id"]])
    )
    assert statuses == {"name": "outdated", "description": "human"}


def test_a_translation_is_searchable(db, service):
    save_record(db, "services", service, FEED)
    set_translation(db, "services", service["id"], "name", "ar", "الإرشاد المجتمعي")
    hits = db.execute("SELECT rowid FROM services_fts WHERE services_fts MATCH 'المجتمعي'").fetchall()
    assert len(hits) == 1


def test_a_record_missing_a_required_field_is_refused_naming_the_field(db, service):
    del service["phones"][0]["number"]
    with pytest.raises(RecordError, match="phones record .*: field 'number' is required"):
        save_record(db, "services", service, FEED)


def test_a_refused_record_inside_a_run_leaves_nothing_behind(db, service):
    bad = copy.deepcopy(service)
    bad["id"] = "00000000-0000-4000-8000-000000000001"
    bad["schedules"] = [{"id": "x", "interval": "weekly"}]
    with db.atomic():
        save_record(db, "services", service, FEED)
        with pytest.raises(RecordError, match="field 'interval' must be a number"):
            with db.atomic():
                save_record(db, "services", bad, FEED)
    assert _count(db, "SELECT count(*) FROM services") == 1


def test_tombstone_hides_nothing_but_records_the_withdrawal(db, service):
    save_record(db, "services", service, FEED)
    assert tombstone(db, "services", service["id"], FEED) is True
    assert _count(db, "SELECT count(*) FROM services") == 1  # kept, not deleted
    assert db.execute("SELECT deleted_at FROM provenance WHERE record_id = ?", [service["id"]]).fetchone()[0]
    assert _count(db, "SELECT count(*) FROM changes WHERE operation = 'delete'") == 1
    assert tombstone(db, "services", service["id"], FEED) is False
    # Seen again: back from the dead.
    save_record(db, "services", service, FEED)
    assert db.execute("SELECT deleted_at FROM provenance WHERE record_id = ?", [service["id"]]).fetchone()[0] is None
