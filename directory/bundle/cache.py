"""Built bundles kept in memory per (language, version), so a request never rebuilds.

A new version in the change log is built in the background, every language once from
one read of the database, while readers keep getting the last version built. A
sync commits chunk after chunk: the rebuild waits until the change log has settled
and no run is writing (or readers have had the old version for `MAX_STALE_SECONDS`),
so a run makes one rebuild, at its end, not one a chunk. The previous version stays for a while, so a phone
holding the old manifest can still fetch the file it names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.bundle.build import build_bundles
from directory.bundle.compress import compress
from directory.config import UI_LANGUAGES, Settings
from directory.store.changes import latest_change

KEEP_VERSIONS = 2
HASH_PREFIX = 16  # hex digits of sha256 in a bundle's file name
SETTLE_SECONDS = 0.25  # the change log still for this long, and no sync running: the change has settled
MAX_STALE_SECONDS = 600.0  # readers get a version this old at most while writes keep coming (a long sync)

log = logging.getLogger("harbour.bundle")


@dataclass(frozen=True)
class BuiltBundle:
    language: str
    version: int
    data: dict
    body: bytes  # UTF-8 JSON
    sha256: str
    # Compressed bodies by coding, made on first request: most phones want one language.
    _encoded: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def encoded(self, coding: str) -> bytes:
        with self._lock:  # one compression per coding, even when many phones ask at once
            if coding not in self._encoded:
                self._encoded[coding] = compress(self.body, coding)
            return self._encoded[coding]

    @property
    def gzipped(self) -> bytes:
        return self.encoded("gzip")

    @property
    def filename(self) -> str:
        return f"{self.language}.{self.sha256[:HASH_PREFIX]}.json"

    @property
    def url(self) -> str:
        return f"/bundle/{self.filename}"


def encode(language: str, data: dict) -> BuiltBundle:
    # The phone re-serialises a patched bundle with JSON.stringify and checks this hash:
    # keep to what both write alike (no ASCII escapes, no spaces; numbers: build.py).
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return BuiltBundle(language, data["version"], data, body, hashlib.sha256(body).hexdigest())


def manifest_of(bundles: dict[str, BuiltBundle], *, alerts: bool = True) -> dict:
    """`/bundle/manifest.json`: the version and each language's content-hashed bundle.

    `alerts` says whether this site takes push subscriptions (a static copy does not)."""
    version = next(iter(bundles.values())).version
    body = {
        "version": version,
        "languages": {lang: {"url": b.url, "bytes": len(b.body), "sha256": b.sha256} for lang, b in bundles.items()},
        "delta_url": "/bundle/{lang}/delta?since={version}",
    }
    if alerts:
        body["alerts"] = "/push/key"
    return body


def bundle_languages(settings: Settings) -> list[str]:
    """The PWA's languages this directory offers, the source language always among them."""
    chosen = [code for code in settings.languages if code in UI_LANGUAGES] or list(UI_LANGUAGES)
    if settings.source_language in UI_LANGUAGES and settings.source_language not in chosen:
        chosen.insert(0, settings.source_language)
    return chosen


class BundleCache:
    def __init__(self, open_db: Callable[[], sqlite_utils.Database], settings: Callable[[], Settings]):
        self._open_db = open_db
        self._settings = settings
        self._lock = threading.Lock()  # one build at a time
        self._versions: dict[int, dict[str, BuiltBundle]] = {}
        self._state = threading.Lock()  # guards the two below
        self._wanted = False  # a reader saw a version not built yet
        self._builder: threading.Thread | None = None
        self._listeners: list[Callable[[dict[str, BuiltBundle]], None]] = []

    def current(self, *, fresh: bool = False) -> dict[str, BuiltBundle]:
        """Every language's bundle: the current version if built, else the last one built.

        A version not built yet is built in the background; only the very first call (nothing
        built yet) or `fresh=True` (publishing a snapshot, tests) builds here and waits."""
        db = self._open_db()
        try:
            version = latest_change(db)
            bundles = self._versions.get(version)
            if bundles is not None:
                return bundles
            if fresh or not self._versions:
                with self._lock:  # a caller that waited reuses the build it waited for
                    return self._versions.get(version) or self._build(db)
        finally:
            db.close()
        self._rebuild_soon()
        return self._versions[max(self._versions)]

    def on_built(self, listener: Callable[[dict[str, BuiltBundle]], None]) -> None:
        """Call `listener(bundles)` in the builder thread after each background build (to warm caches)."""
        self._listeners.append(listener)

    def _rebuild_soon(self) -> None:
        with self._state:
            self._wanted = True
            if self._builder is None:
                self._builder = threading.Thread(target=self._rebuild_loop, name="harbour-bundles", daemon=True)
                self._builder.start()

    def _rebuild_loop(self) -> None:
        while True:
            with self._state:
                if not self._wanted:
                    self._builder = None
                    return
                self._wanted = False
            try:
                self._rebuild_when_settled()
            except Exception:  # a builder that dies would leave readers on the old version for good
                log.exception("building the bundles failed; readers keep the last version")
                time.sleep(SETTLE_SECONDS)

    def _rebuild_when_settled(self) -> None:
        db = self._open_db()
        try:
            asked, seen = time.monotonic(), latest_change(db)
            while time.monotonic() - asked < MAX_STALE_SECONDS:
                time.sleep(SETTLE_SECONDS)
                now = latest_change(db)
                if now == seen and not sync_running(db):
                    break
                seen = now
            if seen in self._versions:
                return
            with self._lock:
                bundles = self._build(db, warm=True)
        finally:
            db.close()
        for listener in self._listeners:
            listener(bundles)

    def _build(self, db: sqlite_utils.Database, *, warm: bool = False) -> dict[str, BuiltBundle]:
        settings = self._settings()
        built = build_bundles(db, bundle_languages(settings), settings)
        bundles = {lang: encode(lang, data) for lang, data in built.items()}
        if warm and self._versions:
            # Compressed as phones asked for the last version, before anyone is offered this one.
            latest = self._versions[max(self._versions)]
            for language, bundle in bundles.items():
                for coding in list(latest[language]._encoded) if language in latest else ():
                    bundle.encoded(coding)
        # The build reads its own snapshot: file it under the version it saw.
        versions = dict(self._versions)  # readers iterate the old dict meanwhile: swap, never mutate
        versions[next(iter(bundles.values())).version] = bundles
        for old in sorted(versions)[:-KEEP_VERSIONS]:
            del versions[old]
        self._versions = versions
        return bundles

    def by_filename(self, filename: str) -> BuiltBundle | None:
        """A content-hashed file of the current or a recent version."""
        for bundles in [*list(self._versions.values()), self.current()]:
            for built in bundles.values():
                if built.filename == filename:
                    return built
        return None

    def open_db(self) -> sqlite_utils.Database:
        return self._open_db()

    @classmethod
    def for_instance(cls, instance) -> BundleCache:
        """One cache per instance for everything in this process that reads bundles (the
        PWA routes, the server-rendered pages): a 10,000-service directory builds once."""
        key = str(instance.directory_path.resolve())
        with _SHARED_LOCK:
            cache = _SHARED.get(key)
            if cache is None:
                cache = _SHARED[key] = cls(instance.directory, lambda: instance.settings)
            return cache


def sync_running(db: sqlite_utils.Database) -> bool:
    """A run is writing (one started within MAX_STALE_SECONDS: an older 'running' row was killed)."""
    since = (datetime.now(UTC) - timedelta(seconds=MAX_STALE_SECONDS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return db.execute(
        "SELECT 1 FROM sync_runs WHERE result = 'running' AND started > ? LIMIT 1", [since]
    ).fetchone() is not None


def offer_latest(instance) -> None:
    """Before phones are told of a change: the bundles this process serves include it, built here (not
    by the phones' requests) once writes have settled; while they go on (a sync), the builder is only
    asked, as a reader would. A process that serves no bundles has nothing to do."""
    cache = _SHARED.get(str(instance.directory_path.resolve()))
    if cache is None:
        return
    db = cache.open_db()
    try:
        seen = latest_change(db)
        time.sleep(SETTLE_SECONDS)
        settled = latest_change(db) == seen and not sync_running(db)
    finally:
        db.close()
    if settled:
        cache.current(fresh=True)
    else:
        cache.current()


# Held weakly: a cache lives as long as an app that uses it (tests make many apps).
_SHARED: weakref.WeakValueDictionary[str, BundleCache] = weakref.WeakValueDictionary()
_SHARED_LOCK = threading.Lock()
