"""Staff first when the server is saturated: public reads take turns, a few at a time.

Under a crowd of readers every request thread competes for the one interpreter lock,
so a staff save gets a sliver of it and waits seconds. Public GETs (the PWA, its
bundles, /services, /data/, /hsds/) are admitted `READERS_AT_ONCE` at a time, first
come first served, and wait their turn in the event loop, where waiting costs
nothing; staff pages, /api/ and every write go straight through. A reader's slot is
given back when its answer starts: sending the bytes takes no interpreter time.
"""

from __future__ import annotations

import asyncio
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READERS_AT_ONCE = int(os.environ.get("HARBOUR_READERS_AT_ONCE", "8"))
UNQUEUED = ("/staff", "/api", "/healthz", "/push", "/tiles")  # staff, writes, and waits on the network


class ReaderTurns:
    def __init__(self, app: ASGIApp, at_once: int = READERS_AT_ONCE):
        self.app, self.at_once = app, at_once
        self.loop: asyncio.AbstractEventLoop | None = None
        self.slots = asyncio.Semaphore(at_once)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(UNQUEUED):
            await self.app(scope, receive, send)
            return
        if self.loop is not asyncio.get_running_loop():  # a semaphore serves one event loop (tests make several)
            self.loop, self.slots = asyncio.get_running_loop(), asyncio.Semaphore(self.at_once)
        slots = self.slots
        await slots.acquire()
        held = True

        async def sending(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                slots.release()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if held:
                slots.release()
