"""Opening a database: the same pragmas everywhere, then migrate to the current schema."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from directory.db import migrations

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection in WAL mode with foreign keys on and a busy timeout; no migration."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # Autocommit at the driver level: transactions are opened explicitly by db.atomic()/BEGIN.
    conn.isolation_level = None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = NORMAL")
    return sqlite_utils.Database(conn)


def open_directory(path: Path | str) -> sqlite_utils.Database:
    db = connect(path)
    migrations.migrate(db, migrations.DIRECTORY_MIGRATIONS)
    return db


def open_private(path: Path | str) -> sqlite_utils.Database:
    # Owner-only from the first byte: SQLite gives -wal and -shm the mode of the database file.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name) and os.stat(name).st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # another user's file: leave it to its owner
                os.chmod(name, 0o600)  # one made by an older version
    db = connect(path)
    migrations.migrate(db, migrations.PRIVATE_MIGRATIONS)
    return db
