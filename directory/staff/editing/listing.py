"""The list pages: find a record by its name or its organization's, narrowed to one organization."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from directory.staff.auth import Actor
from directory.staff.editing.kinds import Kind
from directory.staff.editing.options import Option, organization_options

PAGE_SIZE = 50

# Per table: the column holding the organization, and what a row shows.
_QUERIES = {
    "services": (
        "r.organization_id",
        "SELECT r.id, r.name, r.status, o.name AS organization FROM services r"
        " LEFT JOIN organizations o ON o.id = r.organization_id",
    ),
    "locations": (
        "r.organization_id",
        "SELECT r.id, coalesce(r.name, r.id) AS name, r.location_type AS status, o.name AS organization"
        " FROM locations r LEFT JOIN organizations o ON o.id = r.organization_id",
    ),
    "organizations": (
        "r.id",
        "SELECT r.id, r.name, (SELECT count(*) FROM services s WHERE s.organization_id = r.id) || ' services'"
        " AS status, '' AS organization FROM organizations r",
    ),
}


@dataclass
class Listing:
    rows: list[dict] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    q: str = ""
    organization_id: str = ""
    organizations: list[Option] = field(default_factory=list)
    mine_only: bool = False  # an editor or publisher sees their organizations' records

    @property
    def next_offset(self) -> int | None:
        return self.offset + PAGE_SIZE if self.offset + PAGE_SIZE < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - PAGE_SIZE) if self.offset > 0 else None


def list_records(
    db: sqlite_utils.Database, kind: Kind, actor: Actor, q: str = "", organization_id: str = "", offset: int = 0
) -> Listing:
    org_column, select = _QUERIES[kind.table]
    listing = Listing(q=q.strip(), offset=max(0, offset), mine_only=actor.role in ("editor", "publisher"))
    listing.organizations = organization_options(db, actor) if listing.mine_only else _all_organizations(db)
    allowed = {o.id for o in listing.organizations}
    where, params = [], []
    if organization_id and organization_id in allowed:
        listing.organization_id = organization_id
        where.append(f"{org_column} = ?")
        params.append(organization_id)
    elif listing.mine_only:
        ids = sorted(allowed)
        where.append(f"{org_column} IN ({', '.join('?' for _ in ids)})")
        params += ids
    if listing.q:
        pattern = f"%{_escape_like(listing.q)}%"
        by_organization = " OR o.name LIKE ? ESCAPE '\\'" if kind.table != "organizations" else ""
        where.append(f"(r.name LIKE ? ESCAPE '\\' OR r.id = ?{by_organization})")
        params += [pattern, listing.q] + ([pattern] if by_organization else [])
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    listing.total = db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    listing.rows = list(db.query(sql + " ORDER BY r.name COLLATE NOCASE LIMIT ? OFFSET ?", [*params, PAGE_SIZE, listing.offset]))
    return listing


def _all_organizations(db: sqlite_utils.Database) -> list[Option]:
    return [Option(oid, name or oid) for oid, name in db.execute("SELECT id, name FROM organizations ORDER BY name")]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
