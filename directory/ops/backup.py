"""`harbour backup OUT`: a whole, consistent copy of an instance, safe to take while it serves.

    OUT/directory.db        the public directory  } copied with SQLite's online backup API inside one
    OUT/private.db          accounts, queue, …    } read transaction: one committed state each
    OUT/harbour.toml        the instance's settings
    OUT/vapid_private.pem   the key phones' push subscriptions are tied to (0600)
    OUT/manifest.json       what is here: sizes, sha256, schema versions, when

A sync or a staff edit writing meanwhile is not waited for and does not wait (WAL mode:
readers and the writer do not block each other); what it has not committed when the copy
starts is not in the backup. OUT is written beside itself and moved into place at the end.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from directory.clock import now_iso
from directory.instance import Instance
from directory.ops.errors import OpsError
from directory.ops.folders import staged
from directory.ops.instance_files import (
    DATABASES,
    PLAIN_FILES,
    copy_private,
    schema_version,
    sha256_of,
    write_private,
)

MANIFEST = "manifest.json"
FORMAT = "harbour-backup/1"


@dataclass
class Backup:
    out: Path
    manifest: dict

    def summary(self) -> dict:
        return {"out": str(self.out), **self.manifest}


def backup(instance: Instance, out: Path) -> Backup:
    if not instance.exists():
        raise OpsError(f"no directory at {instance.directory_path}; nothing to back up")
    with staged(out, "backup") as staging:
        started = now_iso()
        copy_databases(instance.data_dir, staging)
        files = [_database_entry(staging, database.name) for database in DATABASES]
        for name, mode in PLAIN_FILES.items():
            source = instance.data_dir / name
            if source.exists():
                copy_private(source, staging / name, mode)
                files.append(_file_entry(staging, name, mode))
        manifest = {"format": FORMAT, "started": started, "finished": now_iso(),
                    "harbour": _version(), "files": files}
        write_private(staging / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode(), 0o600)
    return Backup(out, manifest)


def copy_databases(data_dir: Path, into: Path) -> None:
    """Both databases as of one moment: one connection reads both inside a single read transaction."""
    try:
        _copy_databases(data_dir, into)
    except sqlite3.DatabaseError as error:  # a missing or unreadable private.db, a disk full
        raise OpsError(f"cannot copy the databases of {data_dir}: {error}") from None


def _copy_databases(data_dir: Path, into: Path) -> None:
    first, second = DATABASES
    source = sqlite3.connect(f"file:{data_dir / first.name}?mode=ro", uri=True, isolation_level=None)
    with closing(source):
        source.execute("ATTACH DATABASE ? AS second", [f"file:{data_dir / second.name}?mode=ro"])
        source.execute("BEGIN")
        # The read transaction starts on each file at its first read; take both now, back to back.
        source.execute("SELECT count(*) FROM main.sqlite_master").fetchone()
        source.execute("SELECT count(*) FROM second.sqlite_master").fetchone()
        for schema, database in (("main", first), ("second", second)):
            target_path = into / database.name
            with closing(sqlite3.connect(target_path, isolation_level=None)) as target:
                source.backup(target, name=schema)  # all pages in one step, from this transaction
                # One self-contained file per database: no -wal beside it to lose on the way.
                target.execute("PRAGMA journal_mode = DELETE")
            target_path.chmod(0o600)
        source.execute("COMMIT")


def _database_entry(folder: Path, name: str) -> dict:
    path = folder / name
    return {"name": name, "kind": "sqlite", "bytes": path.stat().st_size, "sha256": sha256_of(path),
            "schema_version": schema_version(path)}


def _file_entry(folder: Path, name: str, mode: int) -> dict:
    path = folder / name
    return {"name": name, "kind": "file", "bytes": path.stat().st_size, "sha256": sha256_of(path),
            "mode": f"{mode:04o}"}


def _version() -> str:
    try:
        return metadata.version("harbour-directory")
    except metadata.PackageNotFoundError:
        return "unknown"
