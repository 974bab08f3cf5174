"""Build nested HSDS records from the tables: the inverse of nested.flatten.

Absent values are left out rather than sent as null, as the HSDS schemas type
fields as strings or numbers, not null.
"""

from __future__ import annotations

import sqlite_utils

from directory.hsds.nested import CHILDREN, REFERENCES

# References that bring their own children along (a service's locations with their
# addresses); every other reference comes as its bare row.
EXPANDED_REFERENCES = {("service_at_location", "location")}


def fetch_row(db: sqlite_utils.Database, table: str, record_id: str) -> dict | None:
    cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [record_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return _clean(dict(zip([d[0] for d in cursor.description], row)))


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


def assemble(db: sqlite_utils.Database, table: str, record_id: str, *, with_children: bool = True) -> dict | None:
    """One record with its children and references, as the HSDS API nests them."""
    record = fetch_row(db, table, record_id)
    if record is None:
        return None
    for ref in REFERENCES.get(table, ()):
        ref_id = record.get(ref.fk)
        if ref_id:
            expand = (table, ref.key) in EXPANDED_REFERENCES
            nested = assemble(db, ref.table, ref_id, with_children=expand)
            if nested is not None:
                record[ref.key] = nested
    if with_children:
        for child in CHILDREN.get(table, ()):
            record[child.key] = [
                assemble(db, child.table, child_id) for child_id in _child_ids(db, child.table, child.fk, record_id)
            ]
    return record


def _child_ids(db: sqlite_utils.Database, table: str, fk: str, parent_id: str) -> list[str]:
    # Attributes are found by link_id alone: ids are UUIDs, and feeds fill link_entity loosely.
    sql = f"SELECT id FROM [{table}] WHERE [{fk}] = ? ORDER BY rowid"
    return [row[0] for row in db.execute(sql, [parent_id]).fetchall()]


def assemble_service(db: sqlite_utils.Database, service_id: str) -> dict | None:
    """A full service: organization, program, locations, phones, schedules, attributes…, metadata."""
    record = assemble(db, "services", service_id)
    if record is not None:
        record["metadata"] = [
            _clean(dict(zip([d[0] for d in cursor.description], row)))
            for cursor in [db.execute("SELECT * FROM metadata WHERE resource_id = ? ORDER BY rowid", [service_id])]
            for row in cursor.fetchall()
        ]
    return record
