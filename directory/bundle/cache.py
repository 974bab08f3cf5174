"""Built bundles kept in memory per (language, version), so a request never rebuilds.

A new version in the change log makes the next request build every language once,
from one read of the database; the previous version stays for a while, so a phone
holding the old manifest can still fetch the file it names.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from directory.bundle.build import build_bundles
from directory.bundle.compress import compress
from directory.config import UI_LANGUAGES, Settings
from directory.store.changes import latest_change

KEEP_VERSIONS = 2
HASH_PREFIX = 16  # hex digits of sha256 in a bundle's file name


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
        self._lock = threading.Lock()
        self._versions: dict[int, dict[str, BuiltBundle]] = {}

    def current(self) -> dict[str, BuiltBundle]:
        """Every language's bundle at the directory's current version (built if need be)."""
        db = self._open_db()
        try:
            version = latest_change(db)
            bundles = self._versions.get(version)
            if bundles is None:
                with self._lock:  # one build at a time; a caller that waited reuses it
                    bundles = self._versions.get(version) or self._build(db)
            return bundles
        finally:
            db.close()

    def _build(self, db: sqlite_utils.Database) -> dict[str, BuiltBundle]:
        settings = self._settings()
        built = build_bundles(db, bundle_languages(settings), settings)
        bundles = {lang: encode(lang, data) for lang, data in built.items()}
        # The build reads its own snapshot: file it under the version it saw.
        self._versions[next(iter(bundles.values())).version] = bundles
        for old in sorted(self._versions)[:-KEEP_VERSIONS]:
            del self._versions[old]
        return bundles

    def by_filename(self, filename: str) -> BuiltBundle | None:
        """A content-hashed file of the current or a recent version."""
        for bundles in [*self._versions.values(), self.current()]:
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


# Held weakly: a cache lives as long as an app that uses it (tests make many apps).
_SHARED: weakref.WeakValueDictionary[str, BundleCache] = weakref.WeakValueDictionary()
_SHARED_LOCK = threading.Lock()
