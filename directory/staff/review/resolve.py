"""Deciding what the sync engine could not: a conflict with a staff edit, a possible duplicate.

- accept (conflict): take upstream's new value, and forget the staff override, so
  the feed is followed again for that field;
- keep (conflict): keep the local value, and remember upstream's new value as the
  one the override answers, so the same change does not come back as a conflict;
- merge (duplicate): the new listing is the candidate service. The candidate gains
  the new listing's source as a second provenance and a staff-decided link (the
  sync engine then keeps the two together), and the new listing is withdrawn for
  its source;
- dismiss: not the same service, or nothing to do, or (a placeholder organization)
  staff named the organization or asked the publisher to send it; the item is closed.

Directory writes go through the store; each item is closed with its resolution.
"""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.assemble import assemble_service
from directory.store import Source, save_record, tombstone
from directory.store.review import close_review

ACTIONS = {
    "conflict": ("accept", "keep"),
    "duplicate": ("merge", "dismiss"),
    "placeholder_organization": ("dismiss",),  # staff fixed the organization, or asked the publisher to
}


class ReviewError(ValueError):
    """The item cannot be resolved that way (closed already, record gone…); one line."""


def load_item(private: sqlite_utils.Database, item_id: int) -> dict | None:
    rows = list(private.query("SELECT * FROM review_queue WHERE id = ?", [item_id]))
    if not rows:
        return None
    item = rows[0]
    item["details"] = json.loads(item["details"])
    return item


def editable_service(db: sqlite_utils.Database, service_id: str) -> dict | None:
    """The whole service as the store takes it back (metadata is the store's own output)."""
    record = assemble_service(db, service_id)
    if record is not None:
        record.pop("metadata", None)
    return record


def accept_upstream(db, private, item: dict, source: Source) -> dict:
    """Upstream's new value replaces the local one; returns {field: (local, new)}."""
    details, table, record_id = item["details"], item["table_name"], item["record_id"]
    record = editable_service(db, record_id) if table == "services" else None
    if record is None:
        raise ReviewError(f"the {table} record {record_id} is no longer in the directory")
    field = details["field"]
    before = record.get(field)
    if details.get("new") is None:
        record.pop(field, None)
    else:
        record[field] = details["new"]
    with private.atomic(), db.atomic():
        save_record(db, table, record, source)
        private.execute(
            "DELETE FROM field_overrides WHERE table_name = ? AND record_id = ? AND field = ?",
            [table, record_id, field],
        )
        close_review(private, item["id"], "accepted upstream")
    return {field: (before, details.get("new"))}


def keep_local(private, item: dict) -> dict:
    """The local value stays; the override now answers upstream's new value."""
    details = item["details"]
    with private.atomic():
        cursor = private.execute(
            "UPDATE field_overrides SET upstream_value = ? WHERE table_name = ? AND record_id = ? AND field = ?",
            [json.dumps(details.get("new")), item["table_name"], item["record_id"], details["field"]],
        )
        if cursor.rowcount == 0:
            raise ReviewError("the staff edit behind this conflict is gone; nothing to keep")
        close_review(private, item["id"], "kept local")
    return {f"upstream {details['field']}": (details.get("old"), details.get("new"))}


def merge_duplicate(db, private, item: dict) -> dict:
    """The queued listing becomes a second source of the candidate service."""
    details, duplicate_id = item["details"], item["record_id"]
    candidate, source_name, source_id = details["candidate"], details["source"], details["source_id"]
    if db.execute("SELECT 1 FROM services WHERE id = ?", [candidate]).fetchone() is None:
        raise ReviewError(f"the service {candidate} this listing resembles is no longer in the directory")
    row = db.execute(
        "SELECT content_hash FROM provenance WHERE table_name = 'services' AND record_id = ? AND source = ?",
        [duplicate_id, source_name],
    ).fetchone()
    if row is None:
        raise ReviewError(f"the listing {duplicate_id} from {source_name} is no longer in the directory")
    now = now_iso()
    with private.atomic(), db.atomic():
        db.execute(
            "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
            " VALUES ('services', ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, source) DO UPDATE SET"
            " source_id = excluded.source_id, content_hash = excluded.content_hash,"
            " last_seen = excluded.last_seen, deleted_at = NULL",
            [candidate, source_name, source_id, row[0], now, now],
        )
        db.execute(
            "INSERT INTO service_links (service_id, source, source_id, score, linked, decided_by)"
            " VALUES (?, ?, ?, ?, ?, 'staff') ON CONFLICT (source, source_id) DO UPDATE SET"
            " service_id = excluded.service_id, score = excluded.score, linked = excluded.linked,"
            " decided_by = 'staff'",
            [candidate, source_name, source_id, float(details.get("score") or 0), now],
        )
        tombstone(db, "services", duplicate_id, Source(source_name))
        # The feed's next run looks its records up by source id: only the candidate may answer,
        # or the withdrawn listing would be found (and brought back) instead.
        db.execute(
            "UPDATE provenance SET source_id = NULL WHERE table_name = 'services' AND record_id = ? AND source = ?",
            [duplicate_id, source_name],
        )
        close_review(private, item["id"], f"merged into {candidate}")
    return {"merged_into": (duplicate_id, candidate)}


def dismiss(private, item: dict) -> dict:
    close_review(private, item["id"], "dismissed")
    return {"dismissed": (None, item["kind"])}
