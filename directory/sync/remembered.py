"""A record's problems, kept with it, so a run that finds it unchanged still reports them.

A run cleans only the records that changed: one it finds unchanged is not walked again,
yet what its last landing repaired or dropped still stands (the
feed still lacks that phone number). So each landed record's problems are kept in
private.db `record_problems` and reported again by every run that finds it unchanged:
a run's report always tells the whole state of the feed, never a silent "ok".
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlite_utils

from directory.sync.problems import Problem

# Kinds that belong to one record's own content. Set-aside records are reported by quarantine, terms
# by feed_terms; a placeholder is not kept, since the real organization may replace it meanwhile
# (the open items on /staff/review list what still stands in).
KEPT_KINDS = ("repaired", "dropped_children")


def remember(private: sqlite_utils.Database, source: str, landed: list, captured: list[Problem]) -> list[Problem]:
    """Keep the problems of the records a page saved; return those of the records it found unchanged."""
    by_record: dict[str, list[Problem]] = defaultdict(list)
    for problem in captured:
        if problem.kind in KEPT_KINDS and problem.record is not None:
            by_record[problem.record].append(problem)
    keep, clear, unchanged = [], [], []
    for item in landed:
        if not item.ok or item.source_id is None:
            continue
        if item.unchanged:
            unchanged.append(item.source_id)
            continue
        problems = by_record.get(item.source_id) or by_record.get(item.seen_as or "")
        if problems:
            keep.append((source, item.source_id, json.dumps([p.as_json() for p in problems])))
        else:
            clear.append((source, item.source_id))
    if keep:
        private.conn.executemany(
            "INSERT INTO record_problems (source, source_id, problems) VALUES (?, ?, ?)"
            " ON CONFLICT (source, source_id) DO UPDATE SET problems = excluded.problems",
            keep,
        )
    if clear and _any_kept(private, source):  # a first sync of a clean feed has nothing to clear
        private.conn.executemany("DELETE FROM record_problems WHERE source = ? AND source_id = ?", clear)
    return recall(private, source, unchanged)


def recall(private: sqlite_utils.Database, source: str, source_ids: list[str]) -> list[Problem]:
    """The kept problems of these records, in their order."""
    if not source_ids or not _any_kept(private, source):
        return []
    found: dict[str, str] = {}
    for start in range(0, len(source_ids), 500):
        chunk = source_ids[start : start + 500]
        found.update(
            private.execute(
                "SELECT source_id, problems FROM record_problems WHERE source = ?"
                f" AND source_id IN ({', '.join('?' * len(chunk))})",
                [source, *chunk],
            ).fetchall()
        )
    return [Problem(**kept) for source_id in source_ids if source_id in found for kept in json.loads(found[source_id])]


def _any_kept(private: sqlite_utils.Database, source: str) -> bool:
    return private.execute("SELECT 1 FROM record_problems WHERE source = ? LIMIT 1", [source]).fetchone() is not None
