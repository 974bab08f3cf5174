"""Nested records from a package's tables, a batch of records at a time.

`assemble` (directory/hsds/assemble.py) builds one record with a query per row and
per list of children: a dozen queries a service, which is most of the time a CSV
package takes to read. Here each table of the nesting is read once for the whole
batch (its rows by id, its children by parent), then every record is put together
in Python: the same records, in the same order, a few queries a table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from directory.hsds.assemble import EXPANDED_REFERENCES
from directory.hsds.nested import CHILDREN, REFERENCES, Child, Reference

_IDS = "(SELECT value FROM json_each(?))"


@dataclass
class Loaded:
    """The rows of one table that a batch needs, and what hangs from them, read but not yet nested."""

    rows: dict[object, dict]  # id → the row, absent values left out
    references: list[tuple[Reference, Loaded]] = field(default_factory=list)
    children: list[tuple[Child, dict[object, list[object]], Loaded]] = field(default_factory=list)

    def record(self, record_id: object) -> dict | None:
        """A fresh nested record (nothing shared with any other), as `assemble` makes it."""
        row = self.rows.get(record_id)
        if row is None:
            return None
        record = dict(row)
        for reference, target in self.references:
            ref_id = record.get(reference.fk)
            if ref_id:
                nested = target.record(ref_id)
                if nested is not None:
                    record[reference.key] = nested
        for child, by_parent, target in self.children:
            record[child.key] = [target.record(child_id) for child_id in by_parent.get(record_id, ())]
        return record


def load(
    db: sqlite_utils.Database,
    table: str,
    ids: Iterable[object],
    *,
    with_children: bool = True,
    only: tuple[str, ...] | None = None,
) -> Loaded:
    """Read what the records `ids` of `table` nest, as `assemble(…, with_children)` would;
    `only` keeps the children under those keys alone (for this table, not below it)."""
    rows = _rows(db, table, ids)
    loaded = Loaded(rows)
    for reference in REFERENCES.get(table, ()):
        ref_ids = {row[reference.fk] for row in rows.values() if row.get(reference.fk)}
        expand = (table, reference.key) in EXPANDED_REFERENCES
        loaded.references.append((reference, load(db, reference.table, ref_ids, with_children=expand)))
    if with_children:
        for child in CHILDREN.get(table, ()):
            if only is not None and child.key not in only:
                continue
            by_parent: dict[object, list[object]] = defaultdict(list)
            for child_id, parent_id in _query(
                db, f"SELECT id, [{child.fk}] FROM [{child.table}] WHERE [{child.fk}] IN {_IDS} ORDER BY rowid", rows
            ):
                by_parent[parent_id].append(child_id)
            child_ids = [i for ids_ in by_parent.values() for i in ids_]
            loaded.children.append((child, by_parent, load(db, child.table, child_ids)))
    return loaded


def _rows(db: sqlite_utils.Database, table: str, ids: Iterable[object]) -> dict[object, dict]:
    cursor = db.conn.execute(f"SELECT * FROM [{table}] LIMIT 0")
    columns = [d[0] for d in cursor.description]
    at = columns.index("id")
    return {
        row[at]: {k: v for k, v in zip(columns, row) if v is not None}
        for row in _query(db, f"SELECT * FROM [{table}] WHERE id IN {_IDS}", ids)
    }


def _query(db: sqlite_utils.Database, sql: str, ids: Iterable[object]) -> list[tuple]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    return db.conn.execute(sql, [json.dumps(ids)]).fetchall()
