"""Staff edits win over feeds.

When a staff member changes a field of a record that a feed brings, the field
keeps their value while the feed keeps sending the value it had (the "upstream"
value at the time of the edit). When upstream changes that field, nothing is
overwritten: a conflict (old upstream, local, new upstream) goes to the review
queue. Fields here are the record's own top-level fields (a service's name,
description, status, e-mail…).
"""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso
from directory.store.review import open_review


def record_override(
    private: sqlite_utils.Database, table: str, record_id: str, field: str, local: object, upstream: object
) -> None:
    private.execute(
        "INSERT INTO field_overrides (table_name, record_id, field, local_value, upstream_value, set_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, field) DO UPDATE SET"
        " local_value = excluded.local_value, set_at = excluded.set_at",
        [table, record_id, field, json.dumps(local), json.dumps(upstream), now_iso()],
    )


def overrides_for(private: sqlite_utils.Database, table: str, record_id: str) -> dict[str, tuple]:
    """{field: (local value, upstream value at the time of the edit)}."""
    return {
        field: (json.loads(local), json.loads(upstream))
        for field, local, upstream in private.execute(
            "SELECT field, local_value, upstream_value FROM field_overrides WHERE table_name = ? AND record_id = ?",
            [table, record_id],
        )
    }


def apply_overrides(private: sqlite_utils.Database, table: str, record: dict, source: str) -> int:
    """Put staff values into an incoming record; queue a conflict where upstream moved on.

    Returns the number of conflicts opened.
    """
    opened = 0
    for field, (local, upstream) in overrides_for(private, table, record["id"]).items():
        incoming = record.get(field)
        if incoming != upstream:
            details = {"field": field, "old": upstream, "local": local, "new": incoming, "source": source}
            opened += open_review(private, "conflict", table, record["id"], details)
        if local is None:
            record.pop(field, None)
        else:
            record[field] = local
    return opened
