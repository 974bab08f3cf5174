"""Saving a whole nested record (a service with everything beneath it) in one step."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.nested import FlatRecord, flatten
from directory.hsds.tables import hsds_tables
from directory.store.changes import log_change, write_metadata
from directory.store.rows import delete_tree, detach_or_delete, write_row
from directory.store.search_index import forget_service_search, refresh_service_search
from directory.store.translations import mark_outdated

# Text fields whose translations go stale when the source text changes.
TRANSLATABLE_TYPES = ("string",)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Source:
    """Where a write comes from: `feed:NAME`, `import:FILE`, `staff:ROLE`, `demo`.

    It is public (HSDS metadata `updated_by`, provenance), so it never names a person.
    """

    name: str


def content_hash(record: dict) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def save_record(
    db: sqlite_utils.Database,
    table: str,
    record: dict,
    source: Source,
    source_id: str | None = None,
    notes: list[str] | None = None,
    digest: str | None = None,
) -> Outcome:
    """Write one nested HSDS record and everything it carries; skip it if unchanged.

    `digest` fingerprints the record as the source sent it (a feed passes the hash
    of the raw record, so an unchanged record is recognised before normalising);
    by default it is the hash of `record`. Raises RecordError (from flattening);
    the caller's savepoint is rolled back, so a bad record leaves nothing behind.
    """
    flat = flatten(table, record)
    record_id = record["id"]
    digest = digest or content_hash(record)
    now = now_iso()
    previous = db.execute(
        "SELECT content_hash, deleted_at FROM provenance WHERE table_name = ? AND record_id = ? AND source = ?",
        [table, record_id, source.name],
    ).fetchone()
    exists = db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone() is not None
    with db.atomic():
        if previous and exists and previous[0] == digest and previous[1] is None:
            _touch_provenance(db, table, record_id, source, now)
            return Outcome.UNCHANGED
        changed_roots = _apply(db, flat, source, notes, new_root=None if exists else (table, record_id))
        root_changed = (table, record_id) in changed_roots
        _upsert_provenance(db, table, record_id, source, source_id, digest, now)
        if table == "services" and root_changed:
            refresh_service_search(db, record_id, new=not exists)
    if not exists:
        return Outcome.CREATED
    return Outcome.UPDATED if root_changed else Outcome.UNCHANGED


def _apply(
    db: sqlite_utils.Database,
    flat: FlatRecord,
    source: Source,
    notes: list[str] | None,
    new_root: tuple[str, str] | None = None,
) -> dict[tuple[str, str], str]:
    """Write the rows; return {(root table, id): "insert" | "update"} for each record that changed."""
    changed_roots: dict[tuple[str, str], str] = {}
    root_fields: dict[tuple[str, str], dict] = {}
    inserted: set[str] = set()  # ids of rows created just now: nothing stale can hang from them
    for item in flat.rows:
        operation, changed = write_row(db, item.table, item.row, notes, likely_new=item.root == new_root)
        if operation is None:
            continue
        if operation == "insert":
            inserted.add(item.row["id"])
        key = (item.table, item.row["id"])
        if key == item.root:
            changed_roots[key] = operation
            root_fields[key] = changed
            if operation == "update":
                text_fields = [
                    c for c in changed if (f := hsds_tables()[item.table].field(c)) and f.type in TRANSLATABLE_TYPES
                ]
                mark_outdated(db, item.table, key[1], text_fields)
        else:
            changed_roots.setdefault(item.root, "update")
            root_fields.setdefault(item.root, {}).setdefault(item.table, ("", "changed"))
    for replacement in flat.replacements:
        if replacement.parent_id in inserted:
            continue
        stale = [
            row_id
            for (row_id,) in db.execute(
                f"SELECT id FROM [{replacement.table}] WHERE [{replacement.fk}] = ?", [replacement.parent_id]
            ).fetchall()
            if row_id not in replacement.keep
        ]
        for row_id in stale:
            detach_or_delete(db, replacement.table, replacement.fk, row_id)
        if stale:
            root = _root_of(flat, replacement)
            changed_roots.setdefault(root, "update")
            root_fields.setdefault(root, {}).setdefault(replacement.table, ("", "changed"))
    for (table, record_id), operation in changed_roots.items():
        log_change(db, table, record_id, operation)
        action = "create" if operation == "insert" else "update"
        write_metadata(db, table, record_id, action, source.name, None if action == "create" else root_fields[(table, record_id)])
    return changed_roots


def _root_of(flat: FlatRecord, replacement) -> tuple[str, str]:
    for item in flat.rows:
        if item.row["id"] == replacement.parent_id:
            return item.root
    return (replacement.table, replacement.parent_id)


def _touch_provenance(db, table, record_id, source, now) -> None:
    db.execute(
        "UPDATE provenance SET last_seen = ? WHERE table_name = ? AND record_id = ? AND source = ?",
        [now, table, record_id, source.name],
    )


def _upsert_provenance(db, table, record_id, source, source_id, digest, now) -> None:
    db.execute(
        "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, source) DO UPDATE SET"
        " content_hash = excluded.content_hash, last_seen = excluded.last_seen, deleted_at = NULL,"
        " source_id = coalesce(excluded.source_id, provenance.source_id)",
        [table, record_id, source.name, source_id or record_id, digest, now, now],
    )


def tombstone(db: sqlite_utils.Database, table: str, record_id: str, source: Source) -> bool:
    """The source withdrew this record: hide it, keep it, remember when."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE provenance SET deleted_at = ? WHERE table_name = ? AND record_id = ? AND source = ?"
            " AND deleted_at IS NULL",
            [now_iso(), table, record_id, source.name],
        )
        if cursor.rowcount == 0:
            return False
        log_change(db, table, record_id, "delete")
        write_metadata(db, table, record_id, "delete", source.name)
        if table == "services":
            forget_service_search(db, record_id)
    return True


def purge(db: sqlite_utils.Database, table: str, record_id: str) -> None:
    """Remove a record and what hangs from it for good (tests, admin clean-ups)."""
    with db.atomic():
        if table == "services":
            forget_service_search(db, record_id)
        for deleted_table, deleted_id in delete_tree(db, table, record_id):
            db.execute(
                "DELETE FROM translations WHERE table_name = ? AND record_id = ?", [deleted_table, deleted_id]
            )
        log_change(db, table, record_id, "delete")
