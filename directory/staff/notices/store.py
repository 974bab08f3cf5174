"""Urgent notices: checked, written with a change-log entry (so phones fetch a new bundle), withdrawn.

The web form and `harbour notices add` both call these functions. A notice is
for everyone, for a category of services, for an area (free text such as a
postcode district) or for one service. Its title and body are in the source
language; translations go through the store's `set_translation` like any text.

A notice that starts later is not public yet: anyone may read any row of directory.db
(SQL at /data/), so it waits in private.db (`scheduled_notices`) and is published into
directory.db when its start comes (`publish_due_notices`, called by the push
dispatcher, which sends it at that moment too). Every function here takes `private`
for that; a notice posted to start now goes straight to directory.db.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from directory.clock import now_iso
from directory.store.changes import log_change
from directory.store.translations import mark_outdated, sanitise

SEVERITIES = ("info", "warning", "urgent")
TARGETS = ("everyone", "category", "area", "service")
TITLE_LIMIT = 140
COLUMNS = ("id", "title", "body", "severity", "category_id", "area", "service_id", "starts", "ends", "created",
           "updated", "withdrawn")  # fmt: skip
# In private.db, made when first needed: the notices table's columns, for notices not started yet.
SCHEDULED_TABLE = """CREATE TABLE IF NOT EXISTS scheduled_notices (
    id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, severity TEXT NOT NULL,
    category_id TEXT, area TEXT, service_id TEXT, starts TEXT NOT NULL, ends TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, withdrawn TEXT)"""
BODY_LIMIT = 2000


class NoticeError(ValueError):
    """Input a notice cannot be made of; the message says which field and why."""


@dataclass
class NoticeInput:
    title: str
    body: str
    severity: str = "info"
    target: str = "everyone"  # everyone | category | area | service
    target_value: str = ""  # term id or code, area text, or service id
    starts: str = ""  # ISO date or date-time; empty: now
    ends: str = ""  # empty: until withdrawn
    timezone: str = "UTC"  # the zone of a time given without one (a form's datetime-local)


def parse_topic(topic: str) -> tuple[str, str]:
    """`notices` | `category:ID` | `area:ID` | `service:ID` → (target, value), as the CLI takes it."""
    if topic in ("", "notices"):
        return "everyone", ""
    kind, _, value = topic.partition(":")
    if kind not in ("category", "area", "service") or not value.strip():
        raise NoticeError(f"topic {topic!r} is not notices, category:ID, area:ID or service:ID")
    return kind, value.strip()


def normalise_time(text: str, field: str, timezone: str = "UTC") -> str | None:
    """A date or date-time from a form or the command line, as UTC ISO 8601; None when empty.

    A time without a zone is local time in `timezone` (what a person means by 09:00)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NoticeError(f"{field}: {text!r} is not a date like 2026-03-01 or 2026-03-01T09:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_notice(db: sqlite_utils.Database, data: NoticeInput) -> dict:
    """The notice's columns, or NoticeError naming every problem."""
    problems = []
    # Sanitised before it is checked or stored, like feed text: nothing raw reaches directory.db.
    title, body = sanitise("notices", "title", data.title), sanitise("notices", "body", data.body)
    if not title:
        problems.append("title: a notice needs a title")
    elif len(title) > TITLE_LIMIT:
        problems.append(f"title: at most {TITLE_LIMIT} characters")
    if not body:
        problems.append("body: a notice needs a message")
    elif len(body) > BODY_LIMIT:
        problems.append(f"body: at most {BODY_LIMIT} characters")
    if data.severity not in SEVERITIES:
        problems.append(f"severity: one of {', '.join(SEVERITIES)}")
    columns = {"title": title, "body": body, "severity": data.severity,
               "category_id": None, "area": None, "service_id": None}
    value = data.target_value.strip()
    if data.target not in TARGETS:
        problems.append(f"target: one of {', '.join(TARGETS)}")
    elif data.target == "category":
        row = db.execute("SELECT id FROM taxonomy_terms WHERE id = ? OR code = ?", [value, value]).fetchone()
        if row is None:
            problems.append(f"category: {value!r} is not a category of the directory")
        else:
            columns["category_id"] = row[0]
    elif data.target == "area":
        if not value:
            problems.append("area: name the area, e.g. a postcode district")
        columns["area"] = value
    elif data.target == "service":
        if db.execute("SELECT 1 FROM services WHERE id = ?", [value]).fetchone() is None:
            problems.append(f"service: {value!r} is not a service of the directory")
        columns["service_id"] = value
    try:
        columns["starts"] = normalise_time(data.starts, "starts", data.timezone) or now_iso()
        columns["ends"] = normalise_time(data.ends, "ends", data.timezone)
        if columns["ends"] and columns["ends"] <= columns["starts"]:
            problems.append("ends: must be after it starts")
    except NoticeError as error:
        problems.append(str(error))
    if problems:
        raise NoticeError("; ".join(problems))
    return columns


def create_notice(db: sqlite_utils.Database, data: NoticeInput, private: sqlite_utils.Database | None = None) -> str:
    """Post a notice: public at once when it starts now, held in private.db when it starts later."""
    columns = check_notice(db, data)
    notice_id = str(uuid.uuid4())
    now = now_iso()
    row = {**columns, "id": notice_id, "created": now, "updated": now, "withdrawn": None}
    if columns["starts"] > now:
        with _scheduled(private).atomic():
            _insert(private, "scheduled_notices", row)
        return notice_id
    with db.atomic():
        _insert(db, "notices", row)
        log_change(db, "notices", notice_id, "insert")
    return notice_id


def get_notice(db: sqlite_utils.Database, notice_id: str, private: sqlite_utils.Database | None = None) -> dict | None:
    """A published notice, or (given `private`) one waiting for its start."""
    rows = list(db.query("SELECT * FROM notices WHERE id = ?", [notice_id]))
    if not rows and private is not None:
        rows = list(_scheduled(private).query("SELECT * FROM scheduled_notices WHERE id = ?", [notice_id]))
    return rows[0] if rows else None


def update_notice(
    db: sqlite_utils.Database, notice_id: str, data: NoticeInput, private: sqlite_utils.Database | None = None
) -> dict[str, tuple]:
    """Change a notice; returns {column: (before, after)} (empty when nothing changed)."""
    before = get_notice(db, notice_id, private)
    if before is None:
        raise NoticeError(f"no notice {notice_id}")
    columns = check_notice(db, data)
    if data.starts.strip() == "":
        columns["starts"] = before["starts"]  # an edit that leaves the start blank keeps it
    changed = {k: (before[k], v) for k, v in columns.items() if before[k] != v}
    if not changed:
        return {}
    now = now_iso()
    published = get_notice(db, notice_id) is not None
    if published and columns["starts"] > now:
        raise NoticeError("starts: this notice is showing already; withdraw it and post a new one to show later")
    sets = f"{', '.join(f'[{k}] = ?' for k in changed)}, updated = ?"
    values = [*(v for _, v in changed.values()), now, notice_id]
    if not published:
        with private.atomic():
            private.execute(f"UPDATE scheduled_notices SET {sets} WHERE id = ?", values)
        publish_due_notices(db, private)  # moved to start now: it is public from this moment
        return changed
    with db.atomic():
        db.execute(f"UPDATE notices SET {sets} WHERE id = ?", values)
        mark_outdated(db, "notices", notice_id, [k for k in ("title", "body") if k in changed])
        log_change(db, "notices", notice_id, "update")
    return changed


def withdraw_notice(db: sqlite_utils.Database, notice_id: str, private: sqlite_utils.Database | None = None) -> bool:
    """Take a notice down at once (one not started yet never shows); False when it was not up."""
    if private is not None and get_notice(db, notice_id) is None:
        with _scheduled(private).atomic():
            cursor = private.execute(
                "UPDATE scheduled_notices SET withdrawn = ?, updated = ? WHERE id = ? AND withdrawn IS NULL",
                [now_iso(), now_iso(), notice_id],
            )
        return cursor.rowcount == 1
    with db.atomic():
        cursor = db.execute(
            "UPDATE notices SET withdrawn = ?, updated = ? WHERE id = ? AND withdrawn IS NULL",
            [now_iso(), now_iso(), notice_id],
        )
        if cursor.rowcount == 0:
            return False
        log_change(db, "notices", notice_id, "delete")
    return True


def list_notices(db: sqlite_utils.Database, private: sqlite_utils.Database | None = None) -> dict[str, list[dict]]:
    """{current, upcoming, past, withdrawn}, each newest first."""
    now = now_iso()
    groups: dict[str, list[dict]] = {"current": [], "upcoming": [], "past": [], "withdrawn": []}
    notices = list(db.query("SELECT * FROM notices"))
    if private is not None:
        notices += _scheduled(private).query("SELECT * FROM scheduled_notices")
    for notice in sorted(notices, key=lambda n: (n["starts"], n["created"]), reverse=True):
        if notice["withdrawn"]:
            groups["withdrawn"].append(notice)
        elif notice["starts"] > now:
            groups["upcoming"].append(notice)
        elif notice["ends"] and notice["ends"] <= now:
            groups["past"].append(notice)
        else:
            groups["current"].append(notice)
    return groups


def publish_due_notices(db: sqlite_utils.Database, private: sqlite_utils.Database) -> list[str]:
    """Move the scheduled notices whose start has come into directory.db; returns their ids.

    Written to directory.db first, then taken out of private.db: a crash between the two
    leaves a copy the next call finds published already, never a notice lost.
    """
    due = list(_scheduled(private).query(
        "SELECT * FROM scheduled_notices WHERE withdrawn IS NULL AND starts <= ? ORDER BY starts, id", [now_iso()]))
    for row in due:
        with db.atomic():
            if _insert(db, "notices", row, keep_existing=True):
                log_change(db, "notices", row["id"], "insert")
        with private.atomic():
            private.execute("DELETE FROM scheduled_notices WHERE id = ?", [row["id"]])
    return [row["id"] for row in due]


def _scheduled(private: sqlite_utils.Database | None) -> sqlite_utils.Database:
    if private is None:  # a caller's mistake, not a reader's: say what is missing
        raise TypeError("notices that start later are kept in private.db: pass `private`")
    private.execute(SCHEDULED_TABLE)
    return private


def _insert(db: sqlite_utils.Database, table: str, row: dict, keep_existing: bool = False) -> bool:
    conflict = " ON CONFLICT (id) DO NOTHING" if keep_existing else ""
    cursor = db.execute(
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}){conflict}",
        [row.get(column) for column in COLUMNS],
    )
    return cursor.rowcount == 1


def local_input(stamp: str | None, timezone: str) -> str:
    """A stored UTC time as a datetime-local form value in `timezone` ('' for none)."""
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%dT%H:%M")
