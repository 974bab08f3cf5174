"""Keeps `services_fts` in step with services and their translations."""

from __future__ import annotations

import sqlite_utils


def refresh_service_search(db: sqlite_utils.Database, service_id: str, new: bool = False) -> None:
    """Re-index one service; `new` (just created, so neither indexed nor translated) skips two look-ups."""
    row = db.execute("SELECT rowid, name, description FROM services WHERE id = ?", [service_id]).fetchone()
    if row is None:
        return
    rowid, name, description = row
    translated = None
    if not new:
        translated = db.execute(
            "SELECT group_concat(text, ' ') FROM translations WHERE table_name = 'services' AND record_id = ?",
            [service_id],
        ).fetchone()[0]
        db.execute("DELETE FROM services_fts WHERE rowid = ?", [rowid])
    db.execute(
        "INSERT INTO services_fts (rowid, name, description, translations) VALUES (?, ?, ?, ?)",
        [rowid, name, description or "", translated or ""],
    )


def forget_service_search(db: sqlite_utils.Database, service_id: str) -> None:
    db.execute("DELETE FROM services_fts WHERE rowid = (SELECT rowid FROM services WHERE id = ?)", [service_id])
