"""The PWA shell at / and its offline data at /bundle/.

- `/bundle/manifest.json`: the current version and each language's content-hashed bundle;
- `/bundle/{lang}.{hash}.json`: a bundle, immutable, gzipped when the client accepts it;
- `/bundle/{lang}/delta?since=V`: what changed since V (or the full bundle);
- `/sw.js`: the service worker with the shell's content hashes; `/vendor/…`: front-end packages;
- everything else under `/`: the static files in `pwa/`.

The catch-all mount must stay the last route of the app.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from directory.bundle.cache import BundleCache
from directory.bundle.delta import build_delta
from directory.bundle.shell import VENDOR, service_worker_source, vendor_bytes
from directory.instance import Instance
from directory.paths import PWA_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # may be stored, but asked again each time: these URLs do not change name
JSON = "application/json"
JAVASCRIPT = "text/javascript; charset=utf-8"


def routes(instance: Instance) -> list:
    cache = BundleCache(instance.directory, lambda: instance.settings)

    async def manifest(request: Request) -> Response:
        bundles = await run_in_threadpool(cache.current)
        version = next(iter(bundles.values())).version
        body = {
            "version": version,
            "languages": {
                lang: {"url": b.url, "bytes": len(b.body), "sha256": b.sha256} for lang, b in bundles.items()
            },
            "delta_url": "/bundle/{lang}/delta?since={version}",
        }
        return JSONResponse(body, headers={"Cache-Control": REVALIDATE})

    async def bundle_file(request: Request) -> Response:
        built = await run_in_threadpool(cache.by_filename, request.path_params["filename"])
        if built is None:
            raise HTTPException(404, "no such bundle; fetch /bundle/manifest.json again")
        headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{built.sha256}"', "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(built.gzipped, media_type=JSON, headers=headers)
        return Response(built.body, media_type=JSON, headers=headers)

    async def delta(request: Request) -> Response:
        language = request.path_params["language"]
        try:
            since = int(request.query_params.get("since", ""))
        except ValueError:
            raise HTTPException(400, "since must be a version number (an integer)") from None
        bundles = await run_in_threadpool(cache.current)
        if language not in bundles:
            raise HTTPException(404, f"no bundle in language {language!r}")

        def compute() -> dict:
            db = cache.open_db()
            try:
                return build_delta(db, bundles[language].data, since)
            finally:
                db.close()

        return JSONResponse(await run_in_threadpool(compute), headers={"Cache-Control": REVALIDATE})

    async def service_worker(request: Request) -> Response:
        source = await run_in_threadpool(service_worker_source)
        # The worker's scope is the whole site, so it must be served from the root.
        return Response(source, media_type=JAVASCRIPT, headers={"Cache-Control": REVALIDATE})

    def vendor(path):
        async def endpoint(request: Request) -> Response:
            if not path.exists():
                return PlainTextResponse(f"{path.name} is missing: run `make setup`", status_code=503)
            return Response(vendor_bytes(path), media_type=JAVASCRIPT, headers={"Cache-Control": REVALIDATE})

        return endpoint

    return [
        Route("/bundle/manifest.json", manifest),
        Route("/bundle/{language}/delta", delta),
        Route("/bundle/{filename:str}", bundle_file),
        Route("/sw.js", service_worker),
        *[Route(url, vendor(path)) for url, path in VENDOR.items()],
        Mount("/", app=GZipMiddleware(_revalidated(StaticFiles(directory=PWA_DIR, html=True))), name="pwa"),
    ]


def _revalidated(app):
    """Shell files keep their names across versions, so caches must ask before reusing them."""

    async def wrapped(scope, receive, send):
        async def send_with_header(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers.append((b"cache-control", REVALIDATE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_header)

    return wrapped
