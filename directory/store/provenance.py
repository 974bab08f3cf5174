"""Provenance rows: which source a record came from, under which id, with which fingerprint."""

from __future__ import annotations

import sqlite_utils

UPSERT = (
    "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, source) DO UPDATE SET"
    " content_hash = excluded.content_hash, last_seen = excluded.last_seen, deleted_at = NULL,"
    " source_id = coalesce(excluded.source_id, provenance.source_id)"
)


def provenance_params(table: str, record_id: str, source: str, source_id: str | None, digest: str, now: str) -> list:
    return [table, record_id, source, source_id or record_id, digest, now, now]


def touch_provenance(db: sqlite_utils.Database, table: str, record_id: str, source: str, now: str) -> None:
    db.execute(
        "UPDATE provenance SET last_seen = ? WHERE table_name = ? AND record_id = ? AND source = ?",
        [now, table, record_id, source],
    )


def upsert_provenance(db: sqlite_utils.Database, rows: list[list]) -> None:
    """Rows of `provenance_params(...)`; one statement for any number."""
    db.conn.executemany(UPSERT, rows)
