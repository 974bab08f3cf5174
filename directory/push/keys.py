"""The instance's VAPID key pair: who signs our pushes (RFC 8292).

The private key is a PEM file in the data dir, readable by its owner only; a push
service ties each subscription to the public key the phone was given, so rotating
the key means every phone must subscribe again (the PWA does so when
`/push/key` answers a key other than the one it subscribed with).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

KEY_FILE = "vapid_private.pem"


class PushKeyError(RuntimeError):
    """The key file is missing or unreadable; the message says which file."""


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def ensure_keys(data_dir: Path) -> bool:
    """Create the key pair unless it exists; True when one was made."""
    if key_path(data_dir).exists():
        return False
    write_new_keys(data_dir)
    return True


def write_new_keys(data_dir: Path) -> str:
    """A new key pair replaces any old one; returns the new public key."""
    vapid = Vapid02()
    vapid.generate_keys()
    path = key_path(data_dir)
    temporary = path.with_suffix(".tmp")
    # Created with mode 600 from the start: the key is never readable by others, not even briefly.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(vapid.private_pem())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return public_key_of(vapid)


def load_vapid(data_dir: Path) -> Vapid02:
    path = key_path(data_dir)
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise PushKeyError(f"no push key at {path}; run 'harbour push keys' to make one") from None
    try:
        return Vapid02.from_pem(pem)
    except Exception as error:  # py_vapid wraps every parse failure differently
        raise PushKeyError(f"{path} is not a PEM private key ({error})") from None


def public_key_of(vapid: Vapid02) -> str:
    """The public key as browsers take it: base64url, no padding, of the 65-byte uncompressed P-256 point."""
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def public_key(data_dir: Path) -> str:
    return public_key_of(load_vapid(data_dir))
