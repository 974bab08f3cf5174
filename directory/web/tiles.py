"""`/tiles/{z}/{x}/{y}.png`: map tiles for Datasette's map, from our own origin.

Public pages load nothing from another host, so the map of locations at /data/ asks
us for its tiles, and we fetch each from the instance's tile server (OpenStreetMap by
default, `tiles` in harbour.toml) once, keep it in `DIR/tiles/` for a month and serve it
from there: the tile server sees this server, never a reader. Following the OpenStreetMap
tile policy: a User-Agent that names the directory, and tiles cached, not re-fetched.
An empty `tiles` setting turns the proxy off (the map then shows its markers only).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from directory.instance import Instance

TILE_PATH = "/tiles/{z}/{x}/{y}.png"
MAX_ZOOM = 19
KEEP_SECONDS = 30 * 86_400
TILE_LIMIT = 512 * 1024  # a tile is tens of KB; anything far larger is not a tile
TIMEOUT = 10.0


def tile_problem(z: int, x: int, y: int) -> str | None:
    if not 0 <= z <= MAX_ZOOM:
        return f"zoom must be 0 to {MAX_ZOOM}"
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        return f"x and y must be 0 to {2**z - 1} at zoom {z}"
    return None


class TileCache:
    def __init__(self, folder: Path, upstream: str, contact: str):
        self.folder, self.upstream = folder, upstream
        self.user_agent = f"Harbour community directory (+{contact or 'no contact set'})"

    def get(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's PNG bytes (fresh from the cache, or fetched); None when there is none to give."""
        path = self.folder / str(z) / str(x) / f"{y}.png"
        try:
            if time.time() - path.stat().st_mtime < KEEP_SECONDS:
                return path.read_bytes()
        except FileNotFoundError:
            pass
        fetched = self._fetch(z, x, y)
        if fetched is None:
            return path.read_bytes() if path.exists() else None  # an old tile beats none
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(fetched)
        os.replace(temporary, path)
        return fetched

    def _fetch(self, z: int, x: int, y: int) -> bytes | None:
        url = self.upstream.format(z=z, x=x, y=y)
        try:
            with httpx.stream("GET", url, headers={"User-Agent": self.user_agent}, timeout=TIMEOUT,
                              follow_redirects=False, trust_env=False) as response:
                if response.status_code != 200 or not response.headers.get("content-type", "").startswith("image/"):
                    return None
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > TILE_LIMIT:
                        return None
                return body
        except httpx.HTTPError:
            return None


def routes(instance: Instance) -> list:
    async def tile(request: Request) -> Response:
        settings = instance.settings
        if not settings.tiles:
            raise HTTPException(404, "this directory serves no map tiles")
        try:
            z, x, y = (int(request.path_params[k]) for k in ("z", "x", "y"))
        except ValueError:
            raise HTTPException(404, "no such tile") from None
        problem = tile_problem(z, x, y)
        if problem:
            raise HTTPException(404, problem)
        cache = TileCache(instance.data_dir / "tiles", settings.tiles, settings.contact)
        body = await run_in_threadpool(cache.get, z, x, y)
        if body is None:
            raise HTTPException(404, "the tile server has no tile here just now")
        return Response(body, media_type="image/png", headers={"Cache-Control": "public, max-age=604800"})

    return [Route("/tiles/{z}/{x}/{y}.png", tile, methods=["GET"], name="tiles")]
