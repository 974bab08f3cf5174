"""The audit trail: who changed which record, which fields, from what to what, and when.

It lives in private.db because it names people (the actor's e-mail). The public
side of the same change is the HSDS `metadata` rows the store writes, which name
only a role (`staff:editor`). Only admins read the trail (/staff/audit, /api/audit).
"""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso
from directory.staff.auth import Actor
from directory.staff.editing.versions import changed_fields

PAGE_SIZE = 100


def record_change(
    private: sqlite_utils.Database, actor: Actor, table: str, record_id: str, before: dict | None, after: dict | None
) -> int | None:
    """Write one audit row for the fields that differ; None when nothing changed."""
    before, after = before or {}, after or {}
    fields = changed_fields(before, after)
    if not fields:
        return None
    cursor = private.execute(
        "INSERT INTO audit_log (at, actor, table_name, record_id, fields, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            now_iso(),
            actor.email,
            table,
            record_id,
            json.dumps(fields),
            _json({f: before.get(f) for f in fields}),
            _json({f: after.get(f) for f in fields}),
        ],
    )
    return cursor.lastrowid


def audit_entries(
    private: sqlite_utils.Database,
    *,
    record_id: str | None = None,
    actor: str | None = None,
    table: str | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[dict]:
    """The newest entries first, optionally for one record, one person or one table."""
    where, params = [], []
    for column, value in (("record_id", record_id), ("actor", actor), ("table_name", table)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if before_id:
        where.append("id < ?")
        params.append(before_id)
    sql = "SELECT id, at, actor, table_name, record_id, fields, before, after FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    rows = list(private.query(sql, [*params, limit]))
    for row in rows:
        for column in ("fields", "before", "after"):
            row[column] = json.loads(row[column]) if row[column] else None
    return rows


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
