"""Read everything a bundle needs from directory.db in a few whole-table queries.

A town's directory is small (hundreds of services), so reading each table once and
grouping in Python beats thousands of per-service queries, and the same snapshot
serves every language.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from directory.clock import now_iso
from directory.store.changes import latest_change

# A service is withdrawn when every source that published it has deleted it.
WITHDRAWN_SQL = """SELECT record_id FROM provenance WHERE table_name = 'services'
    GROUP BY record_id HAVING count(deleted_at) = count(*)"""


@dataclass
class Snapshot:
    version: int
    changed_at: str  # when the latest change happened: a bundle of one version always hashes the same
    services: list[dict]
    organizations: dict[str, dict]
    locations: dict[str, dict]
    terms: list[dict]  # taxonomy terms with kind, icon and sort order, in display order
    term_codes: dict[str, str]
    # Rows grouped by the id they hang from.
    sals_by_service: dict[str, list[dict]] = field(default_factory=dict)
    by_service: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    by_location: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    by_sal: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    languages_by_phone: dict[str, list[dict]] = field(default_factory=dict)
    attribute_terms: dict[str, list[str]] = field(default_factory=dict)  # service id → term ids
    notices: list[dict] = field(default_factory=list)  # not withdrawn, not ended at changed_at
    sources: dict[str, list[str]] = field(default_factory=dict)  # service id → live provenance sources
    feed_publishers: dict[str, str] = field(default_factory=dict)  # feed name → publisher organization id

    def service_ids(self) -> set[str]:
        return {s["id"] for s in self.services}


LIVE_SOURCES_SQL = """SELECT record_id, source FROM provenance
    WHERE table_name = 'services' AND deleted_at IS NULL ORDER BY record_id, first_seen, source"""


def _rows(db: sqlite_utils.Database, sql: str, params: list | None = None) -> list[dict]:
    cursor = db.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [{k: v for k, v in zip(names, row) if v is not None and v != ""} for row in cursor.fetchall()]


def active_service_ids(db: sqlite_utils.Database) -> set[str]:
    return {s["id"] for s in _active_services(db)}


def _active_services(db: sqlite_utils.Database) -> list[dict]:
    # A missing status counts as active: HSDS requires it, but a lenient feed may omit it.
    return _rows(
        db,
        f"SELECT * FROM services WHERE coalesce(status, 'active') = 'active'"
        f" AND id NOT IN ({WITHDRAWN_SQL}) ORDER BY id",
    )


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if key in row:
            grouped[row[key]].append(row)
    return grouped


def read_snapshot(db: sqlite_utils.Database) -> Snapshot:
    with _read_transaction(db):  # every table as of the same version
        version = latest_change(db)
        last = db.execute("SELECT at FROM changes ORDER BY seq DESC LIMIT 1").fetchone()
        services = _active_services(db)
        snapshot = Snapshot(
            version=version,
            changed_at=last[0] if last else now_iso(),
            services=services,
            organizations={o["id"]: o for o in _rows(db, "SELECT id, name FROM organizations")},
            locations={loc["id"]: loc for loc in _rows(db, "SELECT * FROM locations")},
            terms=_rows(
                db,
                "SELECT t.id, t.code, t.name, t.parent_id, d.kind, d.icon, d.sort_order FROM taxonomy_terms t"
                " JOIN term_details d ON d.term_id = t.id ORDER BY d.sort_order, t.code",
            ),
            term_codes={},
        )
        snapshot.term_codes = {t["id"]: t["code"] for t in snapshot.terms}
        snapshot.sals_by_service = _group(_rows(db, "SELECT * FROM service_at_location ORDER BY rowid"), "service_id")
        tables = ("phones", "schedules", "languages", "cost_options", "required_documents")
        located = ("addresses", "accessibility", "phones", "schedules", "languages")
        all_rows = {t: _rows(db, f"SELECT * FROM [{t}] ORDER BY rowid") for t in set(tables) | set(located)}
        snapshot.by_service = {t: _group(all_rows[t], "service_id") for t in tables}
        snapshot.by_location = {t: _group(all_rows[t], "location_id") for t in located}
        snapshot.by_sal = {t: _group(all_rows[t], "service_at_location_id") for t in ("phones", "schedules")}
        snapshot.languages_by_phone = _group(all_rows["languages"], "phone_id")
        attributes = _rows(db, "SELECT link_id, taxonomy_term_id FROM attributes ORDER BY rowid")
        for row in attributes:
            snapshot.attribute_terms.setdefault(row.get("link_id", ""), []).append(row.get("taxonomy_term_id", ""))
        snapshot.notices = current_notices(db, snapshot.changed_at)
        for row in _rows(db, LIVE_SOURCES_SQL):
            snapshot.sources.setdefault(row["record_id"], []).append(row["source"])
        snapshot.feed_publishers = {
            row["name"]: row["publisher_id"] for row in _rows(db, "SELECT name, publisher_id FROM feeds") if "publisher_id" in row
        }
    return snapshot


def current_notices(db: sqlite_utils.Database, at: str) -> list[dict]:
    """Notices not withdrawn and not ended at `at`, upcoming ones included: the phone's clock
    decides when they show. `at` is the version's time, not the wall clock, so one version
    always gives the same bundle."""
    return _rows(
        db,
        "SELECT id, title, body, severity, category_id, area, service_id, starts, ends FROM notices"
        " WHERE withdrawn IS NULL AND (ends IS NULL OR ends > ?) ORDER BY starts, id",
        [at],
    )


@contextlib.contextmanager
def _read_transaction(db: sqlite_utils.Database):
    """BEGIN … COMMIT around reads, unless the caller already holds a transaction."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN DEFERRED")  # a read snapshot: plain BEGIN would queue as a writer (db/connection.py)
    try:
        yield
    finally:
        db.execute("COMMIT")


def read_translations(db: sqlite_utils.Database, language: str) -> dict[tuple[str, str, str], str]:
    """(table, record id, field) → text in `language`; blank texts never count."""
    cursor = db.execute(
        "SELECT table_name, record_id, field, text FROM translations WHERE language = ? AND trim(text) != ''",
        [language],
    )
    return {(t, r, f): text for t, r, f, text in cursor.fetchall()}
