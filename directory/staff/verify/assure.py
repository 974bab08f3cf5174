""""Still correct": a staff member confirms a listing, which sets its HSDS `assured_date` to today.

The date is written like any staff edit: the whole service through the store
(with a role as its source), an audit row naming the person, and, when a feed
also sends the service, an override so the feed's next run keeps the date.
"""

from __future__ import annotations

import sqlite_utils

from directory.staff.audit import record_change
from directory.staff.auth import Actor
from directory.staff.review.resolve import editable_service
from directory.store import Source, save_record
from directory.store.overrides import overrides_for, record_override

FED_SOURCES = ("feed:%", "publisher:%")


def mark_verified(
    db: sqlite_utils.Database, private: sqlite_utils.Database, actor: Actor, service_id: str, today: str
) -> str | None:
    """Set the service's assured_date to `today`; returns the date it had before."""
    record = editable_service(db, service_id)
    if record is None:
        raise LookupError(service_id)
    before = record.get("assured_date")
    record["assured_date"] = today
    with db.atomic():
        save_record(db, "services", record, Source(actor.label))
    if before == today:
        return before
    with private.atomic():
        record_change(private, actor, "services", service_id, {"assured_date": before}, {"assured_date": today})
        if is_fed(db, service_id):
            known = overrides_for(private, "services", service_id).get("assured_date")
            record_override(private, "services", service_id, "assured_date", today, known[1] if known else before)
    return before


def is_fed(db: sqlite_utils.Database, service_id: str) -> bool:
    """Does a feed still send this service (so it would overwrite a staff value)?"""
    return db.execute(
        "SELECT 1 FROM provenance WHERE table_name = 'services' AND record_id = ? AND deleted_at IS NULL"
        " AND (source LIKE ? OR source LIKE ?) LIMIT 1",
        [service_id, *FED_SOURCES],
    ).fetchone() is not None
