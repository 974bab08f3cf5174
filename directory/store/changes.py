"""The change log and HSDS metadata rows that every write leaves behind."""

from __future__ import annotations

import uuid

import sqlite_utils

from directory.clock import now_iso, today_iso
from directory.hsds.tables import hsds_tables

# Long field values are cut in metadata: it records that a field changed, not an archive.
METADATA_VALUE_LIMIT = 500


def log_change(db: sqlite_utils.Database, table: str, record_id: str, operation: str) -> int:
    """Append to the change log; the returned sequence number only ever grows."""
    cursor = db.execute(
        "INSERT INTO changes (table_name, record_id, operation, at) VALUES (?, ?, ?, ?)",
        [table, record_id, operation, now_iso()],
    )
    return cursor.lastrowid


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
    resource_type = hsds_tables()[table].entity
    fields = changed or {"": ("", "")}
    for field_name, (before, after) in fields.items():
        db.execute(
            "INSERT INTO metadata (id, resource_id, resource_type, last_action_date, last_action_type,"
            " field_name, previous_value, replacement_value, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(uuid.uuid4()),
                record_id,
                resource_type,
                today_iso(),
                action,
                field_name,
                _short(before),
                _short(after),
                updated_by,
            ],
        )


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= METADATA_VALUE_LIMIT else text[: METADATA_VALUE_LIMIT - 1] + "…"
