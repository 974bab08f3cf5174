"""Translations of record text, with their status.

`source` is the text in the instance's source language; `human` and `machine` are
translations; a change to the source text makes them `outdated` (still shown, as
a fallback beats a blank, but flagged for translators).

Every text is sanitised here, on its way in, the way feed text is (`sanitise`): the
translation form, imports and notices all write through this module, so what is
stored is safe to publish as it is (bundles, /hsds/?lang=, Datasette's JSON).
"""

from __future__ import annotations

import sqlite_utils

from directory.clock import now_iso
from directory.db.directory_schema import TRANSLATION_STATUSES
from directory.store.changes import log_change
from directory.store.search_index import refresh_service_search
from directory.sync.normalise.html import clean_plain, clean_text

# A notice's body keeps its line breaks (it is shown as plain text); its title is one line.
NOTICE_MULTILINE = frozenset({"body"})


def sanitise(table: str, field: str, text: str) -> str:
    """`text` as it may be stored: the feeds' allow-list for rich fields, plain text for the rest."""
    if table == "notices":
        return clean_plain(text, collapse=field not in NOTICE_MULTILINE)
    return clean_text(field, text)


def set_translation(
    db: sqlite_utils.Database,
    table: str,
    record_id: str,
    field: str,
    language: str,
    text: str,
    status: str = "human",
) -> bool:
    """Store one translated field; returns whether anything changed."""
    if status not in TRANSLATION_STATUSES:
        raise ValueError(f"translation status must be one of {', '.join(TRANSLATION_STATUSES)}, not {status!r}")
    if not text or not text.strip():
        raise ValueError(f"translation of {table}.{field} for {record_id} into {language} is empty")
    text = sanitise(table, field, text)
    if not text:
        raise ValueError(
            f"translation of {table}.{field} for {record_id} into {language} has no text once its markup is removed"
        )
    existing = db.execute(
        "SELECT text, status FROM translations WHERE table_name = ? AND record_id = ? AND field = ? AND language = ?",
        [table, record_id, field, language],
    ).fetchone()
    if existing == (text, status):
        return False
    with db.atomic():
        db.execute(
            "INSERT INTO translations (table_name, record_id, field, language, text, status, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, field, language)"
            " DO UPDATE SET text = excluded.text, status = excluded.status, updated = excluded.updated",
            [table, record_id, field, language, text, status, now_iso()],
        )
        log_change(db, table, record_id, "update")
        if table == "services":
            refresh_service_search(db, record_id)
    return True


def mark_outdated(db: sqlite_utils.Database, table: str, record_id: str, fields: list[str]) -> None:
    """The source text of these fields changed: their translations no longer say the same."""
    if not fields:
        return
    db.execute(
        f"UPDATE translations SET status = 'outdated', updated = ? WHERE table_name = ? AND record_id = ?"
        f" AND status IN ('human', 'machine') AND field IN ({', '.join('?' for _ in fields)})",
        [now_iso(), table, record_id, *fields],
    )
