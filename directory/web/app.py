"""The Harbour ASGI app: routes by path prefix to Datasette or to the Starlette side.

`/data/…` and `/hsds/…` go to Datasette (the HSDS API is a Datasette plugin, so
it is published wherever Datasette is); everything else to Starlette. The
Datasette app takes the `/data` prefix off itself (see datasette_app.py).
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

from directory.instance import Instance
from directory.web import health
from directory.web.datasette_app import make_datasette
from directory.web.errors import HANDLERS
from directory.web.security_headers import SecurityHeaders

DATASETTE_PREFIXES = ("/data/", "/hsds")


def create_app(instance: Instance, *, no_store: bool = False, sync_tick: float = 30.0, push_tick: float = 5.0):
    """The whole site. `no_store` marks every response uncacheable (browser tests use it,
    so the HTTP cache cannot fake what the service worker should do offline). Feeds
    with an interval are synced in the background, checked every `sync_tick` seconds;
    notices and changes are pushed to subscribed phones, checked every `push_tick` seconds."""
    from directory.push.dispatch import PushDispatcher

    datasette = make_datasette(instance)
    dispatcher = PushDispatcher(instance, tick=push_tick)
    datasette_asgi = datasette.app()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Starlette's Mount does not pass startup on to Datasette; do it here.
        await datasette.invoke_startup()
        from directory.sync.scheduler import Scheduler

        scheduler = Scheduler(instance, tick=sync_tick)
        scheduler.start()
        dispatcher.start()
        try:
            yield
        finally:
            scheduler.stop()
            dispatcher.stop()

    routes = [
        health.route(instance),  # /healthz
        Route("/data", lambda request: RedirectResponse("/data/", status_code=301)),
    ]
    from directory.web import pages  # the no-JavaScript /services and printable /guide pages

    routes += pages.routes(instance)
    routes += _staff_routes(instance)
    routes += _push_routes(instance)
    from directory.web import tiles  # the map's tiles at /data/, from our own origin

    routes += tiles.routes(instance)
    routes += _pwa_routes(instance)  # last: it ends with the catch-all static mount at /
    starlette = Starlette(
        routes=routes, middleware=_staff_middleware(instance), exception_handlers=HANDLERS, lifespan=lifespan
    )
    starlette.state.instance = instance
    starlette.state.datasette = datasette
    starlette.state.push_dispatcher = dispatcher  # staff pages wake it when they post a notice

    async def app(scope, receive, send):
        if no_store and scope["type"] == "http":
            send = _no_store(send)
        if scope["type"] == "http" and scope["path"].startswith(DATASETTE_PREFIXES):
            await datasette_asgi(scope, receive, send)
        else:
            await starlette(scope, receive, send)

    from directory.web.admission import ReaderTurns  # staff first when readers crowd the server

    # Outermost: CSP, nosniff and a frame policy wherever a route sets none, a 503 of the
    # readers' queue included.
    site = SecurityHeaders(ReaderTurns(app))
    app.state = site.state = starlette.state  # type: ignore[attr-defined]
    return site


def _staff_routes(instance: Instance) -> list:
    from directory.staff import routes as staff

    return staff.routes(instance)


def _push_routes(instance: Instance) -> list:
    from directory.push import routes as push

    return push.routes(instance)


def _staff_middleware(instance: Instance) -> list:
    """Names the actor of /staff/ and /api/ requests; leaves every other path untouched."""
    from directory.staff.accounts import actor_middleware

    return actor_middleware(instance)


def _pwa_routes(instance: Instance) -> list:
    from directory.web import pwa_routes

    return pwa_routes.routes(instance)


def _no_store(send):
    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
