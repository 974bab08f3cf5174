"""`?lang=xx`: swap record text for its translation, wherever the record sits in the tree.

A field is replaced only when a non-blank translation exists for it; otherwise the
source text stays, so a reader never gets a blank. Outdated translations are still
used (the store flags them for translators; a slightly old text beats none).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

from directory.hsds.nested import CHILDREN, REFERENCES
from directory.hsds.tables import hsds_tables

# Nestings the API adds on top of nested.py: an organization lists its services,
# a service_at_location carries its service.
API_NESTING: dict[str, tuple[tuple[str, str], ...]] = {
    "organizations": (("services", "services"),),
    "service_at_location": (("service", "services"),),
}

# SQLite allows 999 bound parameters in older builds; stay well below.
BATCH = 500


def nested_records(table: str, record: dict) -> Iterator[tuple[str, dict]]:
    """(table, record) for the record and every record nested in it, at any depth."""
    yield table, record
    links = [(c.key, c.table) for c in CHILDREN.get(table, ())]
    links += [(r.key, r.table) for r in REFERENCES.get(table, ())]
    links += API_NESTING.get(table, ())
    for key, sub_table in links:
        value = record.get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for item in items:
            if isinstance(item, dict):
                yield from nested_records(sub_table, item)


def translate(db: sqlite_utils.Database, table: str, records: list[dict], language: str) -> list[dict]:
    """Translate `records` (of `table`, with everything nested in them) in place; return them."""
    found = [
        (t, r) for record in records for t, r in nested_records(table, record) if isinstance(r.get("id"), str)
    ]
    texts = _translations(db, {r["id"] for _, r in found}, language)
    for record_table, record in found:
        spec_table = hsds_tables()[record_table]
        for field, text in texts.get((record_table, record["id"]), {}).items():
            if field == "id" or field.endswith("_id"):
                continue  # ids and links are never text for readers
            spec = spec_table.field(field)
            if spec is not None and spec.type == "string" and isinstance(record.get(field), str):
                record[field] = text
    return records


def _translations(
    db: sqlite_utils.Database, ids: set[str], language: str
) -> dict[tuple[str, str], dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        marks = ", ".join("?" for _ in batch)
        rows = db.execute(
            f"SELECT table_name, record_id, field, text FROM translations"
            f" WHERE language = ? AND record_id IN ({marks}) AND trim(text) != ''",
            [language, *batch],
        ).fetchall()
        for table_name, record_id, field, text in rows:
            found.setdefault((table_name, record_id), {})[field] = text
    return found
