"""The instance's account key: signs device cookies and sign-in form tokens, hashes client addresses.

32 random bytes in `DIR/staff_secret.key`, readable by its owner only, made the
first time it is needed. It never goes in directory.db (which is published), nor
in private.db: a copy of private.db alone must not give the client addresses back
(with the key, an IPv4 address is a few billion guesses away). Losing it costs little: known devices
are asked for nothing more than strangers for a while, and old lock-out rows
stop counting.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "staff_secret.key"


@functools.cache
def instance_key(data_dir: Path) -> bytes:
    path = Path(data_dir) / KEY_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    temporary = path.with_name(f"{KEY_FILE}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(32))
    try:
        os.link(temporary, path)  # atomic, and never over a key another process made first
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return _read(path)


def _read(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < 32:
        raise ValueError(f"{path} is not a Harbour key (too short); delete it to make a new one")
    return key


def keyed_hash(key: bytes, purpose: str, text: str) -> str:
    """A hex HMAC of `text`: equal texts match, the text cannot be read back without the key."""
    return hmac.new(key, f"{purpose}\0{text}".encode(), hashlib.sha256).hexdigest()


def signature(key: bytes, purpose: str, *parts: str) -> str:
    """A short URL-safe signature of `parts` (128 bits)."""
    digest = hmac.new(key, "\0".join((purpose, *parts)).encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
