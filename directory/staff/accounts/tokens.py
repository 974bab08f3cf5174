"""API tokens for `Authorization: Bearer TOKEN`.

A token is `hb_` + 8 random characters (its public prefix, shown by
`harbour tokens list` and used to revoke it) + `_` + 43 random characters
(32 bytes). Only its sha256 is stored: a high-entropy token needs no slow hash.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

import sqlite_utils

from directory.clock import now_iso
from directory.staff.accounts.sessions import digest
from directory.staff.accounts.users import AccountError, actor_for, find_user
from directory.staff.auth import Actor

PREFIX_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class TokenInfo:
    prefix: str
    email: str
    created: str
    last_used: str | None
    revoked_at: str | None


def create_token(db: sqlite_utils.Database, email: str) -> str:
    """A new token for an enabled user; the only time the whole token is seen."""
    user = find_user(db, email)
    if user is None:
        raise AccountError(f"no user {email.strip()}")
    if user.disabled:
        raise AccountError(f"{user.email} is disabled")
    prefix = "hb_" + "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    db.execute(
        "INSERT INTO api_tokens (token_hash, user_id, created, prefix) VALUES (?, ?, ?, ?)",
        [digest(token), user.id, now_iso(), prefix],
    )
    return token


def actor_for_token(db: sqlite_utils.Database, token: str) -> Actor | None:
    row = db.execute(
        "SELECT user_id, last_used FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", [digest(token)]
    ).fetchone()
    if row is None:
        return None
    actor = actor_for(db, row[0], "token")
    if actor is not None:
        stamp = now_iso()
        if row[1] != stamp:
            db.execute("UPDATE api_tokens SET last_used = ? WHERE token_hash = ?", [stamp, digest(token)])
    return actor


def revoke_token(db: sqlite_utils.Database, prefix_or_token: str) -> TokenInfo:
    """Revoke by the whole token or by its prefix (`hb_XXXXXXXX`, as `harbour tokens list` shows)."""
    text = prefix_or_token.strip()
    if text.count("_") >= 2:
        rows = db.execute("SELECT prefix FROM api_tokens WHERE token_hash = ?", [digest(text)]).fetchall()
    else:
        rows = db.execute("SELECT prefix FROM api_tokens WHERE prefix = ?", [text]).fetchall()
    if not rows:
        raise AccountError(f"no token {text[:11]}…" if len(text) > 11 else f"no token {text}")
    prefix = rows[0][0]
    db.execute("UPDATE api_tokens SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL", [now_iso(), prefix])
    return next(t for t in list_tokens(db) if t.prefix == prefix)


def list_tokens(db: sqlite_utils.Database, email: str | None = None) -> list[TokenInfo]:
    sql = (
        "SELECT t.prefix, u.email, t.created, t.last_used, t.revoked_at FROM api_tokens t"
        " JOIN users u ON u.id = t.user_id"
    )
    params: list = []
    if email:
        sql += " WHERE u.email = ? COLLATE NOCASE"
        params.append(email.strip())
    sql += " ORDER BY t.created, t.prefix"
    return [TokenInfo(*row) for row in db.execute(sql, params)]
