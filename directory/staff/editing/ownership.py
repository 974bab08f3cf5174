"""May this actor write every row of this record? The deep half of require_organization.

A route checks the record's organization; but a nested record from a form, the
API or a publisher can name rows by id, and an id that already exists belongs to
someone. Each row that exists must belong to one of the actor's organizations
(found by following its links up to a service, location or organization), and a
service or location may only be put under one of them. Admins may write anything.
"""

from __future__ import annotations

import sqlite_utils
from starlette.exceptions import HTTPException

from directory.hsds.nested import flatten
from directory.hsds.tables import hsds_tables
from directory.staff.auth import Actor

OWNED_BY_COLUMN = {"services": "organization_id", "locations": "organization_id", "programs": "organization_id"}
NOT_EDITABLE = frozenset({"taxonomies", "taxonomy_terms", "metadata", "meta_table_descriptions"})
_MAX_DEPTH = 6


def check_record(db: sqlite_utils.Database, actor: Actor, table: str, record: dict) -> None:
    """403 when any row of the record is, or would be put, outside the actor's organizations."""
    if actor.role == "admin":
        return
    for item in flatten(table, record).rows:
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


def owner_of(db: sqlite_utils.Database, table: str, row_id: str, depth: int = 0) -> tuple[bool, str | None]:
    """(whether the row exists, the organization it belongs to, None when none can be found)."""
    if depth > _MAX_DEPTH or table not in hsds_tables():
        return False, None
    cursor = db.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
    found = cursor.fetchone()
    if found is None:
        return False, None
    row = dict(zip([d[0] for d in cursor.description], found))
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
