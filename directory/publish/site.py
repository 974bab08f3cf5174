"""`harbour publish OUT`: an immutable snapshot of the directory and the offline app as static files.

    OUT/directory.db              the directory as of one version (VACUUM INTO), read-only
    OUT/datasette-metadata.json   `datasette OUT/directory.db --metadata OUT/datasette-metadata.json
                                   --plugins-dir datasette_plugins` publishes it as /data/ does
    OUT/site/                     the PWA for any static host: shell, service worker, per-language
                                   bundles and their manifest; each text file with .br and .gz beside
                                   it for hosts that serve precompressed files
    OUT/publish.json              what was published: version, time, counts, and each file's sha256

Nothing private is published: the snapshot is of directory.db alone. A static site has no
/push/ and no deltas: its manifest offers no alerts, and phones fetch a whole new bundle
when the site is published again. OUT must not exist (or be empty): a publication is never
changed afterwards; the files are written beside it and moved into place at the end, so a
failed run leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from directory.bundle.cache import BundleCache, manifest_of
from directory.bundle.compress import compress
from directory.bundle.shell import service_worker_source, shell_files
from directory.clock import now_iso
from directory.db import open_directory
from directory.instance import Instance
from directory.paths import PWA_DIR
from directory.web.datasette_metadata import METADATA_FILE, build_metadata

COMPRESSED_SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".webmanifest", ".txt")
ROBOTS = "User-agent: *\nAllow: /\n"


class PublishError(ValueError):
    """OUT cannot take a publication; the message says why, in one line."""


@dataclass
class Publication:
    out: Path
    version: int
    services: int
    languages: list[str]
    files: dict[str, str]  # path under OUT → sha256

    def summary(self) -> dict:
        return {"out": str(self.out), "version": self.version, "services": self.services,
                "languages": self.languages, "files": len(self.files)}


def publish(instance: Instance, out: Path) -> Publication:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} exists and is not an empty folder: each publication goes to a new one")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.publishing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        publication = _write(instance, staging)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publication.out = out
    return publication


LITESTREAM_TABLES = ("_litestream_seq", "_litestream_lock")


def _write(instance: Instance, staging: Path) -> Publication:
    snapshot = staging / "directory.db"
    with instance.reading() as db:
        db.execute("VACUUM INTO ?", [str(snapshot)])  # one consistent version, compact, no WAL
    settings = instance.settings
    (staging / METADATA_FILE).write_text(
        json.dumps(build_metadata(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    bundles = BundleCache(lambda: open_directory(snapshot), lambda: settings).current()
    with closing(open_directory(snapshot)) as db:
        services = db.execute("SELECT count(*) FROM services").fetchone()[0]
        for table in LITESTREAM_TABLES:  # a replicated directory.db carries them; a publication need not
            db.execute(f"DROP TABLE IF EXISTS [{table}]")
        db.execute("PRAGMA journal_mode = DELETE")  # a read-only copy needs no -wal or -shm beside it
    site = staging / "site"
    files: dict[str, bytes] = {("index.html" if url == "/" else url.lstrip("/")): body
                               for url, body in shell_files().items()}
    files["sw.js"] = service_worker_source().encode("utf-8")
    for icon in sorted((PWA_DIR / "icons").glob("*.png")):  # not precached, still needed to install
        files[f"icons/{icon.name}"] = icon.read_bytes()
    for built in bundles.values():
        files[f"bundle/{built.filename}"] = built.body
    files["bundle/manifest.json"] = json.dumps(manifest_of(bundles, alerts=False), separators=(",", ":")).encode()
    files["robots.txt"] = ROBOTS.encode()
    for relative, body in files.items():
        _write_file(site / relative, body)
        if relative.endswith(COMPRESSED_SUFFIXES):
            _write_file(site / f"{relative}.br", compress(body, "br"))
            _write_file(site / f"{relative}.gz", compress(body, "gzip"))
    version = next(iter(bundles.values())).version
    digests = {
        path.relative_to(staging).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(staging.rglob("*")) if path.is_file()
    }
    record = {"version": version, "published": now_iso(), "services": services, "languages": sorted(bundles),
              "files": digests}
    _write_file(staging / "publish.json", json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    for path in staging.rglob("*"):  # immutable: nobody edits a publication by accident
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return Publication(staging, version, services, sorted(bundles), digests)


def _write_file(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)

