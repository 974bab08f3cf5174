"""What the verification dashboard counts, read straight from the two databases.

Each function takes the database handle and returns plain rows, so the page,
the tests and any future report agree on one definition of "stale" or "failed".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlite_utils

# A listing still shown to the public: some source still lists it (see the service_directory view).
LISTED = """s.id NOT IN (SELECT record_id FROM provenance WHERE table_name = 'services'
                         GROUP BY record_id HAVING count(deleted_at) = count(*))"""

# Months since verification, as the chart groups them: (label, lowest month, highest month).
AGE_BANDS = (
    ("Under 3 months", 0, 2),
    ("3 to 5 months", 3, 5),
    ("6 to 11 months", 6, 11),
    ("12 to 23 months", 12, 23),
    ("2 years or more", 24, None),
)
NEVER = "Never verified"


@dataclass(frozen=True)
class Listing:
    id: str
    name: str
    organization_id: str
    organization: str
    assured_date: str | None
    months: int | None  # whole months since assured_date; None when never verified


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (0 within the first month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None  # a feed's odd date counts as never verified


def listings(db: sqlite_utils.Database, today: date, organizations: set[str] | None = None) -> list[Listing]:
    """Every listed service with how long ago it was verified, oldest (or never) first."""
    sql = f"""SELECT s.id, s.name, s.organization_id, o.name, s.assured_date
              FROM services s JOIN organizations o ON o.id = s.organization_id WHERE {LISTED}"""
    rows = []
    for service_id, name, org_id, org_name, assured in db.execute(sql).fetchall():
        if organizations is not None and org_id not in organizations:
            continue
        verified = _parse_date(assured)
        months = months_between(verified, today) if verified else None
        rows.append(Listing(service_id, name, org_id, org_name, assured, months))
    rows.sort(key=lambda r: (r.months is not None, -(r.months or 0), r.name))
    return rows


def not_verified_for(rows: list[Listing], months: int) -> list[Listing]:
    return [r for r in rows if r.months is None or r.months >= months]


def age_bands(rows: list[Listing]) -> list[tuple[str, int]]:
    counts = []
    for label, low, high in AGE_BANDS:
        counts.append((label, sum(1 for r in rows if r.months is not None and r.months >= low
                                  and (high is None or r.months <= high))))
    counts.append((NEVER, sum(1 for r in rows if r.months is None)))
    return counts


def services_per_category(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """Listed services under each top-level category (a service in two sub-categories counts once)."""
    return [
        (row[0], row[1])
        for row in db.execute(
            f"""SELECT coalesce(parent.name, term.name) AS category, count(DISTINCT s.id)
                FROM services s
                JOIN attributes a ON a.link_id = s.id
                JOIN taxonomy_terms term ON term.id = a.taxonomy_term_id
                JOIN term_details d ON d.term_id = term.id AND d.kind = 'category'
                LEFT JOIN taxonomy_terms parent ON parent.id = term.parent_id
                WHERE {LISTED}
                GROUP BY category ORDER BY count(DISTINCT s.id) DESC, category"""
        )
    ]


def failed_feeds(db: sqlite_utils.Database) -> list[dict]:
    """Feeds whose latest run failed or was flagged (a listing that shrank is not believed)."""
    return list(
        db.query(
            """SELECT f.name, f.publisher_id, r.result, r.finished, r.message, r.fetched, f.services
               FROM feeds f JOIN sync_runs r ON r.id = (SELECT max(id) FROM sync_runs WHERE feed = f.name)
               WHERE r.result IN ('failed', 'flagged') ORDER BY f.name"""
        )
    )


def quarantine_rows(private: sqlite_utils.Database, sources: set[str] | None = None, limit: int = 50) -> list[dict]:
    """Records set aside, newest first, with their reasons and a name to recognise them by."""
    sql = "SELECT id, source, source_id, raw, reasons, at FROM quarantine"
    params: list = []
    if sources is not None:
        if not sources:
            return []
        sql += f" WHERE source IN ({', '.join('?' for _ in sources)})"
        params += sorted(sources)
    rows = list(private.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]))
    for row in rows:
        row["reasons"] = json.loads(row["reasons"])
        row["name"] = raw_name(row.pop("raw"))
    return rows


def quarantine_count(private: sqlite_utils.Database) -> int:
    return private.execute("SELECT count(*) FROM quarantine").fetchone()[0]


def raw_name(raw_text: str) -> str:
    """The name a set-aside record goes by, as its source sent it, if it had one."""
    try:
        raw = json.loads(raw_text)
    except ValueError:
        return ""
    if isinstance(raw, dict):
        for key in ("name", "Service", "service", "title", "#org+name"):
            value = raw.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        for key, value in raw.items():  # a spreadsheet row: its first filled cell that reads like a name
            if isinstance(value, str) and "name" in str(key).lower() and value.strip():
                return value.strip()
    return ""


def review_counts(private: sqlite_utils.Database) -> dict[str, int]:
    counts = {"conflict": 0, "duplicate": 0, "placeholder_organization": 0}
    for kind, count in private.execute(
        "SELECT kind, count(*) FROM review_queue WHERE closed IS NULL GROUP BY kind"
    ).fetchall():
        counts[kind] = count
    return counts
