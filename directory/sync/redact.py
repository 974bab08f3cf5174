"""Feed URLs without their secrets: one function for every place a URL is shown or kept.

A feed's address may carry credentials (`https://user:pw@host/…`, `?api_key=…`). They
belong in private.db only. What others read gets less:

    redact_url("https://u:pw@data.example/v1/services?api_key=s3cret&page=2")
        → "https://data.example/v1/services?api_key=…&page=…"       (staff who are not admins)
    redact_url(url, host_only=True)
        → "https://data.example"                                       (public: directory.db)
    redact_urls("could not fetch https://data.example/x?key=1: refused", host_only=True)
        → "could not fetch https://data.example: refused"              (any text naming URLs)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HIDDEN = "…"
# A URL inside free text (an error message): a scheme, then everything up to a space or a quote.
_URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
# Punctuation that ends a sentence rather than a URL: "… at https://host/x." keeps its full stop.
_TRAILING = ".,;:!?)]}"


def redact_url(url: str, *, host_only: bool = False) -> str:
    """`url` without user:password@ and without its query's values (or with nothing past its host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _without_secrets(url, host_only)
    if not parts.scheme or not parts.netloc:
        return _without_secrets(url, host_only)
    host = parts.netloc.rpartition("@")[2]
    if host_only:
        return f"{parts.scheme}://{host}"
    query = "&".join(_hide_value(pair) for pair in parts.query.split("&")) if parts.query else ""
    # The fragment is never sent to the server, but is no place for a secret either.
    return f"{parts.scheme}://{host}{parts.path}" + (f"?{query}" if query else "")


def redact_urls(text: str, *, host_only: bool = False) -> str:
    """Every URL in `text` redacted as `redact_url` does; the rest of the text as it was."""

    def one(match: re.Match) -> str:
        found = match.group()
        stripped = found.rstrip(_TRAILING)
        return redact_url(stripped, host_only=host_only) + found[len(stripped):]

    return _URL_IN_TEXT.sub(one, text)


def _hide_value(pair: str) -> str:
    name, equals, value = pair.partition("=")
    return f"{name}={HIDDEN}" if equals and value else pair


def _without_secrets(url: str, host_only: bool) -> str:
    """A URL urlsplit cannot read: cut at the first character that starts a path, query or userinfo."""
    scheme, sep, rest = url.partition("://")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    if host_only or not sep:
        return f"{scheme}{sep}{host}" if sep else HIDDEN
    return f"{scheme}://{host}{HIDDEN}" if host != rest else url
