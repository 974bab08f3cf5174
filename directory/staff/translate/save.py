"""Writing a translator's work through the store, one field at a time.

A field left blank is left as it was (a translation is never deleted here: a
fallback beats a blank). An outdated translation the translator confirms as
still right is stored again as `human`, which clears the outdated flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from directory.staff.translate.queries import Side
from directory.store import set_translation


@dataclass(frozen=True)
class Submitted:
    field: str
    text: str
    confirmed: bool = False  # "still correct" ticked for an outdated translation


def save_translations(
    db: sqlite_utils.Database,
    table: str,
    record_id: str,
    language: str,
    sides: list[Side],
    submitted: list[Submitted],
) -> dict[str, tuple[str | None, str]]:
    """Store each changed or confirmed field as a human translation; return {field: (before, after)}."""
    current = {side.field: side for side in sides}
    changed: dict[str, tuple[str | None, str]] = {}
    with db.atomic():
        for item in submitted:
            side = current.get(item.field)
            text = item.text.strip()
            if side is None or not text:
                continue
            if text == side.text and not (side.status == "outdated" and item.confirmed):
                continue
            if set_translation(db, table, record_id, item.field, language, text, "human"):
                changed[item.field] = (side.text, text)
    return changed
