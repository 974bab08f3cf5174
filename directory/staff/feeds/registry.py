"""A publisher's feeds: which they may see, changing one, and its last run told in plain words.

Registering goes through the sync engine's `add_feed` (which refuses private
and loopback addresses); changing the address goes through the same guard. Only
an admin, from the command line, may let a feed reach a private address.
"""

from __future__ import annotations

import json

import sqlite_utils
import yaml

from directory.staff.auth import Actor
from directory.sync.feeds import FeedError, get_feed
from directory.sync.formats import FORMATS
from directory.sync.guard import check_url
from directory.sync.quarantine import quarantined

FORMAT_NAMES = {
    "hsds-json": "HSDS JSON (an API or a file)",
    "hsds-csv": "HSDS CSV datapackage",
    "oruk": "Open Referral UK API",
    "hxl": "HXL spreadsheet",
    "csv": "Any spreadsheet, with a column mapping",
}


def may_manage(actor: Actor, publisher_id: str | None) -> bool:
    """Admins manage every feed; editors and publishers the feeds of their organizations."""
    if actor.role == "admin":
        return True
    return actor.role in ("editor", "publisher") and publisher_id is not None and publisher_id in actor.organizations


def may_see(actor: Actor, publisher_id: str | None) -> bool:
    return actor.role == "viewer" or may_manage(actor, publisher_id)


def visible_feeds(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    """The feeds this person may see, with their organization's name and their last run."""
    feeds = list(db.query(
        """SELECT f.name, f.format, f.publisher_id, o.name AS publisher, f.last_run, f.last_result,
                  f.last_success, f.services, r.fetched, r.created, r.updated, r.unchanged, r.deleted,
                  r.quarantined, r.duplicates, r.message, r.finished, r.result
           FROM feeds f LEFT JOIN organizations o ON o.id = f.publisher_id
           LEFT JOIN sync_runs r ON r.id = (SELECT max(id) FROM sync_runs WHERE feed = f.name)
           ORDER BY f.name"""
    ))  # fmt: skip
    return [feed for feed in feeds if may_see(actor, feed["publisher_id"])]


def parse_mapping_text(text: str) -> dict | None:
    """The YAML column mapping a publisher pasted; None when empty. FeedError when unreadable."""
    if not text.strip():
        return None
    try:
        mapping = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FeedError(f"the mapping is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(mapping, dict):
        raise FeedError("the mapping must be YAML of the form 'column: field' (see the mapping guide)")
    return mapping


def update_feed(
    db: sqlite_utils.Database, private: sqlite_utils.Database, name: str, url: str, fmt: str, mapping: dict | None
) -> list[str]:
    """Change a feed's address, format or mapping; returns what changed. Raises FeedError or FetchError."""
    feed = get_feed(db, private, name)
    if fmt not in FORMATS:
        raise FeedError(f"unknown format {fmt!r} (one of: {', '.join(sorted(FORMATS))})")
    if fmt == "csv" and not mapping:
        raise FeedError("a spreadsheet feed needs a column mapping")
    url = url.strip()
    moved = url != feed.url
    if moved:
        check_url(url, allow_private=False)  # raises UnsafeAddress; a new address never inherits a permission
    changed = [label for label, differs in (("address", moved), ("format", fmt != feed.format),
                                             ("mapping", mapping != feed.mapping)) if differs]  # fmt: skip
    if not changed:
        return []
    with private.atomic():
        private.execute(
            "UPDATE feed_settings SET url = ?, format = ?, mapping = ?, allow_private = ? WHERE name = ?",
            [url, fmt, json.dumps(mapping) if mapping else None, 0 if moved else int(feed.allow_private), name],
        )
        if moved or fmt != feed.format:
            private.execute("DELETE FROM feed_validators WHERE feed_name = ?", [name])  # fetch it whole next time
        with db.atomic():
            db.execute("UPDATE feeds SET format = ? WHERE name = ?", [fmt, name])
    return changed


def recent_runs(db: sqlite_utils.Database, name: str, limit: int = 10) -> list[dict]:
    return list(db.query("SELECT * FROM sync_runs WHERE feed = ? ORDER BY id DESC LIMIT ?", [name, limit]))


def feed_quarantine(private: sqlite_utils.Database, name: str) -> list[dict]:
    """This feed's records that are set aside now, with every reason."""
    rows = quarantined(private, f"feed:{name}")
    for row in rows:
        raw = row["raw"]
        row["label"] = _label(raw) or row["source_id"] or "(a record without an id)"
    return rows


def _label(raw: object) -> str:
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(value, str) and value.strip() and str(key).lower() in ("name", "service", "title"):
                return value.strip()
    return ""


def in_words(run: dict | None) -> list[str]:
    """A run's report as a publisher reads it: what landed, what did not, and why."""
    if run is None:
        return ["This feed has not been run yet."]
    result = run["result"]
    if result == "running":
        return ["A run is under way."]
    if result == "failed":
        return ["The last run failed, so nothing in the directory changed.", f"Why: {run['message'] or 'unknown'}."]
    if result == "not_modified":
        return ["The feed had not changed since the run before, so there was nothing to do."]
    lines = []
    if result == "ok_with_problems":
        lines.append("The last run worked, but some of what the feed sent could not be used as it was: see below.")
    if result == "flagged":
        lines.append(f"The last run was stopped for a person to check: {run['message']}.")
    lines.append(
        f"The last run added {_n(run['created'], 'new service')}, changed {run['updated']}"
        f" and found {run['unchanged']} unchanged."
    )
    if run["deleted"]:
        lines.append(f"{_n(run['deleted'], 'service')} no longer in the feed {'was' if run['deleted'] == 1 else 'were'}"
                     " taken out of the directory.")  # fmt: skip
    if run["duplicates"]:
        lines.append(f"{_n(run['duplicates'], 'service')} looked like listings the directory already has; staff"
                     " will check them or they were joined to those listings.")  # fmt: skip
    if run["quarantined"]:
        lines.append(f"{_n(run['quarantined'], 'record')} could not be used and {'was' if run['quarantined'] == 1 else 'were'}"
                     " set aside. The reasons are listed below: fix them in your data and run the feed again.")  # fmt: skip
    else:
        lines.append("Nothing was set aside.")
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
