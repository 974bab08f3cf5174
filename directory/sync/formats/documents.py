"""Fetched bytes to JSON documents, and the URL arithmetic formats share.

Feeds fail in recognisable ways: an HTML login or error page served with 200, a
truncated body, an empty answer. Each becomes one FormatError line naming the URL,
which ends the run before anything is merged.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from directory.sync.formats.base import Fetch, FetchResult
from directory.sync.formats.errors import FormatError

HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<!--")


def looks_like_html(body: bytes) -> bool:
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(HTML_STARTS)


def json_document(result: FetchResult, what: str = "JSON") -> object:
    """The JSON in a fetched body, or a FormatError saying what came instead."""
    body = result.body
    html = f"{result.url}: expected {what} but got an HTML page (an error or login page?)"
    if looks_like_html(body):
        raise FormatError(html)
    if not body.strip():
        raise FormatError(f"{result.url}: expected {what} but the answer was empty")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FormatError(
            f"{result.url}: expected {what} but the body is not UTF-8 text ({error.reason})"
        ) from None
    except json.JSONDecodeError as error:
        if "html" in (result.content_type or "").lower():
            raise FormatError(html) from None
        raise FormatError(
            f"{result.url}: expected {what} but it is not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    except RecursionError:
        raise FormatError(f"{result.url}: the JSON is nested too deeply to read") from None


def fetch_json(fetch: Fetch, url: str, what: str = "JSON") -> tuple[FetchResult, object | None]:
    """(result, document); the document is None when the server answered 304 Not Modified."""
    result = fetch(url)
    if result.not_modified:
        return result, None
    return result, json_document(result, what)


def with_query(url: str, drop: tuple[str, ...] = (), **params: object) -> str:
    """`url` with `params` set (None leaves a parameter out) and `drop` removed; others kept."""
    parts = urlsplit(url)
    replaced = set(params) | set(drop)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in replaced]
    query += [
        (k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in params.items() if v is not None
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def path_ends_with(url: str, segment: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/" + segment)


def child_url(url: str, *segments: str) -> str:
    """`url` (query dropped) with path segments appended: child_url("…/api/", "services") → …/api/services."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") + "".join("/" + quote(s, safe="") for s in segments)
    return urlunsplit(parts._replace(path=path, query="", fragment=""))


def parent_of(url: str, segment: str) -> str:
    """The URL above a trailing path segment: parent_of("…/api/services?x", "services") → …/api."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/" + segment):
        path = path[: -len(segment) - 1]
    return urlunsplit(parts._replace(path=path, query="", fragment=""))


def relative_url(base: str, path: str) -> str:
    return urljoin(base, path)
