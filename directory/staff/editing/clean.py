"""Staff input is cleaned exactly like a feed's: the same normaliser, the same sanitiser.

So a `<script>` typed into a form or sent to the API ends up as inert as one in a
feed (html.py), phone numbers become E.164, languages get codes, and hours are
checked (schedules.py). Ids that are UUIDs stay as they are; rows without an id
get a stable one derived under the source name "staff".
"""

from __future__ import annotations

import re

import sqlite_utils

from directory.config import Settings
from directory.sync.normalise import CategoryMapper, InvalidRecord, NormaliseContext, normalise_service
from directory.sync.normalise.context import Notes
from directory.sync.normalise.record import _Walk  # the walk behind normalise_service, for other roots
from directory.sync.normalise.validate import check_required

STAFF_FEED = "staff"
# How the normaliser says it threw a value away ("…; dropped", "…; phone dropped").
_DROPPED = re.compile(r";(?: \w+)? dropped$")
ENTITY = {"services": "service", "organizations": "organization", "locations": "location"}


def edit_context(db: sqlite_utils.Database, settings: Settings, feed_name: str = STAFF_FEED) -> NormaliseContext:
    return NormaliseContext(
        feed_name=feed_name,
        region=settings.country,
        timezone=settings.timezone,
        categories=CategoryMapper.from_db(db),
    )


def clean_record(table: str, record: dict, ctx: NormaliseContext) -> tuple[dict, list[str]]:
    """(clean record, warnings); raises InvalidRecord with every reason it cannot be stored.

    A feed's unusable value (a url that is not one, a date that is no date, a phone
    without digits) is dropped with a warning, so the rest of the feed gets in. A
    person typing it is told instead: dropping it would delete the value stored
    before without a word. So every warning that drops something refuses the edit.
    """
    if table == "services":
        result = normalise_service(record, ctx)
        clean, warnings = result.record, result.warnings
    else:
        notes = Notes()
        path = ENTITY[table]
        clean = _Walk(ctx, notes).node(table, record, path) or {}
        check_required(table, clean, path, notes)
        if notes.reasons:
            raise InvalidRecord(notes.reasons, warnings=notes.warnings)
        warnings = notes.warnings
    lost = [w for w in warnings if _DROPPED.search(w)]
    if lost:
        raise InvalidRecord([_DROPPED.sub("; not saved", w) for w in lost], warnings=warnings)
    return clean, warnings


def keep_unchanged(raw: dict, clean: dict, before: dict | None) -> dict:
    """Where the editor left a value exactly as stored, store it exactly as it was.

    Cleaning would otherwise rewrite values nobody touched (a phone stored as
    "+44 1632 960579" becoming "+441632960579", an attribute getting a new id),
    and the audit trail would blame the editor for them. Only values identical to
    what is already stored skip cleaning, so nothing new gets in uncleaned.
    """
    if not before:
        return clean
    clean = dict(clean)
    for key, value in raw.items():
        stored = before.get(key)
        if key not in clean or value != stored:
            continue
        if not isinstance(value, list):
            clean[key] = stored
    for key, rows in clean.items():
        if not isinstance(rows, list) or not isinstance(raw.get(key), list):
            continue
        stored_by_id = {r.get("id"): r for r in before.get(key) or [] if isinstance(r, dict)}
        untouched = {
            r["id"]: stored_by_id[r["id"]]
            for r in raw[key]
            if isinstance(r, dict) and r.get("id") in stored_by_id and r == stored_by_id[r["id"]]
        }
        by_term = {r.get("taxonomy_term_id"): r for r in untouched.values() if r.get("taxonomy_term_id")}
        clean[key] = [
            untouched.get(row.get("id")) or (by_term.get(row.get("taxonomy_term_id")) if key == "attributes" else None) or row
            for row in rows
        ]
    return clean
