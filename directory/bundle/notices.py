"""The bundle's `notices`: the council's notices, in the bundle's language.

    [{id, title, body, severity, category (term id), area, service (id), starts, ends, fallback}]

Only notices that have started are in directory.db (a scheduled one waits in private.db
until its start, see directory/staff/notices/store.py), so only those reach a bundle;
`starts` still lets the page hide one whose start the phone's clock has not reached.
"""

from __future__ import annotations

from directory.bundle.localiser import Localiser, compact


def localise_notices(rows: list[dict], local: Localiser) -> list[dict]:
    notices = []
    for row in rows:
        text = local.fresh()
        notices.append(
            compact(
                {
                    "id": row["id"],
                    "title": text.text("notices", row, "title", "title"),
                    "body": text.text("notices", row, "body", "body"),
                    "severity": row.get("severity") or "info",
                    "category": row.get("category_id"),
                    "area": row.get("area"),
                    "service": row.get("service_id"),
                    "starts": row.get("starts"),
                    "ends": row.get("ends"),
                    "fallback": sorted(text.fell_back),
                }
            )
        )
    return notices  # in the snapshot's order: by starts, then id (the phone merges deltas the same way)
