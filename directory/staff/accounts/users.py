"""Staff users in private.db: e-mail, argon2id hash, role, and their organizations.

The CLI (`harbour users …`) and the web pages both call these functions. E-mails
stay in private.db; public records only ever see `Actor.label` (`staff:ROLE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from directory.clock import now_iso
from directory.staff.accounts.passwords import hash_password
from directory.staff.auth import ROLES, Actor

ORG_ROLES = ("editor", "publisher")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """Bad input for an account operation; the message is one line for the user."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    organizations: tuple[str, ...]
    disabled: bool
    created: str


def normalise_email(email: str) -> str:
    email = email.strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    return email.lower()


def add_user(
    db: sqlite_utils.Database,
    email: str,
    role: str,
    password: str,
    organizations: tuple[str, ...] | list[str] = (),
    known_organizations: set[str] | None = None,
) -> User:
    """Create a user. `known_organizations`, when given, are the ids the orgs must be among."""
    email = normalise_email(email)
    organizations = tuple(dict.fromkeys(o.strip() for o in organizations if o.strip()))
    _check_role(role, organizations, known_organizations)
    password_hash = hash_password(password)
    if find_user(db, email) is not None:
        raise AccountError(f"a user {email} already exists")
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO users (email, password_hash, role, created) VALUES (?, ?, ?, ?)",
            [email, password_hash, role, now_iso()],
        )
        user_id = cursor.lastrowid
        for organization_id in organizations:
            db.execute(
                "INSERT INTO user_organizations (user_id, organization_id) VALUES (?, ?)", [user_id, organization_id]
            )
    user = get_user(db, user_id)
    assert user is not None
    return user


def _check_role(role: str, organizations: tuple[str, ...], known: set[str] | None) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (choose from {', '.join(ROLES)})")
    if role in ORG_ROLES and not organizations:
        raise AccountError(f"{_article(role)} {role} needs at least one --org ORG_ID (the organizations they manage)")
    if role not in ORG_ROLES and organizations:
        raise AccountError(f"--org is for editors and publishers; {_article(role)} {role} is not tied to organizations")
    if known is not None:
        missing = [o for o in organizations if o not in known]
        if missing:
            raise AccountError(f"no organization with id {missing[0]} in the directory")


def find_user(db: sqlite_utils.Database, email: str) -> User | None:
    row = db.execute("SELECT id FROM users WHERE email = ? COLLATE NOCASE", [email.strip()]).fetchone()
    return get_user(db, row[0]) if row else None


def get_user(db: sqlite_utils.Database, user_id: int) -> User | None:
    row = db.execute(
        "SELECT id, email, role, disabled_at, created FROM users WHERE id = ?", [user_id]
    ).fetchone()
    if row is None:
        return None
    orgs = tuple(
        r[0]
        for r in db.execute(
            "SELECT organization_id FROM user_organizations WHERE user_id = ? ORDER BY organization_id", [user_id]
        )
    )
    return User(row[0], row[1], row[2], orgs, row[3] is not None, row[4])


def password_hash_of(db: sqlite_utils.Database, user_id: int) -> str:
    return db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()[0]


def list_users(db: sqlite_utils.Database) -> list[User]:
    ids = [r[0] for r in db.execute("SELECT id FROM users ORDER BY email")]
    return [u for u in (get_user(db, i) for i in ids) if u is not None]


def disable_user(db: sqlite_utils.Database, email: str) -> User:
    """Disable an account: it can no longer sign in, and its sessions and tokens end now."""
    user = _existing(db, email)
    with db.atomic():
        db.execute("UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL", [now_iso(), user.id])
        db.execute("DELETE FROM sessions WHERE user_id = ?", [user.id])
        _revoke_tokens(db, user.id)
    return get_user(db, user.id)  # type: ignore[return-value]


def reset_password(db: sqlite_utils.Database, email: str, password: str, revoke_tokens: bool = True) -> tuple[User, int]:
    """Set a new password, end every session of the account and, unless told not to, revoke its API tokens.

    A password is reset because it was forgotten or because someone else may know
    it; in the second case a token made with it is just as compromised, so tokens
    go by default. The account's known devices (devices.py) are strangers again,
    since their cookies were signed over the old password hash. Returns the user
    and how many tokens were revoked.
    """
    user = _existing(db, email)
    password_hash = hash_password(password)
    revoked = 0
    with db.atomic():
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user.id])
        db.execute("DELETE FROM sessions WHERE user_id = ?", [user.id])
        if revoke_tokens:
            revoked = _revoke_tokens(db, user.id)
    return user, revoked


def _revoke_tokens(db: sqlite_utils.Database, user_id: int) -> int:
    cursor = db.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [now_iso(), user_id]
    )
    return cursor.rowcount


def set_password_hash(db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


def _existing(db: sqlite_utils.Database, email: str) -> User:
    user = find_user(db, email)
    if user is None:
        raise AccountError(f"no user {email.strip()}")
    return user


def actor_for(db: sqlite_utils.Database, user_id: int, via: str) -> Actor | None:
    """The Actor of an enabled user, or None."""
    user = get_user(db, user_id)
    if user is None or user.disabled:
        return None
    return Actor(user.id, user.email, user.role, frozenset(user.organizations), via)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
