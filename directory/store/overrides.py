"""Staff edits win over feeds.

When a staff member changes a field of a record that a feed brings, the field
keeps their value while the feed keeps sending the value it had (the "upstream"
value at the time of the edit). When upstream changes that field, nothing is
overwritten: a conflict (old upstream, local, new upstream) goes to the review
queue. A field is one of the record's own columns (a service's name,
description, status, e-mail…) or one of its child lists as a whole (its phones,
its schedules, its languages…): staff who correct a service's opening hours keep
them, and a feed that later changes its hours raises a conflict instead.
"""

from __future__ import annotations

import json
from functools import cache

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.nested import CHILDREN, REFERENCES, is_link_column
from directory.hsds.tables import hsds_tables
from directory.store.review import open_review

REFERENCE_KEYS = frozenset(r.key for refs in REFERENCES.values() for r in refs) | {"metadata"}


@cache
def child_keys(table: str) -> frozenset[str]:
    """The keys of a nested record of `table` that hold lists of its own child records."""
    return frozenset(child.key for child in CHILDREN.get(table, ()))


def record_override(
    private: sqlite_utils.Database, table: str, record_id: str, field: str, local: object, upstream: object
) -> None:
    private.execute(
        "INSERT INTO field_overrides (table_name, record_id, field, local_value, upstream_value, set_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, field) DO UPDATE SET"
        " local_value = excluded.local_value, set_at = excluded.set_at",
        [table, record_id, field, json.dumps(local), json.dumps(upstream), now_iso()],
    )


def record_edit_overrides(
    private: sqlite_utils.Database, table: str, before: dict, after: dict, changed: list[str]
) -> None:
    """A staff edit of a record a feed brings: each changed field, column or child list, keeps the staff value."""
    columns = set(hsds_tables()[table].columns)
    for name in changed:
        if (name in columns and name != "id") or name in child_keys(table):
            record_override(private, table, before["id"], name, after.get(name), before.get(name))


def overrides_for(private: sqlite_utils.Database, table: str, record_id: str) -> dict[str, tuple]:
    """{field: (local value, upstream value at the time of the edit)}."""
    return {
        field: (json.loads(local), json.loads(upstream))
        for field, local, upstream in private.execute(
            "SELECT field, local_value, upstream_value FROM field_overrides WHERE table_name = ? AND record_id = ?",
            [table, record_id],
        )
    }


def overridden_ids(private: sqlite_utils.Database, table: str) -> set[str]:
    """Ids of the records of `table` that carry a staff override (read once a sync run)."""
    return {
        record_id
        for (record_id,) in private.execute(
            "SELECT DISTINCT record_id FROM field_overrides WHERE table_name = ?", [table]
        ).fetchall()
    }


def apply_overrides(private: sqlite_utils.Database, table: str, record: dict, source: str) -> int:
    """Put staff values into an incoming record; queue a conflict where upstream moved on.

    A child list the feed leaves out says nothing about it (HSDS: an absent key
    leaves those rows alone), so it raises no conflict. Returns the number of
    conflicts opened.
    """
    opened = 0
    for field, (local, upstream) in overrides_for(private, table, record["id"]).items():
        incoming = record.get(field)
        if field in child_keys(table):
            if incoming is not None and not same_children(incoming, upstream):
                details = {"field": field, "old": upstream, "local": local, "new": incoming, "source": source}
                opened += open_review(private, "conflict", table, record["id"], details)
            record[field] = local or []
            continue
        if incoming != upstream:
            details = {"field": field, "old": upstream, "local": local, "new": incoming, "source": source}
            opened += open_review(private, "conflict", table, record["id"], details)
        if local is None:
            record.pop(field, None)
        else:
            record[field] = local
    return opened


def same_children(incoming: object, upstream: object) -> bool:
    """Whether two child lists say the same, one as a feed sends it and one as the directory stores it.

    Links to the parent, nested shared records, empty values, number types and the
    order of the items do not count.
    """
    return _canonical(incoming or []) == _canonical(upstream or [])


def _canonical(value: object) -> object:
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=repr)
    if isinstance(value, dict):
        return {
            k: _canonical(v)
            for k, v in sorted(value.items())
            if v not in (None, "", []) and k not in REFERENCE_KEYS and (k == "id" or not is_link_column(k))
        }
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value
