"""Nesting a batch of records a table at a time gives what `assemble` gives one record at a time."""

from __future__ import annotations

from directory.hsds.assemble import assemble, fetch_row
from directory.hsds.nested import CHILDREN
from directory.sync.formats import assemble_batch
from directory.sync.formats.hsds_csv import ORGANIZATION_CHILDREN, empty_tables, insert_rows, load_tables
from tests.sync.fixtures.formats import EXAMPLES


def ids(db, table: str) -> list:
    return [row[0] for row in db.execute(f"SELECT id FROM [{table}] ORDER BY rowid").fetchall()]


def test_the_official_example_package_nests_as_assemble_nests_it():
    db = load_tables(EXAMPLES / "csv")
    for table in ("services", "locations", "organizations", "service_at_location", "taxonomy_terms"):
        loaded = assemble_batch.load(db, table, ids(db, table))
        assert ids(db, table), table
        for record_id in ids(db, table):
            assert loaded.record(record_id) == assemble(db, table, record_id)
    bare = assemble_batch.load(db, "services", ids(db, "services"), with_children=False)
    assert all(bare.record(i) == assemble(db, "services", i, with_children=False) for i in ids(db, "services"))


def test_an_organization_carries_only_the_children_asked_for():
    db = load_tables(EXAMPLES / "csv")
    [org_id, *_] = ids(db, "organizations")
    record = assemble_batch.load(db, "organizations", [org_id], only=ORGANIZATION_CHILDREN).record(org_id)
    expected = fetch_row(db, "organizations", org_id)
    for child in CHILDREN["organizations"]:
        if child.key in ORGANIZATION_CHILDREN:
            expected[child.key] = [assemble(db, child.table, i) for i in ids_where(db, child.table, child.fk, org_id)]
    assert record == expected and "locations" not in record and record["phones"]


def ids_where(db, table: str, column: str, value) -> list:
    return [r[0] for r in db.execute(f"SELECT id FROM [{table}] WHERE [{column}] = ? ORDER BY rowid", [value])]


def test_records_sharing_a_location_get_copies_and_orphans_and_absent_references_are_left_out():
    db = empty_tables()
    insert_rows(db, "organizations", [("o", {"id": "org", "name": "Org"})])
    insert_rows(db, "services", [(f"s{n}", {"id": f"s{n}", "name": f"S{n}", "organization_id": "org",
                                            "program_id": "no-such-program"}) for n in range(3)])  # fmt: skip
    insert_rows(db, "locations", [("l", {"id": "loc", "name": "Hall"})])
    insert_rows(db, "addresses", [("a", {"id": "addr", "location_id": "loc", "address_1": "1 Road"})])
    insert_rows(db, "service_at_location", [(f"x{n}", {"id": f"sal{n}", "service_id": f"s{n}", "location_id": "loc"})
                                            for n in range(2)])  # fmt: skip
    insert_rows(db, "phones", [("p1", {"id": "p2", "service_id": "s0", "number": "2"}),
                               ("p2", {"id": "p1", "service_id": "s0", "number": "1"}),
                               ("p3", {"id": "p3", "service_id": "gone", "number": "3"})])  # fmt: skip
    loaded = assemble_batch.load(db, "services", ["s0", "s1", "s2", "missing"])
    records = [loaded.record(i) for i in ("s0", "s1", "s2", "missing")]
    assert records == [assemble(db, "services", i) for i in ("s0", "s1", "s2", "missing")]
    assert [p["number"] for p in records[0]["phones"]] == ["2", "1"]  # the file's order, not the ids'
    assert "program" not in records[0] and records[3] is None
    first, second = (r["service_at_locations"][0]["location"] for r in records[:2])
    first["addresses"][0]["address_1"] = "changed by the normaliser"
    assert second["addresses"][0]["address_1"] == "1 Road"
    assert loaded.record("s0")["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "1 Road"
