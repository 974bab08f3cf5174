"""The PWA shell at / and its offline data at /bundle/.

- `/bundle/manifest.json`: the current version and each language's content-hashed bundle;
- `/bundle/{lang}.{hash}.json`: a bundle, immutable, brotli or gzip as the client accepts;
- `/bundle/{lang}/delta?since=V`: what changed since V (or the full bundle), compressed alike;
- `/sw.js`: the service worker with the shell's content hashes; `/vendor/…`: front-end packages;
- everything else under `/`: the files in `pwa/`, the shell's compressed like the bundles,
  each under its one canonical URL (any other spelling is a 404, see `bundle/shell.py`);
  the shell page with its Content-Security-Policy as a header too.

The catch-all mount must stay the last route of the app.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from directory.bundle.cache import BuiltBundle, BundleCache, manifest_of
from directory.bundle.compress import accepted, compress
from directory.bundle.delta import build_delta
from directory.bundle.shell import VENDOR, ShellFiles, service_worker_source, shell_csp
from directory.instance import Instance

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # may be stored, but asked again each time: these URLs do not change name
JSON = "application/json"
JAVASCRIPT = "text/javascript; charset=utf-8"
DELTAS_KEPT = 256  # many phones ask for the same few deltas: keep the answers, compressed


def routes(instance: Instance) -> list:
    cache = BundleCache.for_instance(instance)

    async def manifest(request: Request) -> Response:
        body = manifest_of(await run_in_threadpool(cache.current))
        # Every phone asks for this on every open: it travels compressed too.
        text = json.dumps(body, separators=(",", ":")).encode("utf-8")
        coding = accepted(request.headers.get("accept-encoding", ""))
        headers = {"Cache-Control": REVALIDATE, "Vary": "Accept-Encoding"}
        if coding:
            text = compress(text, coding)
            headers["Content-Encoding"] = coding
        return Response(text, media_type=JSON, headers=headers)

    async def bundle_file(request: Request) -> Response:
        built = await run_in_threadpool(cache.by_filename, request.path_params["filename"])
        if built is None:
            raise HTTPException(404, "no such bundle; fetch /bundle/manifest.json again")
        headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{built.sha256}"', "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        coding = accepted(request.headers.get("accept-encoding", ""))
        if coding is None:
            return Response(built.body, media_type=JSON, headers=headers)
        headers["Content-Encoding"] = coding
        return Response(await run_in_threadpool(built.encoded, coding), media_type=JSON, headers=headers)

    deltas = _DeltaCache(cache)

    async def delta(request: Request) -> Response:
        language = request.path_params["language"]
        try:
            since = int(request.query_params.get("since", ""))
        except ValueError:
            raise HTTPException(400, "since must be a version number (an integer)") from None
        bundles = await run_in_threadpool(cache.current)
        if language not in bundles:
            raise HTTPException(404, f"no bundle in language {language!r}")
        coding = accepted(request.headers.get("accept-encoding", ""))
        body = await run_in_threadpool(deltas.get, bundles[language], since, coding)
        headers = {"Cache-Control": REVALIDATE, "Vary": "Accept-Encoding"}
        if coding:
            headers["Content-Encoding"] = coding
        return Response(body, media_type=JSON, headers=headers)

    async def service_worker(request: Request) -> Response:
        source = (await run_in_threadpool(service_worker_source)).encode("utf-8")
        coding = accepted(request.headers.get("accept-encoding", ""))
        # The worker's scope is the whole site, so it must be served from the root.
        headers = {"Cache-Control": REVALIDATE, "Vary": "Accept-Encoding"}
        if coding:
            source = compress(source, coding)
            headers["Content-Encoding"] = coding
        return Response(source, media_type=JAVASCRIPT, headers=headers)

    shell = ShellFiles()

    async def shell_or_static(scope, receive, send):
        request = Request(scope, receive)
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(405, "the app's files can only be read")
        coding = accepted(request.headers.get("accept-encoding", ""))
        found = await run_in_threadpool(shell.get, scope["path"], coding)
        if found is None:
            if scope["path"] in VENDOR:
                response = PlainTextResponse("front-end package missing: run `make setup`", status_code=503)
                return await response(scope, receive, send)
            # Not a file of the app under the URL a browser uses: nothing else in pwa/ is served.
            raise HTTPException(404, "no such page")
        body, media_type, digest, applied = found
        # Shell files keep their names across versions, so caches must ask before reusing them.
        headers = {"Cache-Control": REVALIDATE, "ETag": f'"{digest}"', "Vary": "Accept-Encoding"}
        if media_type.startswith("text/html"):
            headers.update(await run_in_threadpool(_page_headers, shell, scope["path"]))
        if request.headers.get("if-none-match") == headers["ETag"]:
            return await Response(status_code=304, headers=headers)(scope, receive, send)
        if applied:
            headers["Content-Encoding"] = applied
        await Response(body, media_type=media_type, headers=headers)(scope, receive, send)

    shell_or_static.shell = shell  # type: ignore[attr-defined]  # what tests count

    return [
        Route("/bundle/manifest.json", manifest),
        Route("/bundle/{language}/delta", delta),
        Route("/bundle/{filename:str}", bundle_file),
        Route("/sw.js", service_worker),
        Mount("/", app=shell_or_static, name="pwa"),
    ]


class _DeltaCache:
    """Encoded delta answers by (bundle, since, coding); a new version makes new keys."""

    def __init__(self, cache: BundleCache):
        self.cache = cache
        self.lock = threading.Lock()
        self.answers: OrderedDict[tuple, bytes] = OrderedDict()

    def get(self, built: BuiltBundle, since: int, coding: str | None) -> bytes:
        key = (built.sha256, since, coding)
        with self.lock:
            if key in self.answers:
                self.answers.move_to_end(key)
                return self.answers[key]
        db = self.cache.open_db()
        try:
            answer = build_delta(db, built.data, since, built.sha256)
        finally:
            db.close()
        if "services" in answer:  # the full bundle: its bytes are already made
            body = built.encoded(coding) if coding else built.body
        else:
            text = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            body = compress(text, coding) if coding else text
        with self.lock:
            self.answers[key] = body
            while len(self.answers) > DELTAS_KEPT:
                self.answers.popitem(last=False)
        return body


def _page_headers(shell: ShellFiles, url: str) -> dict[str, str]:
    """The shell page's policy as headers: a meta tag cannot forbid framing, a header can."""
    found = shell.get(url, None)
    policy = shell_csp(found[0]) if found else None
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    if policy:
        headers["Content-Security-Policy"] = policy
    return headers
