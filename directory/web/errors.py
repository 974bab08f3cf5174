"""Errors as JSON on machine paths and as a friendly page elsewhere."""

from __future__ import annotations

import html
import logging
import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

MACHINE_PREFIXES = ("/api/", "/hsds/", "/bundle/", "/push/", "/healthz")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Harbour</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2b36}}
a{{color:#0b5cad}}</style></head>
<body><h1>{title}</h1><p>{message}</p><p><a href="/">Back to the directory</a></p></body></html>"""

FRIENDLY = {
    404: ("Page not found", "We could not find that page. The service may have moved or closed."),
    405: ("Not allowed", "That action is not possible here."),
    500: ("Something went wrong", "Sorry, something broke on our side. Please try again in a moment."),
    503: ("Busy", "Harbour is busy saving other changes and nothing of yours was saved. Please try again in a few seconds."),
}
RETRY_AFTER_SECONDS = 2

log = logging.getLogger("harbour.web")


def is_busy(exc: BaseException) -> bool:
    """The database stayed locked by other writers past the wait: a moment later it will not be."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc) for word in ("database is locked", "database is busy")
    )


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES) or request.url.path in ("/api", "/hsds", "/push")


def error_response(
    request: Request, status: int, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    title, message = FRIENDLY.get(status, ("Error", detail or "The request could not be completed."))
    if wants_json(request):
        return JSONResponse({"error": detail or title, "status": status}, status_code=status, headers=headers)
    page = PAGE.format(title=html.escape(title), message=html.escape(message))
    return HTMLResponse(page, status_code=status, headers=headers)


def busy_response(request: Request) -> Response:
    """503 with Retry-After: the write waited its turn as long as it may and was not made."""
    return error_response(request, 503, FRIENDLY[503][1], headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # A 503 raised on purpose says why (e.g. push: "cannot take more phones"); keep its words.
    own_words = exc.status_code not in FRIENDLY or exc.status_code == 503
    return error_response(request, exc.status_code, exc.detail if own_words else None)


async def database_error(request: Request, exc: Exception) -> Response:
    if is_busy(exc):
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return busy_response(request)
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500)


async def server_error(request: Request, exc: Exception) -> Response:
    # Reached from middleware (outside the routes' handlers): the same answer for a locked database.
    return busy_response(request) if is_busy(exc) else error_response(request, 500)


HANDLERS = {HTTPException: http_exception, sqlite3.OperationalError: database_error, 500: server_error}
