"""What a reviewer needs to see of a queued item, read from the directory."""

from __future__ import annotations

import sqlite_utils

from directory.staff.review.resolve import ACTIONS


def listing_summary(db: sqlite_utils.Database, service_id: str) -> dict | None:
    """A service as a person compares two listings: name, organization, where, how to reach it, from where."""
    row = db.execute(
        """SELECT s.id, s.name, s.description, s.email, s.url, s.organization_id, o.name, s.status
           FROM services s LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id = ?""",
        [service_id],
    ).fetchone()
    if row is None:
        return None
    keys = ("id", "name", "description", "email", "url", "organization_id", "organization", "status")
    summary = dict(zip(keys, row))
    summary["addresses"] = [
        ", ".join(part for part in parts if part)
        for parts in db.execute(
            """SELECT l.name, a.address_1, a.city, a.postal_code FROM service_at_location sal
               JOIN locations l ON l.id = sal.location_id LEFT JOIN addresses a ON a.location_id = l.id
               WHERE sal.service_id = ? ORDER BY sal.rowid""",
            [service_id],
        ).fetchall()
    ]
    summary["phones"] = [r[0] for r in db.execute("SELECT number FROM phones WHERE service_id = ?", [service_id])]
    summary["sources"] = [
        {"source": source, "source_id": source_id, "withdrawn": deleted_at}
        for source, source_id, deleted_at in db.execute(
            "SELECT source, source_id, deleted_at FROM provenance WHERE table_name = 'services' AND record_id = ?"
            " ORDER BY first_seen",
            [service_id],
        )
    ]
    return summary


def record_name(db: sqlite_utils.Database, table: str, record_id: str) -> tuple[str | None, str | None]:
    """(name, organization id) of a queued record; (None, None) when it is gone."""
    if table != "services":
        row = db.execute(f"SELECT name FROM [{table}] WHERE id = ?", [record_id]).fetchone()
        return (row[0], None) if row else (None, None)
    row = db.execute("SELECT name, organization_id FROM services WHERE id = ?", [record_id]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def organizations_touched(db: sqlite_utils.Database, item: dict) -> list[str | None]:
    """Whose records a resolution changes: the record's organization, and for a duplicate the candidate's too."""
    touched = [record_name(db, item["table_name"], item["record_id"])[1]]
    if item["kind"] == "duplicate":
        touched.append(record_name(db, "services", item["details"].get("candidate", ""))[1])
    return touched


def describe_item(db: sqlite_utils.Database, item: dict) -> dict:
    """The item with what the page shows beside it."""
    name, organization_id = record_name(db, item["table_name"], item["record_id"])
    shown = {**item, "name": name, "organization_id": organization_id, "actions": ACTIONS[item["kind"]]}
    if item["kind"] == "duplicate":
        shown["new_listing"] = listing_summary(db, item["record_id"])
        shown["candidate"] = listing_summary(db, item["details"].get("candidate", ""))
    return shown
