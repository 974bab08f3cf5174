"""The feed registry: a feed is registered once and synced again and again.

Public facts (name, format, publisher, licence, last results) go to directory.db's
`feeds`; how to reach it (URL, mapping, interval, private-address permission) to
private.db's `feed_settings`, since a URL can carry a token.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from directory.clock import now_iso
from directory.sync.formats import FORMATS
from directory.sync.guard import check_url

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
INTERVAL_PATTERN = re.compile(r"^(\d+)\s*([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class FeedError(ValueError):
    """Bad feed registration input; one line."""


@dataclass
class Feed:
    name: str
    url: str
    format: str
    mapping: dict | None = None
    every_seconds: int | None = None
    allow_private: bool = False
    publisher_id: str | None = None


def parse_interval(text: str) -> int:
    match = INTERVAL_PATTERN.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise FeedError(f"interval {text!r} is not like 30m, 6h or 1d")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def load_mapping(path: Path) -> dict:
    import yaml

    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FeedError(f"cannot read mapping {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise FeedError(f"mapping {path} is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(mapping, dict):
        raise FeedError(f"mapping {path} must be a YAML mapping of columns to fields")
    return mapping


def add_feed(db: sqlite_utils.Database, private: sqlite_utils.Database, feed: Feed) -> None:
    """Check and register a feed; refuses unsafe URLs unless the feed allows private addresses."""
    if not NAME_PATTERN.match(feed.name):
        raise FeedError(f"feed name {feed.name!r} must be lowercase letters, digits, - or _")
    if feed.format not in FORMATS:
        raise FeedError(f"unknown format {feed.format!r} (one of: {', '.join(sorted(FORMATS))})")
    if feed.format == "csv" and not feed.mapping:
        raise FeedError("the csv format needs --mapping FILE (a YAML mapping of columns to HSDS fields)")
    if private.execute("SELECT 1 FROM feed_settings WHERE name = ?", [feed.name]).fetchone():
        raise FeedError(f"a feed named {feed.name!r} exists already")
    if feed.publisher_id and not db.execute("SELECT 1 FROM organizations WHERE id = ?", [feed.publisher_id]).fetchone():
        raise FeedError(f"publisher {feed.publisher_id} is not an organization in the directory")
    check_url(feed.url, allow_private=feed.allow_private)  # raises UnsafeAddress, a one-line error
    now = now_iso()
    with private.atomic():
        private.execute(
            "INSERT INTO feed_settings (name, url, format, mapping, every_seconds, allow_private, added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [feed.name, feed.url, feed.format, json.dumps(feed.mapping) if feed.mapping else None,
             feed.every_seconds, int(feed.allow_private), now],
        )
        with db.atomic():
            db.execute(
                "INSERT INTO feeds (name, format, publisher_id, added) VALUES (?, ?, ?, ?)",
                [feed.name, feed.format, feed.publisher_id, now],
            )


def get_feed(db: sqlite_utils.Database, private: sqlite_utils.Database, name: str) -> Feed:
    row = private.execute(
        "SELECT name, url, format, mapping, every_seconds, allow_private FROM feed_settings WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        raise FeedError(f"no feed named {name!r} (see 'harbour feeds list')")
    publisher = db.execute("SELECT publisher_id FROM feeds WHERE name = ?", [name]).fetchone()
    return Feed(
        name=row[0], url=row[1], format=row[2], mapping=json.loads(row[3]) if row[3] else None,
        every_seconds=row[4], allow_private=bool(row[5]), publisher_id=publisher[0] if publisher else None,
    )


def feed_names(private: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in private.execute("SELECT name FROM feed_settings ORDER BY name")]


def list_feeds(db: sqlite_utils.Database) -> list[dict]:
    """Name, format, last run, result and counts of the last run, for `harbour feeds list`."""
    return list(
        db.query(
            """SELECT f.name, f.format, f.last_run, f.last_result, f.last_success, f.services,
                      r.fetched, r.created, r.updated, r.unchanged, r.deleted, r.quarantined, r.message
               FROM feeds f LEFT JOIN sync_runs r
                 ON r.id = (SELECT max(id) FROM sync_runs WHERE feed = f.name)
               ORDER BY f.name"""
        )
    )


def remove_feed(db: sqlite_utils.Database, private: sqlite_utils.Database, name: str) -> None:
    """Forget the feed; the records it brought stay, with their provenance."""
    get_feed(db, private, name)
    with private.atomic():
        for table in ("feed_settings", "feed_validators", "feed_pages"):
            column = "name" if table == "feed_settings" else "feed_name"
            private.execute(f"DELETE FROM {table} WHERE {column} = ?", [name])
        with db.atomic():
            db.execute("DELETE FROM sync_runs WHERE feed = ?", [name])
            db.execute("DELETE FROM feeds WHERE name = ?", [name])
