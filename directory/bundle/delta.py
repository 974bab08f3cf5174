"""What changed in a language's bundle since a version the phone holds, from the change log."""

from __future__ import annotations

import sqlite_utils

# Tables whose changes reach services in the bundle, and how to find those services.
AFFECTED_SERVICES = {
    "services": "SELECT ? AS id",
    "organizations": "SELECT id FROM services WHERE organization_id = ?",
    "locations": "SELECT service_id FROM service_at_location WHERE location_id = ?",
}
# Tables the bundle does not carry: a change there changes nothing a phone shows.
UNSEEN_TABLES = {"programs"}


def changed_service_ids(db: sqlite_utils.Database, since: int, until: int) -> set[str] | None:
    """Services touched by changes in (since, until]; None when a change reaches every service
    (a taxonomy term's name, say), so only a full bundle will do."""
    touched: set[str] = set()
    rows = db.execute(
        "SELECT DISTINCT table_name, record_id FROM changes WHERE seq > ? AND seq <= ?", [since, until]
    ).fetchall()
    for table, record_id in rows:
        if table in UNSEEN_TABLES:
            continue
        sql = AFFECTED_SERVICES.get(table)
        if sql is None:
            return None
        touched.update(row[0] for row in db.execute(sql, [record_id]).fetchall() if row[0])
    return touched


def build_delta(db: sqlite_utils.Database, bundle: dict, since: int) -> dict:
    """`{version, language, since, upserts, deletes}` against `bundle` (the current one), or the
    full bundle itself (it has `services` rather than `upserts`) when a delta cannot say it."""
    version = bundle["version"]
    if since < 0 or since > version:
        return bundle
    touched = changed_service_ids(db, since, version)
    if touched is None:
        return bundle
    upserts = [service for service in bundle["services"] if service["id"] in touched]
    present = {service["id"] for service in upserts}
    return {
        "version": version,
        "language": bundle["language"],
        "since": since,
        "upserts": upserts,
        "deletes": sorted(touched - present),
    }
