"""harbour.toml and the VAPID key travel with the replica inside a small SQLite file of their own.

Litestream replicates SQLite databases, nothing else. Rather than a second way to reach
the store (and a second set of credentials), the plain files an instance needs are
copied into `DIR/carried-files.db`, which Litestream replicates beside the two
databases; a restore from the replica unpacks them, checking each one's sha256. The file
is rewritten whenever one of them changes (`harbour push keys` while serving, say), and
made again on every start, so it is never backed up or restored itself.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from directory.clock import now_iso
from directory.ops.errors import OpsError
from directory.ops.instance_files import PLAIN_FILES, sha256_of, write_private

CARRIED_DB = "carried-files.db"


def signature(data_dir: Path) -> tuple:
    """What changes when a carried file does: each one's size and modification time."""
    result = []
    for name in PLAIN_FILES:
        try:
            stat = (data_dir / name).stat()
            result.append((name, stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            result.append((name, None, None))
    return tuple(result)


def carry(data_dir: Path) -> None:
    """Write the current plain files into DIR/carried-files.db (WAL mode, as Litestream needs)."""
    conn = sqlite3.connect(data_dir / CARRIED_DB, isolation_level=None, timeout=10)
    with closing(conn):
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY NOT NULL, mode INTEGER NOT NULL,"
            " sha256 TEXT NOT NULL, content BLOB NOT NULL, saved TEXT NOT NULL)"
        )
        conn.execute("BEGIN IMMEDIATE")
        for name, mode in PLAIN_FILES.items():
            path = data_dir / name
            if not path.exists():
                conn.execute("DELETE FROM files WHERE name = ?", [name])
                continue
            body = path.read_bytes()
            conn.execute(
                "INSERT INTO files (name, mode, sha256, content, saved) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET mode = excluded.mode, sha256 = excluded.sha256,"
                " content = excluded.content, saved = excluded.saved WHERE sha256 != excluded.sha256",
                [name, mode, sha256_of(path), body, now_iso()],
            )
        conn.execute("COMMIT")
    (data_dir / CARRIED_DB).chmod(0o600)


def unpack(carried: Path, into: Path, where: str) -> list[str]:
    """Write the files held in `carried` into `into`, each checked against its sha256."""
    try:
        with closing(sqlite3.connect(f"file:{carried}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT name, mode, sha256, content FROM files").fetchall()
    except sqlite3.DatabaseError as error:
        raise OpsError(f"{where}: {CARRIED_DB} cannot be read ({error})") from None
    names = []
    for name, _mode, digest, content in rows:
        if name not in PLAIN_FILES:
            raise OpsError(f"{where}: {CARRIED_DB} holds {name!r}, which is not part of an instance")
        write_private(into / name, content, PLAIN_FILES[name])
        if sha256_of(into / name) != digest:
            raise OpsError(f"{where}: {name} does not match its sha256 in {CARRIED_DB}")
        names.append(name)
    return names
