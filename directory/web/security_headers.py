"""Security headers on every answer of the site, as defaults under what a route sets itself.

The staff pages, the no-JavaScript pages, the PWA shell and Datasette's pages each send
the Content-Security-Policy that fits them; everything else — JSON, bundles, scripts,
tiles, errors, a 404 — gets this one: load only from our own origin, never be framed,
never be sniffed as another type. A header a response already has is left as it is.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DEFAULTS = (
    (b"content-security-policy", DEFAULT_CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_defaults(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_default_headers(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, with_defaults)


def with_default_headers(headers) -> list[tuple[bytes, bytes]]:
    """`headers` plus each default whose header is absent."""
    present = {name.lower() for name, _ in headers}
    return list(headers) + [(name, value) for name, value in DEFAULTS if name not in present]
