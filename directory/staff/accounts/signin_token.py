"""The sign-in form's CSRF defence (against login CSRF: being signed in to someone else's account).

Two checks, both needed:

- the token: the form's hidden field must equal the `harbour_login_csrf` cookie,
  and that value must be one this server issued (`NONCE.ISSUED.SIGNATURE`, signed
  with the instance key) less than TOKEN_SECONDS ago. A value an attacker makes
  up and plants in the cookie (from a sibling subdomain, or over plain http) is
  refused.
- where the form came from: a browser says so in `Sec-Fetch-Site` (or, older
  ones, in `Origin`). A post from another site, even a sibling subdomain that
  could plant a genuine token it fetched itself, is refused. Clients that send
  neither header (scripts) are not browsers a page can drive.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from directory.staff.accounts.secret import same, signature

TOKEN_SECONDS = 2 * 3600
_PURPOSE = "login-csrf"


def issue(key: bytes, now: float | None = None) -> str:
    nonce, issued = secrets.token_urlsafe(16), str(int(time.time() if now is None else now))
    return f"{nonce}.{issued}.{signature(key, _PURPOSE, nonce, issued)}"


def age(key: bytes, token: str, now: float | None = None) -> float | None:
    """Seconds since this server issued `token`; None when it did not (or it has expired)."""
    nonce, _, rest = token.partition(".")
    issued, _, sig = rest.partition(".")
    if not (nonce and issued.isdigit() and sig) or not same(sig, signature(key, _PURPOSE, nonce, issued)):
        return None
    elapsed = (time.time() if now is None else now) - int(issued)
    return elapsed if -60 <= elapsed <= TOKEN_SECONDS else None


def for_form(key: bytes, cookie: str | None) -> str:
    """The token for a new form: the browser's own while it has long to live, else a new one."""
    elapsed = age(key, cookie or "")
    return cookie if cookie and elapsed is not None and elapsed < TOKEN_SECONDS / 2 else issue(key)


def accepted(key: bytes, cookie: str | None, sent: str | None) -> bool:
    return bool(cookie and sent) and same(cookie, sent) and age(key, cookie) is not None  # type: ignore[arg-type]


def from_another_site(headers: Mapping[str, str]) -> bool:
    """True when the browser says the form was posted from a page of another origin."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin.strip().lower() == "null" or urlsplit(origin.strip()).netloc.lower() != headers.get("host", "").lower()
