"""Versions of a record, so two people editing at once cannot overwrite each other.

A record's version is a short hash of what an editor can change: the record with
its children, without the shared records it points at (its organization, a
location's details, taxonomy terms) and without metadata. The form carries it in
a hidden field, the API as an ETag; a save based on another version is refused
(412). Each version handed out is remembered in private.db for a while, so the
refusal can say which fields changed meanwhile.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.assemble import assemble
from directory.hsds.nested import REFERENCES
from directory.store.records import content_hash

REFERENCE_KEYS = frozenset({r.key for refs in REFERENCES.values() for r in refs}) | {"metadata"}
KEEP_VERSIONS = 20  # per record: enough for a form left open over lunch while others save


def editable(value: object) -> object:
    """The record without the shared records it points at (their ids stay)."""
    if isinstance(value, dict):
        return {k: editable(v) for k, v in value.items() if k not in REFERENCE_KEYS}
    if isinstance(value, list):
        return [editable(v) for v in value]
    return value


def load_record(db: sqlite_utils.Database, table: str, record_id: str) -> dict | None:
    record = assemble(db, table, record_id)
    return editable(record) if record is not None else None  # type: ignore[return-value]


def version_of(record: dict) -> str:
    return content_hash(editable(record))[:20]


def etag(version: str) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> list[str]:
    """The versions an If-Match header names ('*' matches any)."""
    if not header:
        return []
    return [part.strip().removeprefix("W/").strip('"') for part in header.split(",") if part.strip()]


def changed_fields(before: dict, after: dict) -> list[str]:
    """Top-level fields (a child list counts as one field) whose values differ."""
    keys = list(dict.fromkeys([*before, *after]))
    return [k for k in keys if _comparable(before.get(k)) != _comparable(after.get(k))]


def _comparable(value: object) -> object:
    if value in (None, "", []):
        return None
    return value


def remember(private: sqlite_utils.Database, table: str, record: dict) -> str:
    """Note the version handed out (or just saved) and return it."""
    version = version_of(record)
    with private.atomic():
        private.execute(
            "INSERT INTO record_versions (table_name, record_id, version, record, at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (table_name, record_id, version) DO UPDATE SET at = excluded.at",
            [table, record["id"], version, json.dumps(editable(record), ensure_ascii=False, default=str), now_iso()],
        )
        private.execute(
            "DELETE FROM record_versions WHERE table_name = ? AND record_id = ? AND version NOT IN"
            " (SELECT version FROM record_versions WHERE table_name = ? AND record_id = ? ORDER BY at DESC, rowid DESC"
            "  LIMIT ?)",
            [table, record["id"], table, record["id"], KEEP_VERSIONS],
        )
    return version


def recall(private: sqlite_utils.Database, table: str, record_id: str, version: str) -> dict | None:
    row = private.execute(
        "SELECT record FROM record_versions WHERE table_name = ? AND record_id = ? AND version = ?",
        [table, record_id, version],
    ).fetchone()
    return json.loads(row[0]) if row else None


@contextlib.contextmanager
def write_lock(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction that holds the write lock from the version check to the save.

    BEGIN IMMEDIATE takes the lock before reading, so no other writer can slip a
    change in between comparing versions and writing.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")
