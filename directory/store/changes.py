"""The change log and HSDS metadata rows that every write leaves behind."""

from __future__ import annotations

import os
import time
import uuid

import sqlite_utils

from directory.clock import now_iso, today_iso
from directory.hsds.tables import hsds_tables

# Long field values are cut in metadata: it records that a field changed, not an archive.
METADATA_VALUE_LIMIT = 500


CHANGE_SQL = "INSERT INTO changes (table_name, record_id, operation, at) VALUES (?, ?, ?, ?)"
METADATA_SQL = (
    "INSERT INTO metadata (id, resource_id, resource_type, last_action_date, last_action_type,"
    " field_name, previous_value, replacement_value, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def log_change(db: sqlite_utils.Database, table: str, record_id: str, operation: str) -> int:
    """Append to the change log; the returned sequence number only ever grows."""
    cursor = db.execute(CHANGE_SQL, [table, record_id, operation, now_iso()])
    return cursor.lastrowid


def log_changes(db: sqlite_utils.Database, changes: list[tuple[str, str, str]]) -> None:
    """Append (table, record id, operation) rows in order, in one statement."""
    now = now_iso()
    db.conn.executemany(CHANGE_SQL, [(table, record_id, operation, now) for table, record_id, operation in changes])


def latest_change(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def write_metadata(
    db: sqlite_utils.Database,
    table: str,
    record_id: str,
    action: str,
    updated_by: str,
    changed: dict[str, tuple] | None = None,
) -> None:
    """HSDS metadata for one record: one row for a create or delete, one per changed field otherwise.

    `updated_by` names a feed or a role, never a person.
    """
    db.conn.executemany(METADATA_SQL, metadata_rows(table, record_id, action, updated_by, changed))


def metadata_rows(
    table: str, record_id: str, action: str, updated_by: str, changed: dict[str, tuple] | None = None
) -> list[tuple]:
    """The parameters of `write_metadata`'s rows, for callers that write many records at once."""
    resource_type = hsds_tables()[table].entity
    today = today_iso()
    return [
        (metadata_id(), record_id, resource_type, today, action, field_name, _short(before), _short(after),
         updated_by)
        for field_name, (before, after) in (changed or {"": ("", "")}).items()
    ]


def metadata_id() -> str:
    """A random UUID that starts with the time (the UUIDv7 layout), so metadata rows, which are
    only ever added, go in at the end of the table's index instead of all over it."""
    millis = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10), "big")
    value = (
        (millis & (2**48 - 1)) << 80
        | 0x7 << 76
        | (random >> 62 & 0xFFF) << 64
        | 0b10 << 62
        | random & (2**62 - 1)
    )
    return str(uuid.UUID(int=value))


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= METADATA_VALUE_LIMIT else text[: METADATA_VALUE_LIMIT - 1] + "…"
