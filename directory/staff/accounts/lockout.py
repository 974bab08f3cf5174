"""Lock-out that slows password guessing without letting a stranger lock a worker out.

Every failed sign-in is counted where it came from (`Attempt`):

- from a *known device* (a valid device cookie for that account, devices.py):
  against that device alone. LOCKOUT_FAILURES of them within LOCKOUT_WINDOW_SECONDS
  refuse that device until they age out; nobody else is affected.
- from anywhere else: against the account for every unknown client together, and
  against the client's address for every account together. LOCKOUT_FAILURES on
  the account refuse it to every unknown client (guessing from many addresses is
  slowed), CLIENT_FAILURES from one address refuse that address (guessing many
  accounts from one place is slowed) — but the worker's own browser passes both.

Unknown e-mails are counted the same way, so the answer never tells whether an
account exists. Neither e-mails nor addresses are stored as such: only keyed
hashes (secret.py), kept KEEP_SECONDS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlite_utils

from directory.staff.accounts.policy import CLIENT_FAILURES, LOCKOUT_FAILURES, LOCKOUT_WINDOW_SECONDS
from directory.staff.accounts.secret import keyed_hash

KEEP_SECONDS = 24 * 3600
CLIENT, DEVICE = "c:", "d:"  # what the `address` column holds: a client's address or a device, hashed


@dataclass(frozen=True)
class Attempt:
    account: str  # keyed hash of the e-mail
    client: str  # CLIENT + keyed hash of the address
    device: str | None  # DEVICE + keyed hash of a known device's nonce, or None

    @property
    def source(self) -> str:
        return self.device or self.client


def attempt(key: bytes, email: str, address: str, device_nonce: str | None = None) -> Attempt:
    return Attempt(
        keyed_hash(key, "email", email.strip().lower()),
        CLIENT + keyed_hash(key, "address", address),
        DEVICE + keyed_hash(key, "device", device_nonce) if device_nonce else None,
    )


def retry_after(db: sqlite_utils.Database, attempt: Attempt, now: float | None = None) -> int:
    """Seconds until this attempt may be made; 0 when nothing holds it back."""
    now = time.time() if now is None else now
    since = now - LOCKOUT_WINDOW_SECONDS
    if attempt.device:
        limits = [("email_hash = ? AND address = ?", [attempt.account, attempt.device], LOCKOUT_FAILURES)]
    else:
        limits = [
            ("email_hash = ? AND address LIKE 'c:%'", [attempt.account], LOCKOUT_FAILURES),
            ("address = ?", [attempt.client], CLIENT_FAILURES),
        ]
    wait = 0
    for where, params, limit in limits:
        rows = db.execute(
            f"SELECT at FROM login_attempts WHERE {where} AND at > ?"
            " ORDER BY at DESC LIMIT ?",
            [*params, since, limit],
        ).fetchall()
        if len(rows) >= limit:
            wait = max(wait, int(rows[-1][0] + LOCKOUT_WINDOW_SECONDS - now) + 1)
    return wait


def record_failure(db: sqlite_utils.Database, attempt: Attempt, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with db.atomic():
        # Old rows go, and so do any left in clear by an older version.
        db.execute(
            "DELETE FROM login_attempts WHERE at < ? OR NOT (address LIKE 'c:%' OR address LIKE 'd:%')",
            [now - KEEP_SECONDS],
        )
        db.execute(
            "INSERT INTO login_attempts (email_hash, address, at) VALUES (?, ?, ?)",
            [attempt.account, attempt.source, now],
        )


def record_success(db: sqlite_utils.Database, attempt: Attempt) -> None:
    """A known device's failures end with its success; the account's count from strangers stays."""
    if attempt.device:
        db.execute("DELETE FROM login_attempts WHERE email_hash = ? AND address = ?", [attempt.account, attempt.device])
