"""The numbers of account security, and where to change them.

Defaults suit a town hall; `harbour.toml` may override them in a `[staff]` table

    [staff]
    session_idle_minutes = 30
    session_max_hours = 12
    trust_proxy = false

and the environment overrides both (`HARBOUR_SESSION_IDLE_MINUTES`,
`HARBOUR_SESSION_MAX_HOURS`, `HARBOUR_TRUST_PROXY=1`). `trust_proxy` makes the
cookies `Secure` when `X-Forwarded-Proto: https` and takes the client address
from the last `X-Forwarded-For` entry (client.py); turn it on behind a proxy that
sets both, when nothing but the proxy can reach Harbour. Without it, only the
connection itself counts: behind a proxy every client then shares its address
(the per-address limit of lockout.py holds back every unknown client at once)
and cookies are not marked `Secure`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from directory.config import CONFIG_NAME

LOCKOUT_FAILURES = 10  # failed sign-ins for one account from unknown clients, or from one known device …
CLIENT_FAILURES = 30  # … or from one address for any accounts …
LOCKOUT_WINDOW_SECONDS = 15 * 60  # … within this time hold them back until they age out of it (lockout.py)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
SESSION_COOKIE = "harbour_session"
LOGIN_CSRF_COOKIE = "harbour_login_csrf"
COOKIE_PATH = "/staff"


@dataclass(frozen=True)
class Policy:
    session_idle_seconds: int = 30 * 60
    session_max_seconds: int = 12 * 3600
    trust_proxy: bool = False


def load_policy(data_dir: Path) -> Policy:
    values: dict = {}
    path = data_dir / CONFIG_NAME
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8")).get("staff", {}) or {}
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
    idle = float(os.environ.get("HARBOUR_SESSION_IDLE_MINUTES") or values.get("session_idle_minutes", 30))
    max_hours = float(os.environ.get("HARBOUR_SESSION_MAX_HOURS") or values.get("session_max_hours", 12))
    trust = os.environ.get("HARBOUR_TRUST_PROXY")
    trust_proxy = trust.lower() in ("1", "true", "yes") if trust else bool(values.get("trust_proxy", False))
    if idle <= 0 or max_hours <= 0:
        raise ValueError("session_idle_minutes and session_max_hours must be positive")
    return Policy(int(idle * 60), int(max_hours * 3600), trust_proxy)
