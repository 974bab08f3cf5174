"""Names the actor of every /staff/ and /api/ request, guards their writes, adds security headers.

- `request.state.actor`: the Actor from `Authorization: Bearer TOKEN` or the session
  cookie, or None. `request.state.csrf_token`: the session's CSRF token (or None).
  Other paths get None for both and are otherwise untouched: no cookie is read or set.
- A write (POST/PUT/PATCH/DELETE) under /staff/ or /api/, except the sign-in form,
  is refused before any route runs: 401 when anonymous (or a bad Bearer token),
  403 when an /api/ write comes with only a cookie, 403 when a form write lacks the
  session's CSRF token (`csrf_token` field or `X-CSRF-Token` header).
- Staff pages get a strict Content-Security-Policy, `Referrer-Policy: no-referrer`,
  `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`.
"""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory.instance import Instance
from directory.staff.accounts.policy import SESSION_COOKIE, load_policy
from directory.staff.accounts.sessions import resume_session
from directory.staff.accounts.tokens import actor_for_token
from directory.staff.auth import CSRF_FIELD, CSRF_HEADER, SAFE_METHODS, is_api_path
from directory.web.errors import error_response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STAFF_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]
API_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
]
STATIC_PREFIX = "/staff/static/"
UNGUARDED = {"/staff/login"}  # checks its own pre-session CSRF token; anyone may post to it
MAX_FORM_BYTES = 32 * 1024 * 1024


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


class ActorMiddleware:
    def __init__(self, app: ASGIApp, instance: Instance) -> None:
        self.app = app
        self.instance = instance
        self.policy = load_policy(instance.data_dir)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["actor"] = None
        state["csrf_token"] = None
        path: str = scope["path"]
        staff, api = is_staff_path(path), is_api_path(path)
        if not (staff or api):
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, staff=staff, static=path.startswith(STATIC_PREFIX))
        if path.startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return

        request = Request(scope)
        bearer = _bearer(request)
        cookie = request.cookies.get(SESSION_COOKIE) if bearer is None else None
        actor, csrf = await run_in_threadpool(self._resolve, bearer, cookie)
        if bearer is not None and actor is None:
            await self._refuse(scope, receive, send, 401, "The API token is not valid (revoked or unknown).")
            return
        state["actor"] = actor
        state["csrf_token"] = csrf

        if scope["method"] in SAFE_METHODS or path in UNGUARDED:
            await self.app(scope, receive, send)
            return
        if actor is None:
            detail = "Send Authorization: Bearer TOKEN." if api else "Sign in at /staff/login to continue."
            await self._refuse(scope, receive, send, 401, detail)
            return
        if actor.via == "token":
            await self.app(scope, receive, send)
            return
        if api:
            await self._refuse(
                scope, receive, send, 403, "The API takes Authorization: Bearer TOKEN; a cookie alone cannot write."
            )
            return
        body = await _read_body(receive)
        if body is None:
            await self._refuse(scope, receive, send, 413, "The form is too large.")
            return
        sent = request.headers.get(CSRF_HEADER) or await _form_token(scope, body)
        if not csrf or not sent or not hmac.compare_digest(sent.encode(), csrf.encode()):
            await self._refuse(
                scope, receive, send, 403, "The form has expired or did not come from Harbour. Reload it and try again."
            )
            return
        await self.app(scope, _replay(body), send)

    def _resolve(self, bearer: str | None, cookie: str | None):
        if bearer is None and not cookie:
            return None, None
        db = self.instance.private()
        try:
            if bearer is not None:
                return actor_for_token(db, bearer), None
            session = resume_session(db, cookie, self.policy)  # type: ignore[arg-type]
            return (session.actor, session.csrf_token) if session else (None, None)
        finally:
            db.close()

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
        request = Request(scope)
        response = error_response(request, status, detail)
        if status == 401 and is_api_path(scope["path"]):
            response.headers["WWW-Authenticate"] = "Bearer"
        await response(scope, receive, send)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return ""  # some other scheme: not a valid token
    return value.strip()


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, body: bytes) -> str:
    request = Request(scope, _replay(body))
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    try:
        form = await request.form()
    except Exception:  # a malformed body has no token; the route never sees it
        return ""
    try:
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    finally:
        await form.close()


def _with_headers(send: Send, *, staff: bool, static: bool) -> Send:
    extra = STAFF_HEADERS if staff else API_HEADERS
    cache = b"no-cache" if static else b"no-store"

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name for name, _ in extra} | {b"cache-control"}
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            headers += extra
            headers.append((b"cache-control", cache))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
