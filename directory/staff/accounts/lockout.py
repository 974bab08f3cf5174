"""Lock-out: after LOCKOUT_FAILURES failed sign-ins for one account from one address
within LOCKOUT_WINDOW_SECONDS, further attempts are refused until the oldest of
those failures ages out. Unknown e-mails are counted the same way, so the answer
never tells whether an account exists.
"""

from __future__ import annotations

import hashlib
import time

import sqlite_utils

from directory.staff.accounts.policy import LOCKOUT_FAILURES, LOCKOUT_WINDOW_SECONDS

KEEP_SECONDS = 24 * 3600


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def retry_after(db: sqlite_utils.Database, email: str, address: str, now: float | None = None) -> int:
    """Seconds until this account may be tried again from this address; 0 when not locked."""
    now = time.time() if now is None else now
    rows = db.execute(
        "SELECT at FROM login_attempts WHERE email_hash = ? AND address = ? AND at > ? ORDER BY at DESC LIMIT ?",
        [_key(email), address, now - LOCKOUT_WINDOW_SECONDS, LOCKOUT_FAILURES],
    ).fetchall()
    if len(rows) < LOCKOUT_FAILURES:
        return 0
    oldest = rows[-1][0]
    return max(1, int(oldest + LOCKOUT_WINDOW_SECONDS - now) + 1)


def record_failure(db: sqlite_utils.Database, email: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with db.atomic():
        db.execute("DELETE FROM login_attempts WHERE at < ?", [now - KEEP_SECONDS])
        db.execute(
            "INSERT INTO login_attempts (email_hash, address, at) VALUES (?, ?, ?)", [_key(email), address, now]
        )


def clear_failures(db: sqlite_utils.Database, email: str, address: str) -> None:
    db.execute("DELETE FROM login_attempts WHERE email_hash = ? AND address = ?", [_key(email), address])
