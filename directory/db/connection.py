"""Opening a database: the same pragmas everywhere, then migrate to the current schema.

Every connection is a `TurnTakingConnection`: a write transaction (`BEGIN`, as
sqlite-utils' `db.atomic()` issues it, or `BEGIN IMMEDIATE`) and a write statement
outside a transaction first wait their turn in this process's queue for the file
(turns.py), then take SQLite's write lock at once. In WAL mode a deferred
transaction that has read and then writes fails at once with "database is
locked" when another writer committed meanwhile (the busy timeout does not
apply to that upgrade), so write transactions are IMMEDIATE. `BEGIN DEFERRED`
stays a read transaction: readers never queue behind writers.

Across processes (a `harbour sync` beside `harbour serve`) SQLite's busy handler
polls, and a run that commits and begins again within microseconds would win
nearly every time. So a writer waiting for SQLite's lock says so, with a shared
`flock` on `DB-waiting` while it waits, and a writer about to begin first lets
such waiters in (up to `YIELD_SECONDS`): a staff save waits for one short
transaction of a sync, not for the run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from directory.db import migrations
from directory.db.turns import WriteTimeout, WriteTurns, turns_for

# How long a writer waits for its turn before "database is locked" (a request answers 503); tests shorten it.
BUSY_TIMEOUT_MS = int(os.environ.get("HARBOUR_BUSY_TIMEOUT_MS", "15000"))
YIELD_SECONDS = 1.0  # at most this long a writer stands aside for other processes' waiting writers

# Statements that write when run on their own (outside a transaction).
_WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"}
_FIRST_WORDS = re.compile(r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(\w+)(?:\s+(\w+))?", re.S)


def _kind(sql: str) -> str | None:
    """'begin' for a write transaction, 'write' for a lone write statement, else None."""
    match = _FIRST_WORDS.match(sql)
    if not match:
        return None
    first, second = match.group(1).upper(), (match.group(2) or "").upper()
    if first == "BEGIN":
        return None if second == "DEFERRED" else "begin"
    return "write" if first in _WRITES else None


class TurnTakingConnection(sqlite3.Connection):
    turns: WriteTurns
    waiting_path: str
    holding = False
    _waiting_fd: int | None = None

    def execute(self, sql, parameters=(), /):
        kind = None if self.in_transaction or self.holding else _kind(sql)
        if kind:
            self._take_turn()
            if kind == "begin":
                sql = "BEGIN IMMEDIATE"
        try:
            if kind:
                with self._waiting_for_sqlite():
                    return super().execute(sql, parameters)
            return super().execute(sql, parameters)
        finally:
            self._maybe_give_turn()

    def executemany(self, sql, parameters, /):
        kind = None if self.in_transaction or self.holding else _kind(sql)
        if kind == "write":
            self._take_turn()
        try:
            if kind == "write":
                with self._waiting_for_sqlite():
                    return super().executemany(sql, parameters)
            return super().executemany(sql, parameters)
        finally:
            self._maybe_give_turn()

    def commit(self):
        try:
            super().commit()
        finally:
            self._maybe_give_turn()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._maybe_give_turn()

    def close(self):
        try:
            super().close()
        finally:
            self._let_go()

    def __del__(self):
        self._let_go()  # a connection dropped mid-transaction must not keep the turn

    def _let_go(self) -> None:
        self._give_turn()
        if self._waiting_fd is not None:
            os.close(self._waiting_fd)
            self._waiting_fd = None

    def _take_turn(self) -> None:
        if not self.turns.acquire(BUSY_TIMEOUT_MS / 1000):
            raise WriteTimeout(
                f"database is locked: other writers kept it busy for {BUSY_TIMEOUT_MS // 1000} s; nothing was written"
            )
        self.holding = True

    @contextlib.contextmanager
    def _waiting_for_sqlite(self):
        """Let other processes' waiting writers in first, then wait (announced) for SQLite's lock."""
        if self._waiting_fd is None:
            self._waiting_fd = os.open(self.waiting_path, os.O_RDWR | os.O_CREAT, 0o600)
        fd = self._waiting_fd
        deadline = time.monotonic() + YIELD_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no one announced: go
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
        fcntl.flock(fd, fcntl.LOCK_SH)  # from exclusive (or nothing) to shared: "I am waiting"
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _maybe_give_turn(self) -> None:
        try:
            ended = not self.in_transaction
        except sqlite3.ProgrammingError:  # closed
            ended = True
        if ended:
            self._give_turn()

    def _give_turn(self) -> None:
        if self.holding:
            self.holding = False
            self.turns.release()


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection in WAL mode with foreign keys on and a busy timeout; no migration."""
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, factory=TurnTakingConnection
    )
    conn.turns = turns_for(str(path))
    conn.waiting_path = f"{path}-waiting"
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
    # Only a file we create is opened here: closing any descriptor of a database file drops every
    # POSIX lock this process holds on it, the locks of SQLite's other connections included.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        try:
            mode = os.stat(name).st_mode
        except FileNotFoundError:  # none yet, or the last connection elsewhere just removed its -wal
            continue
        if mode & 0o077:
            with contextlib.suppress(PermissionError, FileNotFoundError):  # another user's, or gone meanwhile
                os.chmod(name, 0o600)  # one made by an older version
    db = connect(path)
    migrations.migrate(db, migrations.PRIVATE_MIGRATIONS)
    return db


__all__ = ["BUSY_TIMEOUT_MS", "WriteTimeout", "connect", "open_directory", "open_private"]
