"""Server-side sessions: a random cookie value, only its sha256 stored, with a CSRF token.

A session ends at logout, after `session_idle_seconds` without a request, and
`session_max_seconds` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from directory.staff.accounts.policy import Policy
from directory.staff.accounts.users import actor_for
from directory.staff.auth import Actor


@dataclass(frozen=True)
class Session:
    actor: Actor
    csrf_token: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def start_session(db: sqlite_utils.Database, user_id: int, replacing: str | None = None) -> str:
    """A new session for the user; returns the cookie value. Ends the session it replaces."""
    secret = secrets.token_urlsafe(32)
    now = _iso(datetime.now(UTC))
    with db.atomic():
        if replacing:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", [digest(replacing)])
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created, last_seen) VALUES (?, ?, ?, ?, ?)",
            [digest(secret), user_id, secrets.token_urlsafe(32), now, now],
        )
    return secret


def resume_session(db: sqlite_utils.Database, secret: str, policy: Policy) -> Session | None:
    """The live session behind a cookie value, touching its idle clock; None if ended."""
    key = digest(secret)
    row = db.execute("SELECT user_id, csrf_token, created, last_seen FROM sessions WHERE token_hash = ?", [key]).fetchone()
    if row is None:
        return None
    user_id, csrf, created, last_seen = row
    now = datetime.now(UTC)
    idle = (now - _parse(last_seen)).total_seconds()
    age = (now - _parse(created)).total_seconds()
    if idle > policy.session_idle_seconds or age > policy.session_max_seconds:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [key])
        return None
    actor = actor_for(db, user_id, "session")
    if actor is None:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [key])
        return None
    stamp = _iso(now)
    if stamp != last_seen:
        db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [stamp, key])
    return Session(actor, csrf)


def end_session(db: sqlite_utils.Database, secret: str) -> None:
    db.execute("DELETE FROM sessions WHERE token_hash = ?", [digest(secret)])


def prune_sessions(db: sqlite_utils.Database, policy: Policy) -> int:
    """Delete sessions that have expired (called at sign-in)."""
    now = datetime.now(UTC)
    idle_cut = _iso(datetime.fromtimestamp(now.timestamp() - policy.session_idle_seconds, UTC))
    age_cut = _iso(datetime.fromtimestamp(now.timestamp() - policy.session_max_seconds, UTC))
    cursor = db.execute("DELETE FROM sessions WHERE last_seen < ? OR created < ?", [idle_cut, age_cut])
    return cursor.rowcount
