"""E-mail addresses and web addresses.

E-mails: `mailto:` and surrounding brackets stripped, domain lowercased, shape checked;
the first of several is kept. URLs: a bare domain gets `https://`, only http and https
survive (javascript:, data:, ftp: and the like are dropped), scheme and host lowercased.
A value that cannot be fixed is dropped with a warning.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

EMAIL_FIELDS = frozenset({"email", "assurer_email"})
URL_FIELDS = frozenset({"url", "website", "logo", "uri", "schedule_link", "term_uri"})

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SEPARATORS = re.compile(r"[\s,;]+")
# Schemes a bare "word:" prefix may name; anything that looks like one and is not http(s) is refused.
_KNOWN_SCHEMES = {
    "javascript",
    "vbscript",
    "data",
    "file",
    "ftp",
    "mailto",
    "tel",
    "sms",
    "about",
    "blob",
    "ws",
    "wss",
}


@functools.lru_cache(maxsize=16_384)
def clean_email(value: str) -> tuple[str | None, str | None]:
    """(address, None) when usable, with a note in the second place if something was fixed;
    (None, problem) when not."""
    text = value.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].split("?", 1)[0]
    candidates = [c.strip("<>()[]\"'.") for c in _SEPARATORS.split(text) if c]
    found = [e for e in (_valid_email(c) for c in candidates if "@" in c) if e]
    if not found:
        return None, f"{value!r} is not an e-mail address; dropped"
    note = f"kept the first of several e-mail addresses in {value!r}" if len(set(found)) > 1 else None
    return found[0], note


def _valid_email(text: str) -> str | None:
    local, _, domain = text.rpartition("@")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        return None
    domain = _valid_host(domain)
    if domain is None or _is_ip(domain):
        return None
    return f"{local}@{domain}"


@functools.lru_cache(maxsize=16_384)
def clean_url(value: str) -> tuple[str | None, str | None]:
    """(url, None) when usable; (None, problem) when not."""
    text = value.strip()
    if not text:
        return None, "empty address; dropped"
    if any(ch.isspace() for ch in text) or any(ch in text for ch in "<>\"'`\\"):
        return None, f"{value!r} is not a web address; dropped"
    match = _SCHEME.match(text)
    if text.startswith("//"):
        text = "https:" + text
    elif match and "://" in text[: len(match.group(0)) + 2]:
        scheme = match.group(1).lower()
        if scheme not in ("http", "https"):
            return None, f"{value!r} is not an http or https address; dropped"
    elif match and (match.group(1).lower() in _KNOWN_SCHEMES or not _looks_like_host_port(text)):
        return None, f"{value!r} is not an http or https address; dropped"
    else:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None, f"{value!r} is not a web address; dropped"
    host = _valid_host(parts.hostname or "")
    if host is None:
        return None, f"{value!r} has no valid host; dropped"
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc += f":{port}"
    if parts.username is not None or parts.password is not None:
        return None, f"{value!r} carries a user name or password; dropped"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment)), None


def _looks_like_host_port(text: str) -> bool:
    """`example.org:8080/x` starts like a scheme but is a host and a port."""
    return bool(re.match(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}:\d+(?:[/?#]|$)", text))


def _valid_host(host: str) -> str | None:
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    if _is_ip(host.strip("[]")):
        return host.strip("[]")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return None
    return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
