"""May this actor write every row of this record? The deep half of require_organization.

A route checks the record's organization; but a nested record from a form, the
API or a publisher can name rows by id, and an id that already exists belongs to
someone. Each row that exists must belong to one of the actor's organizations
(found by following its links up to a service, location or organization), and a
service or location may only be put under one of them. What a row points at
counts too: a new or changed link (a service_at_location's location_id, a
service's program_id, a phone's location_id) must lead to a record of the
actor's organizations, so nobody can hang their service on another's location.
Links kept as they are stored stay (a service may already meet at a partner's
site), and shared vocabularies (taxonomy terms) may be linked by anyone.
Admins may write anything.
"""

from __future__ import annotations

import sqlite_utils
from starlette.exceptions import HTTPException

from directory.hsds.nested import flatten
from directory.hsds.tables import hsds_tables
from directory.staff.auth import Actor

OWNED_BY_COLUMN = {"services": "organization_id", "locations": "organization_id", "programs": "organization_id"}
NOT_EDITABLE = frozenset({"taxonomies", "taxonomy_terms", "metadata", "meta_table_descriptions"})
SHARED = frozenset({"taxonomies", "taxonomy_terms"})  # vocabularies every record may point at
_MAX_DEPTH = 6


def check_record(db: sqlite_utils.Database, actor: Actor, table: str, record: dict) -> None:
    """403 when any row of the record is, or would be put, outside the actor's organizations."""
    if actor.role == "admin":
        return
    rows = flatten(table, record).rows
    in_record = {(item.table, item.row["id"]) for item in rows}
    for item in rows:
        row_table, row = item.table, item.row
        if row_table in NOT_EDITABLE:
            raise HTTPException(403, f"{row_table} are not edited here.")
        exists, owner = owner_of(db, row_table, row["id"])
        if exists and owner not in actor.organizations:
            raise HTTPException(403, f"{row_table} record {row['id']} belongs to an organization you do not manage.")
        new_owner = row["id"] if row_table == "organizations" else row.get(OWNED_BY_COLUMN.get(row_table, ""))
        if row_table in OWNED_BY_COLUMN or row_table == "organizations":
            if new_owner not in actor.organizations:
                raise HTTPException(403, f"{row_table} record {row['id']} would not belong to an organization you manage.")
        _check_links(db, actor, row_table, row, exists, in_record)


def _check_links(
    db: sqlite_utils.Database, actor: Actor, table: str, row: dict, exists: bool, in_record: set[tuple[str, str]]
) -> None:
    """403 when a link of `row` is new or changed and leads outside the actor's organizations."""
    stored = _stored_row(db, table, row["id"]) if exists else {}
    for column, ref in hsds_tables()[table].foreign_keys:
        target = row.get(column)
        if not target or ref in SHARED or (ref, target) in in_record or stored.get(column) == target:
            continue
        found, owner = owner_of(db, ref, target)
        if found and owner not in actor.organizations:
            raise HTTPException(
                403, f"{table} record {row['id']}: {column} {target} is a {ref} record of an organization you do not manage."
            )


def _stored_row(db: sqlite_utils.Database, table: str, row_id: str) -> dict:
    cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
    found = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], found)) if found else {}


def owner_of(db: sqlite_utils.Database, table: str, row_id: str, depth: int = 0) -> tuple[bool, str | None]:
    """(whether the row exists, the organization it belongs to, None when none can be found)."""
    if depth > _MAX_DEPTH or table not in hsds_tables():
        return False, None
    row = _stored_row(db, table, row_id)
    if not row:
        return False, None
    if table == "organizations":
        return True, row_id
    if table in OWNED_BY_COLUMN:
        return True, row.get(OWNED_BY_COLUMN[table])
    if table == "attributes":
        for root in ("services", "locations", "organizations"):
            exists, owner = owner_of(db, root, row.get("link_id") or "", depth + 1)
            if exists:
                return True, owner
        return True, None
    for column, ref in hsds_tables()[table].foreign_keys:
        if row.get(column):
            exists, owner = owner_of(db, ref, row[column], depth + 1)
            if exists and owner:
                return True, owner
    return True, None
