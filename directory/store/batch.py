"""New records in bulk: the fast lane of `save_records`.

A record that only adds rows — each of its rows new, or identical to a row already
stored or to one an earlier record of the batch adds, and no child to remove —
changes the database in a way that is known before writing: inserts, an `insert`
(or `update`) in the change log for each record that gained rows, a `create`
metadata row, its provenance and its search row. `NewRecords.take` decides
whether a record is such a one; `write` then writes the whole batch with one
statement per kind of row. Anything else (a changed row, stale children, a record
already stored) is left to the record-by-record path, which `save_records` runs
after flushing the batch, so the effect is exactly that of saving one by one.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.nested import FlatRecord
from directory.hsds.tables import hsds_tables
from directory.store.changes import CHANGE_SQL, METADATA_SQL, metadata_rows
from directory.store.provenance import UPSERT, provenance_params
from directory.store.rows import insert_sql, row_changes

Key = tuple[str, str]  # (table, id)

# Values SQLite stores as given in a column of that HSDS type, so a row held back in
# the batch compares the same as it would once written.
_STABLE = {True: (int, float, type(None)), False: (str, type(None))}


@dataclass
class Taken:
    index: int
    record_id: str
    source_id: str | None
    digest: str
    roots: dict[Key, str]  # {(root table, id): "insert" | "update"}, in the order the per-record path logs them
    root_fields: dict[Key, dict]


class NewRecords:
    """Records that only add rows, held until `write`."""

    def __init__(self, db: sqlite_utils.Database, table: str, source: str):
        self.db, self.table, self.source = db, table, source
        self.absent: set[Key] = set()  # rows known not to be stored (see look_ahead)
        self.stored_children: dict[tuple[str, str, str], set[str]] = {}
        self.clear()

    def look_ahead(self, flats: list[FlatRecord]) -> None:
        """Ask once which rows of the records to come are stored, so `take` asks only about the rest."""
        keys = {(item.table, item.row["id"]) for flat in flats for item in flat.rows}
        self.absent = keys - self._stored_keys(keys)

    def forget(self) -> None:
        """The database changed behind the batch's back (a record saved on its own): ask again."""
        self.absent = set()
        self.stored_children = {}

    def _stored_children(self, link: tuple[str, str, str]) -> set[str]:
        """Ids of the stored rows of `table` whose `fk` is `parent` (an organization many services share is
        asked about once a batch: a package states its empty child lists with every service)."""
        if link not in self.stored_children:
            table, fk, parent_id = link
            self.stored_children[link] = {
                row_id for (row_id,) in self.db.execute(f"SELECT id FROM [{table}] WHERE [{fk}] = ?", [parent_id])
            }
        return self.stored_children[link]

    def clear(self) -> None:
        self.stored_children = {}  # written rows may be children of stored parents
        self.taken: list[Taken] = []
        self.rows: dict[Key, dict] = {}  # rows to insert, in order
        self.ids: set[str] = set()
        self.children: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (table, fk, parent) → ids

    def __len__(self) -> int:
        return len(self.taken)

    def take(self, index: int, flat: FlatRecord, record_id: str, source_id: str | None, digest: str) -> bool:
        """Hold the record for the batch if it only adds rows; False leaves it to the per-record path."""
        root = (self.table, record_id)
        if root in self.rows:
            return False
        keys = [(item.table, item.row["id"]) for item in flat.rows]
        stored = self._stored([k for k in keys if k not in self.rows and k not in self.absent])
        if root in stored:
            return False
        roots: dict[Key, str] = {}
        root_fields: dict[Key, dict] = {}
        new: list[tuple[Key, dict]] = []
        for item, key in zip(flat.rows, keys):
            if key in self.rows:
                if not _stable(item.table, item.row) or row_changes(item.table, self.rows[key], item.row):
                    return False
                continue
            if key in stored:
                if row_changes(item.table, stored[key], item.row):
                    return False
                continue
            new.append((key, item.row))
            if key == item.root:
                roots[key] = "insert"
            else:
                roots.setdefault(item.root, "update")
                root_fields.setdefault(item.root, {}).setdefault(item.table, ("", "changed"))
        inserted = {key[1] for key, _ in new}
        for replacement in flat.replacements:
            if replacement.parent_id in inserted:
                continue
            link = (replacement.table, replacement.fk, replacement.parent_id)
            if replacement.parent_id not in self.ids and self._stored_children(link) - replacement.keep:
                return False  # a stored parent with children to remove: the per-record path removes them
            if self.children[link] - replacement.keep:
                return False
        for key, row in new:
            self.absent.discard(key)  # stored once the batch is written
            self.rows[key] = row
            self.ids.add(key[1])
            for column, value in row.items():
                if value is not None and (column.endswith("_id")):
                    self.children[(key[0], column, value)].add(key[1])
        self.taken.append(Taken(index, record_id, source_id, digest, roots, root_fields))
        return True

    def write(self) -> None:
        """Write every held record; raises sqlite3.IntegrityError (caller's savepoint rolls back)."""
        db, now = self.db, now_iso()
        # Referenced tables first, so every foreign key finds its row; within a table, rows
        # with the same columns (in the same order) share one statement.
        by_table: dict[str, dict[tuple[str, ...], list[tuple]]] = {table: {} for table in hsds_tables()}
        for (table, _), row in self.rows.items():
            by_table[table].setdefault(tuple(row), []).append(tuple(row.values()))
        for table, groups in by_table.items():
            columns_of_table = set(hsds_tables()[table].columns)
            for columns, values in groups.items():
                if not columns_of_table.issuperset(columns):
                    raise ValueError(f"{table} rows carry columns it does not have: {sorted(set(columns) - columns_of_table)}")
                insert_many(db, insert_sql(table, columns), values)
        changes, metadata = [], []
        for taken in self.taken:
            for (table, record_id), operation in taken.roots.items():
                changes.append((table, record_id, operation))
                action = "create" if operation == "insert" else "update"
                fields = None if action == "create" else taken.root_fields[(table, record_id)]
                metadata += metadata_rows(table, record_id, action, self.source, fields)
        insert_many(db, CHANGE_SQL, [(table, record_id, operation, now) for table, record_id, operation in changes])
        insert_many(db, METADATA_SQL, metadata)
        insert_many(
            db, UPSERT, [provenance_params(self.table, t.record_id, self.source, t.source_id, t.digest, now) for t in self.taken]
        )
        if self.table == "services":
            ids = [t.record_id for t in self.taken]
            step = _variable_limit(db)
            for start in range(0, len(ids), step):
                chunk = ids[start : start + step]
                db.conn.execute(
                    "INSERT INTO services_fts (rowid, name, description, translations)"
                    " SELECT rowid, name, coalesce(description, ''), '' FROM services"
                    f" WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )

    def _stored_keys(self, keys) -> set[Key]:
        by_table: dict[str, list[str]] = defaultdict(list)
        for table, row_id in keys:
            by_table[table].append(row_id)
        if not by_table:
            return set()
        sql = " UNION ALL ".join(
            f"SELECT '{table}', id FROM [{table}] WHERE id IN ({', '.join('?' for _ in ids)})"
            for table, ids in by_table.items()
        )
        return set(map(tuple, self.db.conn.execute(sql, [i for ids in by_table.values() for i in ids]).fetchall()))

    def _stored(self, keys: list[Key]) -> dict[Key, dict]:
        """The rows among `keys` already in the database, as {key: {column: value}}."""
        stored = {}
        for table, row_id in self._stored_keys(keys) if keys else ():
            columns = hsds_tables()[table].columns
            row = self.db.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]).fetchone()
            stored[(table, row_id)] = dict(zip(columns, row))
        return stored


def insert_many(db: sqlite_utils.Database, sql: str, rows: list) -> None:
    """Run an `INSERT … VALUES (?, …) [ON CONFLICT …]` for many rows, as few statements as SQLite allows.

    The same rows, in the same order, bound the same way as `executemany` would, with one
    statement (one SQLite step, the interpreter lock released throughout) for hundreds of
    rows instead of one a row.
    """
    if not rows:
        return
    head, marker, tail = sql.partition(" VALUES ")
    values, _, rest = tail.partition(")")
    group = values + ")"
    width = group.count("?")
    per = max(1, _variable_limit(db) // width)
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        db.conn.execute(
            f"{head}{marker}{', '.join([group] * len(chunk))}{rest}", [v for row in chunk for v in row]
        )


def _variable_limit(db: sqlite_utils.Database) -> int:
    return min(db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), 30_000)


def _stable(table: str, row: dict) -> bool:
    spec = hsds_tables()[table]
    for column, value in row.items():
        field = spec.field(column)
        if not isinstance(value, _STABLE[field is not None and field.type == "number"]) or isinstance(value, bool):
            return False
    return True
