"""Urgent notices: checked, written with a change-log entry (so phones fetch a new bundle), withdrawn.

The web form and `harbour notices add` both call these functions. A notice is
for everyone, for a category of services, for an area (free text such as a
postcode district) or for one service. Its title and body are in the source
language; translations go through the store's `set_translation` like any text.
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


def create_notice(db: sqlite_utils.Database, data: NoticeInput) -> str:
    columns = check_notice(db, data)
    notice_id = str(uuid.uuid4())
    now = now_iso()
    with db.atomic():
        db.execute(
            "INSERT INTO notices (id, title, body, severity, category_id, area, service_id, starts, ends,"
            " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [notice_id, columns["title"], columns["body"], columns["severity"], columns["category_id"],
             columns["area"], columns["service_id"], columns["starts"], columns["ends"], now, now],
        )
        log_change(db, "notices", notice_id, "insert")
    return notice_id


def get_notice(db: sqlite_utils.Database, notice_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM notices WHERE id = ?", [notice_id]))
    return rows[0] if rows else None


def update_notice(db: sqlite_utils.Database, notice_id: str, data: NoticeInput) -> dict[str, tuple]:
    """Change a notice; returns {column: (before, after)} (empty when nothing changed)."""
    before = get_notice(db, notice_id)
    if before is None:
        raise NoticeError(f"no notice {notice_id}")
    columns = check_notice(db, data)
    if data.starts.strip() == "":
        columns["starts"] = before["starts"]  # an edit that leaves the start blank keeps it
    changed = {k: (before[k], v) for k, v in columns.items() if before[k] != v}
    if not changed:
        return {}
    with db.atomic():
        db.execute(
            f"UPDATE notices SET {', '.join(f'[{k}] = ?' for k in changed)}, updated = ? WHERE id = ?",
            [*(v for _, v in changed.values()), now_iso(), notice_id],
        )
        mark_outdated(db, "notices", notice_id, [k for k in ("title", "body") if k in changed])
        log_change(db, "notices", notice_id, "update")
    return changed


def withdraw_notice(db: sqlite_utils.Database, notice_id: str) -> bool:
    """Take a notice down at once; False when it was not up."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE notices SET withdrawn = ?, updated = ? WHERE id = ? AND withdrawn IS NULL",
            [now_iso(), now_iso(), notice_id],
        )
        if cursor.rowcount == 0:
            return False
        log_change(db, "notices", notice_id, "delete")
    return True


def list_notices(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """{current, upcoming, past, withdrawn}, each newest first."""
    now = now_iso()
    groups: dict[str, list[dict]] = {"current": [], "upcoming": [], "past": [], "withdrawn": []}
    for notice in db.query("SELECT * FROM notices ORDER BY starts DESC, created DESC"):
        if notice["withdrawn"]:
            groups["withdrawn"].append(notice)
        elif notice["starts"] > now:
            groups["upcoming"].append(notice)
        elif notice["ends"] and notice["ends"] <= now:
            groups["past"].append(notice)
        else:
            groups["current"].append(notice)
    return groups


def local_input(stamp: str | None, timezone: str) -> str:
    """A stored UTC time as a datetime-local form value in `timezone` ('' for none)."""
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%dT%H:%M")
