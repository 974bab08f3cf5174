"""The choices a form offers: taxonomy checkboxes, locations to link, organizations to pick."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from directory.staff.auth import Actor


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    group: str = ""  # a category's parent, shown as a heading


def term_options(db: sqlite_utils.Database) -> dict[str, list[Option]]:
    """{"category": […], "attribute": […]} from the Harbour taxonomy, in display order."""
    found: dict[str, list[Option]] = {"category": [], "attribute": []}
    for term_id, name, kind, parent_name in db.execute(
        "SELECT t.id, t.name, d.kind, p.name FROM taxonomy_terms t"
        " JOIN term_details d ON d.term_id = t.id LEFT JOIN taxonomy_terms p ON p.id = t.parent_id"
        " ORDER BY d.kind, d.sort_order, t.name"
    ).fetchall():
        group = (parent_name or name) if kind == "category" else ""
        found.setdefault(kind, []).append(Option(term_id, name or term_id, group))
    return found


def location_options(db: sqlite_utils.Database, organization_ids: list[str], linked: list[str]) -> list[Option]:
    """The organizations' locations, plus any already linked (a service can meet at a partner's site)."""
    ids = list(dict.fromkeys([*organization_ids]))
    rows = db.execute(
        f"SELECT l.id, coalesce(l.name, l.id), coalesce(a.address_1, '') FROM locations l"
        f" LEFT JOIN addresses a ON a.id = (SELECT id FROM addresses WHERE location_id = l.id ORDER BY rowid LIMIT 1)"
        f" WHERE l.organization_id IN ({', '.join('?' for _ in ids)})"
        f" OR l.id IN ({', '.join('?' for _ in linked)}) ORDER BY 2",
        [*ids, *linked],
    ).fetchall()
    return [Option(lid, f"{name} — {street}" if street else name) for lid, name, street in rows]


def organization_options(db: sqlite_utils.Database, actor: Actor) -> list[Option]:
    """Organizations the actor may put records under (all of them for an admin)."""
    if actor.role == "admin":
        rows = db.execute("SELECT id, name FROM organizations ORDER BY name").fetchall()
    else:
        ids = sorted(actor.organizations)
        rows = db.execute(
            f"SELECT id, name FROM organizations WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY name", ids
        ).fetchall()
    return [Option(oid, name or oid) for oid, name in rows]


def organization_name(db: sqlite_utils.Database, organization_id: str | None) -> str:
    row = db.execute("SELECT name FROM organizations WHERE id = ?", [organization_id]).fetchone()
    return row[0] if row else ""
