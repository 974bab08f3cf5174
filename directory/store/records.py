"""Saving a whole nested record (a service with everything beneath it) in one step."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.nested import FlatRecord, RecordError, flatten
from directory.hsds.tables import hsds_tables
from directory.store.batch import NewRecords
from directory.store.changes import log_change, write_metadata
from directory.store.provenance import provenance_params, touch_provenance, upsert_provenance
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
    (result,) = save_records(db, table, [(record, source_id, digest)], source, notes)
    if isinstance(result, RecordError):
        raise result
    return result


# Records `save_records` holds before writing them in one go.
BATCH_LIMIT = 1000


def save_records(
    db: sqlite_utils.Database,
    table: str,
    items: list[tuple[dict, str | None, str | None]],
    source: Source,
    notes: list[str] | None = None,
) -> list[Outcome | RecordError]:
    """Save (record, source id, digest) items as `save_record` would one after another.

    Returns, for each item, its Outcome or the RecordError that kept it out: a record
    that cannot be stored leaves nothing behind (each is its own savepoint) and the
    others are saved. Records that only add rows are written in batches (see
    batch.py); a batch that the database refuses is written again record by record,
    so the record at fault is found and only it is left out.
    """
    results: list[Outcome | RecordError | None] = [None] * len(items)
    batch = NewRecords(db, table, source.name)
    held: dict[int, tuple] = {}

    def flush() -> None:
        if not batch:
            return
        try:
            with db.atomic():
                batch.write()
            for taken in batch.taken:
                results[taken.index] = Outcome.CREATED
        except sqlite3.IntegrityError:
            batch.forget()
            for taken in batch.taken:
                results[taken.index] = _save_one(db, table, *held[taken.index], source, notes)
        batch.clear()
        held.clear()

    flats: list[FlatRecord | None] = []
    for index, (record, _, _) in enumerate(items):
        try:
            flats.append(flatten(table, record))
        except RecordError as error:
            flats.append(None)
            results[index] = error
    if len(items) > 1:
        batch.look_ahead([flat for flat in flats if flat is not None])
    for index, ((record, source_id, digest), flat) in enumerate(zip(items, flats)):
        if flat is None:
            continue
        digest = digest or content_hash(record)
        if batch.take(index, flat, record["id"], source_id, digest):
            held[index] = (record, flat, source_id, digest)
            if len(batch) >= BATCH_LIMIT:
                flush()
            continue
        flush()
        results[index] = _save_one(db, table, record, flat, source_id, digest, source, notes)
        batch.forget()
    flush()
    return results  # type: ignore[return-value]


def _save_one(
    db: sqlite_utils.Database,
    table: str,
    record: dict,
    flat: FlatRecord,
    source_id: str | None,
    digest: str,
    source: Source,
    notes: list[str] | None,
) -> Outcome | RecordError:
    record_id = record["id"]
    now = now_iso()
    previous = db.execute(
        "SELECT content_hash, deleted_at FROM provenance WHERE table_name = ? AND record_id = ? AND source = ?",
        [table, record_id, source.name],
    ).fetchone()
    exists = db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone() is not None
    try:
        with db.atomic():
            if previous and exists and previous[0] == digest and previous[1] is None:
                touch_provenance(db, table, record_id, source.name, now)
                return Outcome.UNCHANGED
            changed_roots = _apply(db, flat, source, notes, new_root=None if exists else (table, record_id))
            root_changed = (table, record_id) in changed_roots
            if exists and not root_changed and previous and previous[1] is not None:
                # Withdrawn by this source and sent again as it was: back in the listing, which
                # the change log (and so every phone) must hear of, as must search.
                log_change(db, table, record_id, "update")
                root_changed = True
            upsert_provenance(db, [provenance_params(table, record_id, source.name, source_id, digest, now)])
            if table == "services" and root_changed:
                refresh_service_search(db, record_id, new=not exists)
    except RecordError as error:
        return error
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
