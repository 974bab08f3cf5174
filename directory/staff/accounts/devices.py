"""Device cookies: a browser where someone signed in before is let past the lock-out a stranger causes.

After a successful sign-in the browser gets `harbour_device`, a list of up to
MAX_ENTRIES entries `NONCE.SIGNATURE`, each signed for one account (the e-mail
and its current password hash, so a password reset makes every device a
stranger again). A sign-in that brings a valid entry for the e-mail it names is
judged by that device's own failures (lockout.py); one without it shares the
limits of every unknown client. (OWASP's "Slow Down Online Guessing Attacks with
Device Cookies".) Pure: the key and the stored hash are given.
"""

from __future__ import annotations

import secrets

from directory.staff.accounts.secret import same, signature

DEVICE_COOKIE = "harbour_device"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600
MAX_ENTRIES = 5  # people sharing a desk's browser
_PURPOSE = "device"


def _entries(cookie: str | None) -> list[tuple[str, str]]:
    found = []
    for entry in (cookie or "").split("~")[:MAX_ENTRIES]:
        nonce, _, sig = entry.partition(".")
        if nonce and sig:
            found.append((nonce, sig))
    return found


def known_device(key: bytes, cookie: str | None, email: str, password_hash: str) -> str | None:
    """The nonce of the cookie's entry for this account, or None when this browser is a stranger to it."""
    email = email.strip().lower()
    for nonce, sig in _entries(cookie):
        if same(sig, signature(key, _PURPOSE, email, nonce, password_hash)):
            return nonce
    return None


def remember_device(key: bytes, cookie: str | None, email: str, password_hash: str) -> str:
    """The cookie value after a successful sign-in: this account's entry first, the others kept."""
    email = email.strip().lower()
    nonce = known_device(key, cookie, email, password_hash) or secrets.token_urlsafe(16)
    entry = f"{nonce}.{signature(key, _PURPOSE, email, nonce, password_hash)}"
    others = [f"{n}.{s}" for n, s in _entries(cookie) if n != nonce]
    return "~".join([entry, *others][:MAX_ENTRIES])
