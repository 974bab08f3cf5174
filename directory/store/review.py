"""The review queue in private.db: conflicts, possible duplicates and placeholder organizations for a human to decide."""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso

KINDS = ("conflict", "duplicate", "placeholder_organization")


def open_review(private: sqlite_utils.Database, kind: str, table: str, record_id: str, details: dict) -> bool:
    """Queue an item unless the same one is already open; returns whether one was opened."""
    if kind not in KINDS:
        raise ValueError(f"review kind must be one of {KINDS}")
    text = json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)
    exists = private.execute(
        "SELECT 1 FROM review_queue WHERE kind = ? AND table_name = ? AND record_id = ? AND details = ?"
        " AND closed IS NULL",
        [kind, table, record_id, text],
    ).fetchone()
    if exists:
        return False
    private.execute(
        "INSERT INTO review_queue (kind, table_name, record_id, details, opened) VALUES (?, ?, ?, ?, ?)",
        [kind, table, record_id, text, now_iso()],
    )
    return True


def open_items(private: sqlite_utils.Database, kind: str | None = None) -> list[dict]:
    sql = "SELECT * FROM review_queue WHERE closed IS NULL"
    params: list = []
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    items = list(private.query(sql + " ORDER BY id", params))
    for item in items:
        item["details"] = json.loads(item["details"])
    return items


def close_review(private: sqlite_utils.Database, item_id: int, resolution: str) -> None:
    private.execute(
        "UPDATE review_queue SET closed = ?, resolution = ? WHERE id = ? AND closed IS NULL",
        [now_iso(), resolution, item_id],
    )
