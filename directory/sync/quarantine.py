"""Records a run could not land: kept in private.db with their raw form and every reason."""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso
from directory.sync.problems import Problem


def quarantine(
    private: sqlite_utils.Database, source: str, source_id: str | None, raw: object, reasons: list[str], run_id: int | None
) -> None:
    """Keep the latest bad version of a record; an older one for the same source id goes."""
    with private.atomic():
        if source_id is not None:
            private.execute("DELETE FROM quarantine WHERE source = ? AND source_id = ?", [source, source_id])
        private.execute(
            "INSERT INTO quarantine (source, source_id, raw, reasons, at, run_id) VALUES (?, ?, ?, ?, ?, ?)",
            [source, source_id, json.dumps(raw, ensure_ascii=False, default=str), json.dumps(reasons), now_iso(), run_id],
        )


def set_aside(
    private: sqlite_utils.Database,
    source: str,
    report,
    source_id: str | None,
    raw: object,
    reasons: list[str],
    file: str | None = None,
    line: int | None = None,
) -> None:
    """A record or row that did not land: quarantined, counted, and one `set_aside` problem in the report.

    The one place a run sets something aside (`report` is its RunReport), so the count,
    the quarantine and the publisher's report always agree.
    """
    quarantine(private, source, source_id, raw, reasons, report.run_id)
    report.quarantined += 1
    what = "; ".join(str(reason) for reason in reasons) or "unreadable"
    report.problems.add(Problem("set_aside", f"{what} — set aside", file=file, line=line, record=source_id))


def release(private: sqlite_utils.Database, source: str, source_ids: list[str]) -> None:
    """These records landed this time: they are no longer in quarantine."""
    for start in range(0, len(source_ids), 500):
        chunk = source_ids[start : start + 500]
        private.execute(
            f"DELETE FROM quarantine WHERE source = ? AND source_id IN ({', '.join('?' for _ in chunk)})",
            [source, *chunk],
        )


def quarantined(private: sqlite_utils.Database, source: str | None = None) -> list[dict]:
    sql = "SELECT id, source, source_id, raw, reasons, at, run_id FROM quarantine"
    params: list = []
    if source:
        sql += " WHERE source = ?"
        params.append(source)
    rows = list(private.query(sql + " ORDER BY id", params))
    for row in rows:
        row["reasons"] = json.loads(row["reasons"])
        row["raw"] = json.loads(row["raw"])
    return rows
