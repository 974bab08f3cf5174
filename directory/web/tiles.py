"""`/tiles/{z}/{x}/{y}.png`: map tiles for Datasette's map, from our own origin.

Public pages load nothing from another host, so the map of locations at /data/ asks
us for its tiles, and we fetch each from the instance's tile server (OpenStreetMap by
default, `tiles` in harbour.toml) once, keep it in `DIR/tiles/` for a month and serve it
from there: the tile server sees this server, never a reader. An empty `tiles` setting
turns the proxy off (the map then shows its markers only).

Anyone can ask for any tile, so the proxy must not become a way to make us download
the world for them (the OpenStreetMap tile usage policy forbids bulk downloading):

- z/x/y are plain ASCII decimals (no `+1`, `1_0`, `١`, `01`), within the world and a zoom limit;
- a tile is at most `TILE_LIMIT` bytes; the kept tiles are bounded in number and bytes,
  the least recently served going first;
- an upstream 404 or failure is remembered for `MISS_SECONDS`, not asked again at once;
- upstream fetches have a budget per minute and at most two at a time; when the budget
  is spent a tile we do not have gets 503 with Retry-After (tiles we have are still served);
- every fetch names us and how to reach us in its User-Agent.

The limits may be set in harbour.toml:

    [tile_proxy]
    max_zoom = 19              # at most 19, OpenStreetMap's deepest
    fetches_per_minute = 60
    tiles_kept = 20000
    megabytes_kept = 512
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
import tomllib
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from directory.config import CONFIG_NAME
from directory.instance import Instance

TILE_PATH = "/tiles/{z}/{x}/{y}.png"
MAX_ZOOM = 19
KEEP_SECONDS = 30 * 86_400
TILE_LIMIT = 512 * 1024  # a tile is tens of KB; anything far larger is not a tile
TIMEOUT = 10.0
MISS_SECONDS = 15 * 60
MISSES_KEPT = 10_000
CONCURRENT_FETCHES = 2  # the tile usage policy's limit for one client
# A coordinate as a browser asks for it: ASCII digits, no sign, no leading zero, at most 2**19.
_NUMBER = re.compile(r"0|[1-9][0-9]{0,5}")


@dataclass(frozen=True)
class Limits:
    max_zoom: int = MAX_ZOOM
    fetches_per_minute: int = 60
    tiles_kept: int = 20_000
    bytes_kept: int = 512 * 1024 * 1024


class TileMissing(Exception):
    """There is no tile to give (outside the world, or the tile server had none)."""


class Busy(Exception):
    """The fetch budget is spent: ask again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"the tile server's budget is spent; try again in {retry_after} s")
        self.retry_after = retry_after


def parse_tile(z: str, x: str, y: str, max_zoom: int = MAX_ZOOM) -> tuple[int, int, int]:
    """(z, x, y) from the path's text; TileMissing naming what is wrong."""
    for name, text in (("z", z), ("x", x), ("y", y)):
        if not _NUMBER.fullmatch(text):
            raise TileMissing(f"{name} must be a whole number written with the digits 0-9, not {text[:12]!r}")
    zoom, column, row = int(z), int(x), int(y)
    problem = tile_problem(zoom, column, row, max_zoom)
    if problem:
        raise TileMissing(problem)
    return zoom, column, row


def tile_problem(z: int, x: int, y: int, max_zoom: int = MAX_ZOOM) -> str | None:
    if not 0 <= z <= max_zoom:
        return f"zoom must be 0 to {max_zoom}"
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        return f"x and y must be 0 to {2**z - 1} at zoom {z}"
    return None


def load_limits(data_dir: Path) -> Limits:
    """The `[tile_proxy]` table of harbour.toml over the defaults; ValueError naming a bad value."""
    path = data_dir / CONFIG_NAME
    values: dict = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8")).get("tile_proxy", {}) or {}
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
    default = Limits()
    numbers = {}
    for name, lowest in (("max_zoom", 0), ("fetches_per_minute", 1), ("tiles_kept", 1), ("megabytes_kept", 1)):
        value = values.get(name, default.bytes_kept // 2**20 if name == "megabytes_kept" else getattr(default, name))
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            raise ValueError(f"{path}: [tile_proxy] {name} must be a whole number of at least {lowest}")
        numbers[name] = value
    return Limits(min(numbers["max_zoom"], MAX_ZOOM), numbers["fetches_per_minute"], numbers["tiles_kept"],
                  numbers["megabytes_kept"] * 2**20)  # fmt: skip


def user_agent(contact: str) -> str:
    """Names the directory and how to reach whoever runs it, as a valid header value (ASCII, no control)."""
    reachable = re.sub(r"[^\x21-\x7e]|[()]", "", contact)
    return f"Harbour community directory (+{reachable or 'no contact set'})"


class FetchBudget:
    """At most `per_minute` upstream fetches in any 60 seconds."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute, self.clock = per_minute, clock
        self.lock = threading.Lock()
        self.spent: deque[float] = deque()

    def take(self) -> None:
        """Count one fetch, or raise Busy saying when the oldest one leaves the window."""
        with self.lock:
            now = self.clock()
            while self.spent and now - self.spent[0] >= 60:
                self.spent.popleft()
            if len(self.spent) >= self.per_minute:
                raise Busy(max(1, math.ceil(60 - (now - self.spent[0]))))
            self.spent.append(now)


class TileCache:
    """Tiles on disk, bounded (least recently served evicted), with misses remembered and fetches budgeted."""

    def __init__(self, folder: Path, upstream: str, contact: str, limits: Limits = Limits()):
        self.folder, self.upstream, self.limits = folder, upstream, limits
        self.user_agent = user_agent(contact)
        self.budget = FetchBudget(limits.fetches_per_minute)
        self.fetching = threading.BoundedSemaphore(CONCURRENT_FETCHES)
        self.lock = threading.Lock()
        self.kept: OrderedDict[tuple[int, int, int], int] | None = None  # tile → bytes, least recent first
        self.kept_bytes = 0
        self.misses: OrderedDict[tuple[int, int, int], float] = OrderedDict()  # tile → when to ask again

    def get(self, z: int, x: int, y: int) -> bytes:
        """The tile's PNG bytes (fresh from the cache, or fetched); TileMissing or Busy when there is none."""
        key = (z, x, y)
        path = self._path(key)
        self._index()
        try:
            stale = time.time() - path.stat().st_mtime >= KEEP_SECONDS
            if not stale:
                self._served(key)
                return path.read_bytes()
        except FileNotFoundError:
            stale = None
        if self._missed_recently(key):
            if stale:
                return path.read_bytes()
            raise TileMissing("the tile server had no tile here a moment ago")
        try:
            self.budget.take()
        except Busy:
            if stale:
                return path.read_bytes()  # an old tile beats a 503
            raise
        with self.fetching:
            fetched = self._fetch(z, x, y)
        if fetched is None:
            self._remember_miss(key)
            if stale:
                return path.read_bytes()  # an old tile beats none
            raise TileMissing("the tile server has no tile here just now")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(fetched)
        os.replace(temporary, path)
        self._stored(key, len(fetched))
        return fetched

    def _path(self, key: tuple[int, int, int]) -> Path:
        z, x, y = key
        return self.folder / str(z) / str(x) / f"{y}.png"

    def _index(self) -> None:
        """What is on disk, oldest first, read once; then kept up to date as tiles come and go."""
        with self.lock:
            if self.kept is not None:
                return
            found = []
            for path in self.folder.glob("*/*/*.png"):
                try:
                    key = (int(path.parent.parent.name), int(path.parent.name), int(path.stem))
                    stat = path.stat()
                except (ValueError, OSError):
                    continue
                found.append((stat.st_mtime, key, stat.st_size))
            self.kept = OrderedDict((key, size) for _, key, size in sorted(found))
            self.kept_bytes = sum(self.kept.values())
            self._evict()

    def _served(self, key: tuple[int, int, int]) -> None:
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)

    def _stored(self, key: tuple[int, int, int], size: int) -> None:
        with self.lock:
            self.kept_bytes += size - self.kept.pop(key, 0)
            self.kept[key] = size
            self._evict()

    def _evict(self) -> None:
        while self.kept and (len(self.kept) > self.limits.tiles_kept or self.kept_bytes > self.limits.bytes_kept):
            key, size = self.kept.popitem(last=False)
            self.kept_bytes -= size
            self._path(key).unlink(missing_ok=True)

    def _missed_recently(self, key: tuple[int, int, int]) -> bool:
        with self.lock:
            until = self.misses.get(key)
            if until is not None and until <= time.monotonic():
                del self.misses[key]
                until = None
            return until is not None

    def _remember_miss(self, key: tuple[int, int, int]) -> None:
        with self.lock:
            self.misses[key] = time.monotonic() + MISS_SECONDS
            self.misses.move_to_end(key)
            while len(self.misses) > MISSES_KEPT:
                self.misses.popitem(last=False)

    def _fetch(self, z: int, x: int, y: int) -> bytes | None:
        url = self.upstream.format(z=z, x=x, y=y)
        try:
            with httpx.stream("GET", url, headers={"User-Agent": self.user_agent}, timeout=TIMEOUT,
                              follow_redirects=False, trust_env=False) as response:  # fmt: skip
                if response.status_code != 200 or not response.headers.get("content-type", "").startswith("image/"):
                    return None
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > TILE_LIMIT:
                    return None
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > TILE_LIMIT:
                        return None
                return b"".join(chunks)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            return None


def routes(instance: Instance) -> list:
    limits = load_limits(instance.data_dir)  # read now: a bad value stops `harbour serve` with one line
    proxies: dict[str, TileCache] = {}  # one per tile server, made on first use, kept for the process
    lock = threading.Lock()

    def proxy() -> TileCache:
        settings = instance.settings
        with lock:
            if settings.tiles not in proxies:
                proxies[settings.tiles] = TileCache(instance.data_dir / "tiles", settings.tiles, settings.contact,
                                                    limits)  # fmt: skip
            return proxies[settings.tiles]

    async def tile(request: Request) -> Response:
        if not instance.settings.tiles:
            raise HTTPException(404, "this directory serves no map tiles")
        cache = await run_in_threadpool(proxy)
        try:
            z, x, y = parse_tile(*(request.path_params[k] for k in ("z", "x", "y")), max_zoom=cache.limits.max_zoom)
            body = await run_in_threadpool(cache.get, z, x, y)
        except TileMissing as missing:
            raise HTTPException(404, str(missing)) from None
        except Busy as busy:
            return Response(str(busy), status_code=503, media_type="text/plain; charset=utf-8",
                            headers={"Retry-After": str(busy.retry_after), "Cache-Control": "no-store"})  # fmt: skip
        headers = {"Cache-Control": "public, max-age=604800", "X-Content-Type-Options": "nosniff"}
        return Response(body, media_type="image/png", headers=headers)

    return [Route(TILE_PATH, tile, methods=["GET"], name="tiles")]
