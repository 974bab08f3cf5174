"""What is missing or outdated in each language, and one record's texts side by side.

A (record, field) pair needs work in a language when the source text is there and
the translation is absent (missing) or was written for an older source (outdated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from directory.staff.translate.fields import HIDDEN, TRANSLATABLE, label_column


@dataclass
class Work:
    """One record's fields that need a translator in one language."""

    table: str
    record_id: str
    label: str
    missing: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Side:
    """One field of one record: the source text and its translation, side by side."""

    field: str
    source: str
    text: str | None
    status: str | None  # human | machine | outdated | source, None when missing


def _pairs_sql(table: str) -> str:
    """(record_id, label, field) for every source text of `table` readers can see."""
    selects = [
        f"SELECT id AS record_id, [{label_column(table)}] AS label, '{name}' AS field FROM [{table}]"
        f" WHERE trim(coalesce([{name}], '')) != '' AND NOT ({HIDDEN[table]})"
        for name in TRANSLATABLE[table]
    ]
    return " UNION ALL ".join(selects)


def _state_sql(table: str) -> str:
    return f"""SELECT p.record_id, p.label, p.field, t.status
               FROM ({_pairs_sql(table)}) p
               LEFT JOIN translations t ON t.table_name = '{table}' AND t.record_id = p.record_id
                    AND t.field = p.field AND t.language = ?"""


def worklist(db: sqlite_utils.Database, language: str, table: str | None = None) -> list[Work]:
    """Records with a missing or outdated field in `language`, outdated first (they were read before)."""
    found: dict[tuple[str, str], Work] = {}
    for name in [table] if table else TRANSLATABLE:
        sql = f"SELECT * FROM ({_state_sql(name)}) WHERE status IS NULL OR status = 'outdated'"
        for record_id, label, field_name, status in db.execute(sql, [language]).fetchall():
            work = found.setdefault((name, record_id), Work(name, record_id, label or record_id))
            (work.outdated if status == "outdated" else work.missing).append(field_name)
    order = {name: n for n, name in enumerate(TRANSLATABLE)}
    return sorted(found.values(), key=lambda w: (not w.outdated, order[w.table], w.label.casefold()))


def completeness(db: sqlite_utils.Database, language: str) -> dict[str, int]:
    """{total, current, outdated, missing} source texts across every translatable table."""
    counts = {"total": 0, "current": 0, "outdated": 0, "missing": 0}
    for name in TRANSLATABLE:
        for status, count in db.execute(
            f"SELECT status, count(*) FROM ({_state_sql(name)}) GROUP BY status", [language]
        ).fetchall():
            counts["total"] += count
            if status is None:
                counts["missing"] += count
            elif status == "outdated":
                counts["outdated"] += count
            else:
                counts["current"] += count
    return counts


def side_by_side(db: sqlite_utils.Database, table: str, record_id: str, language: str) -> list[Side] | None:
    """Each translatable field of a record with its translation; None when there is no such record."""
    names = TRANSLATABLE[table]
    row = db.execute(
        f"SELECT {', '.join(f'[{n}]' for n in names)} FROM [{table}] WHERE id = ?", [record_id]
    ).fetchone()
    if row is None:
        return None
    existing = {
        name: (text, status)
        for name, text, status in db.execute(
            "SELECT field, text, status FROM translations WHERE table_name = ? AND record_id = ? AND language = ?",
            [table, record_id, language],
        )
    }
    return [
        Side(name, source, *existing.get(name, (None, None)))
        for name, source in zip(names, row)
        if isinstance(source, str) and source.strip()
    ]


def record_label(db: sqlite_utils.Database, table: str, record_id: str) -> str | None:
    """The record's name or title ('' when it has none); None when there is no such record."""
    row = db.execute(f"SELECT [{label_column(table)}] FROM [{table}] WHERE id = ?", [record_id]).fetchone()
    return (row[0] or "") if row else None


def service_organization(db: sqlite_utils.Database, service_id: str) -> str | None:
    row = db.execute("SELECT organization_id FROM services WHERE id = ?", [service_id]).fetchone()
    return row[0] if row else None
