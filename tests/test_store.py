"""The single write path: rows, children, provenance, change log, metadata, translations, search."""

from __future__ import annotations

import copy
import json

import pytest

from directory.db import open_directory
from directory.hsds.nested import RecordError
from directory.store import Outcome, Source, save_record, set_translation, tombstone
from directory.store.records import save_records
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


# --- save_records: many records, the same effect as one by one ----------------------------------

ORG = "10000000-0000-4000-8000-000000000000"
PLACE = "20000000-0000-4000-8000-000000000000"


def _nested(n: int, org: str = ORG, place: str = PLACE, **changes) -> dict:
    """A service of a shared organization at a shared location, with its own children."""
    ids = {k: f"{i}{n:07d}-0000-4000-8000-000000000000" for i, k in enumerate("spqlhac", start=3)}
    record = {
        "id": ids["s"], "name": f"Drop-in {n}", "description": "Advice in your language.", "status": "active",
        "organization": {"id": org, "name": "Riverside Network", "description": "Volunteers."},
        "phones": [{"id": ids["p"], "number": f"+44163296{n:04d}"}],
        "languages": [{"id": ids["l"], "name": "Arabic", "code": "ar"}],
        "schedules": [{"id": ids["h"], "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}],
        "service_at_locations": [{"id": ids["q"], "location": {
            "id": place, "name": "Community hub", "location_type": "physical", "latitude": 52.6, "longitude": -1.2,
            "addresses": [{"id": ids["a"] if place != PLACE else "30000000-0000-4000-8000-000000000000",
                           "address_1": "1 Mill Road", "city": "Kingsmere", "state_province": "Kingsmereshire",
                           "postal_code": "KM1 4AB", "country": "GB", "address_type": "physical"}]}}],
    }
    record.update(changes)
    return record


def _everything(db) -> dict:
    """Every row that a save leaves, without what differs by nature between two databases (ids of
    metadata rows, timestamps) but keeping order where order is the contract (the change log)."""
    tables = ["services", "organizations", "locations", "addresses", "phones", "languages", "schedules",
              "service_at_location", "attributes"]
    found = {t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]").fetchall())) for t in tables}
    found["changes"] = db.execute("SELECT seq, table_name, record_id, operation FROM changes ORDER BY seq").fetchall()
    found["metadata"] = sorted(db.execute(
        "SELECT resource_id, resource_type, last_action_type, field_name, previous_value, replacement_value,"
        " updated_by FROM metadata").fetchall())
    found["provenance"] = sorted(db.execute(
        "SELECT table_name, record_id, source, source_id, content_hash, deleted_at FROM provenance").fetchall())
    found["search"] = sorted(db.execute(
        "SELECT s.id, f.name, f.description, f.translations FROM services_fts f JOIN services s"
        " ON s.rowid = f.rowid").fetchall())
    return found


def _batch_of_every_kind() -> list:
    moved = _nested(3)
    moved["service_at_locations"][0]["location"]["name"] = "Community hub (upstairs)"  # changes a shared row
    no_number = _nested(5)
    del no_number["phones"][0]["number"]  # refused: a required field
    second_address = _nested(7)
    second_address["service_at_locations"][0]["location"] = copy.deepcopy(
        _nested(6, place="50000000-0000-4000-8000-00000000000f")["service_at_locations"][0]["location"])
    addresses = second_address["service_at_locations"][0]["location"]["addresses"]
    addresses.append(dict(addresses[0], id="80000000-0000-4000-8000-000000000000", address_1="2 Mill Road"))
    first_dropped = _nested(8)
    first_dropped["service_at_locations"][0]["location"] = copy.deepcopy(
        second_address["service_at_locations"][0]["location"])
    del first_dropped["service_at_locations"][0]["location"]["addresses"][0]  # a stale child to remove
    return [
        (_nested(1), "s-1", None),
        (_nested(2), "s-2", None),  # shares the organization and location with the first
        (moved, "s-3", None),
        (_nested(4, org="40000000-0000-4000-8000-00000000000f"), "s-4", None),
        (no_number, "s-5", None),
        (_nested(1), "s-1", None),  # the first again, unchanged
        (_nested(6, place="50000000-0000-4000-8000-00000000000f"), "s-6", None),
        (second_address, "s-7", None),
        (first_dropped, "s-8", None),
    ]


def test_saving_many_records_at_once_leaves_exactly_what_saving_them_one_by_one_leaves(tmp_path):
    one_by_one, at_once = open_directory(tmp_path / "a.db"), open_directory(tmp_path / "b.db")
    singly = []
    for record, source_id, digest in _batch_of_every_kind():
        try:
            with one_by_one.atomic():
                singly.append(save_record(one_by_one, "services", record, FEED, source_id=source_id, digest=digest))
        except RecordError as error:
            singly.append(type(error))
    with at_once.atomic():
        together = save_records(at_once, "services", _batch_of_every_kind(), FEED)
    assert [r if isinstance(r, Outcome) else type(r) for r in together] == singly
    assert singly == [Outcome.CREATED, Outcome.CREATED, Outcome.CREATED, Outcome.CREATED, RecordError,
                      Outcome.UNCHANGED, Outcome.CREATED, Outcome.CREATED, Outcome.CREATED]
    assert _everything(at_once) == _everything(one_by_one)
    # The third record renames the shared location and the fourth names it back: two updates, as one by one.
    assert _count(at_once, "SELECT count(*) FROM changes WHERE record_id = ? AND operation = 'update'", PLACE) == 2
    # The last adds an address to a location the batch already holds: an update of that location.
    assert at_once.execute(
        "SELECT operation FROM changes WHERE record_id = '50000000-0000-4000-8000-00000000000f' ORDER BY seq"
    ).fetchall() == [("insert",), ("update",), ("update",)]
    assert _count(at_once, "SELECT count(*) FROM addresses WHERE location_id = '50000000-0000-4000-8000-00000000000f'") == 1


def _stated_empty(n: int, org_phones: list) -> dict:
    """A service whose organization states its phones, as every row of a tabular package does."""
    record = _nested(n)
    record["organization"] = dict(record["organization"], phones=org_phones)
    return record


def test_a_batch_whose_stored_parent_states_its_children_leaves_exactly_what_one_by_one_leaves(tmp_path):
    org_phone = {"id": "90000000-0000-4000-8000-000000000000", "number": "+441632960999"}
    batches = [
        [(_stated_empty(1, [org_phone]), "s-1", None)],  # the organization is stored with a phone
        [(_stated_empty(2, [org_phone]), "s-2", None),  # the stored organization, its phone kept: the fast lane
         (_stated_empty(3, []), "s-3", None)],  # its phone no longer listed: removed, as one by one
        [(_stated_empty(4, []), "s-4", None)],  # a stored organization with no phone left to remove
    ]
    one_by_one, at_once = open_directory(tmp_path / "a.db"), open_directory(tmp_path / "b.db")
    for batch in batches:
        for record, source_id, digest in copy.deepcopy(batch):
            with one_by_one.atomic():
                save_record(one_by_one, "services", record, FEED, source_id=source_id, digest=digest)
        with at_once.atomic():
            save_records(at_once, "services", copy.deepcopy(batch), FEED)
    assert _everything(at_once) == _everything(one_by_one)
    assert _count(at_once, "SELECT count(*) FROM phones WHERE organization_id = ?", ORG) == 0
    assert _count(at_once, "SELECT count(*) FROM services") == 4


def test_a_batch_the_database_refuses_is_saved_record_by_record_leaving_out_only_the_culprit(db):
    good = [_nested(n) for n in (1, 2, 3)]
    dangling = _nested(4)
    dangling["program_id"] = "60000000-0000-4000-8000-000000000000"  # an optional link to nothing
    orphan = _nested(5)
    orphan["organization_id"] = "70000000-0000-4000-8000-000000000000"  # a required link to nothing
    del orphan["organization"]
    notes: list[str] = []
    items = [(r, None, None) for r in (good[0], dangling, good[1], orphan, good[2])]
    results = save_records(db, "services", items, FEED, notes)
    assert [type(r) for r in results] == [Outcome, Outcome, Outcome, RecordError, Outcome]
    assert "organization_id" in str(results[3])
    assert _count(db, "SELECT count(*) FROM services") == 4
    assert _count(db, "SELECT count(*) FROM services WHERE id = ?", orphan["id"]) == 0
    assert _count(db, "SELECT count(*) FROM services WHERE id = ? AND program_id IS NULL", dangling["id"]) == 1
    assert any("program_id" in note for note in notes)
    assert _count(db, "SELECT count(*) FROM provenance") == 4
    assert _count(db, "SELECT count(*) FROM services_fts") == 4


def test_records_saved_in_a_batch_are_logged_in_order_and_searchable(db):
    save_records(db, "services", [(_nested(n), None, None) for n in range(1, 5)], FEED)
    services = [r[0] for r in db.execute(
        "SELECT record_id FROM changes WHERE table_name = 'services' ORDER BY seq").fetchall()]
    assert services == [_nested(n)["id"] for n in range(1, 5)]
    kinds = db.execute("SELECT table_name, operation FROM changes ORDER BY seq LIMIT 3").fetchall()
    assert set(kinds) == {("organizations", "insert"), ("locations", "insert"), ("services", "insert")}
    assert _count(db, "SELECT count(*) FROM services_fts WHERE services_fts MATCH 'language'") == 4
    assert _count(db, "SELECT count(*) FROM metadata WHERE last_action_type = 'create'") == 6


def test_a_value_the_database_stores_differently_compares_as_stored_in_a_batch(tmp_path):
    # A number in a text column is stored as text, so the organization's second mention differs
    # from what is stored, as it would one by one.
    items = [(_nested(n, organization={"id": ORG, "name": "Riverside Network", "description": "Volunteers.",
                                       "tax_id": 12345}), None, None) for n in (1, 2)]
    one_by_one, at_once = open_directory(tmp_path / "a.db"), open_directory(tmp_path / "b.db")
    for item in copy.deepcopy(items):
        save_record(one_by_one, "services", item[0], FEED)
    save_records(at_once, "services", items, FEED)
    assert _everything(at_once) == _everything(one_by_one)
    assert _count(at_once, "SELECT count(*) FROM changes WHERE record_id = ?", ORG) == 2


def test_a_batch_written_a_few_rows_a_statement_leaves_exactly_what_saving_one_by_one_leaves(tmp_path, monkeypatch):
    from directory.store import batch

    monkeypatch.setattr(batch, "_variable_limit", lambda db: 30)  # a statement holds a row or two
    one_by_one, at_once = open_directory(tmp_path / "a.db"), open_directory(tmp_path / "b.db")
    items = [(_nested(n), f"s-{n}", None) for n in range(1, 12)]
    for record, source_id, digest in copy.deepcopy(items):
        save_record(one_by_one, "services", record, FEED, source_id=source_id, digest=digest)
    with at_once.atomic():
        assert set(save_records(at_once, "services", items, FEED)) == {Outcome.CREATED}
    assert _everything(at_once) == _everything(one_by_one)
    assert _count(at_once, "SELECT count(*) FROM provenance") == 11
