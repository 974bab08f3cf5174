"""Writers of one database file take turns, first come first served, inside one process.

SQLite lets one connection write at a time and makes the others poll (the busy
timeout). Polling is not fair: a sync that commits a page and at once begins the
next can win every time, so a staff save polling beside it waits for the whole
run. A queue in front of SQLite's own lock hands the turn to whoever asked first,
so a save waits for one page of a sync, not for all of them. Across processes
(a `harbour sync` beside `harbour serve`) SQLite's busy timeout does the same
job, with each write transaction kept short.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque


class WriteTimeout(sqlite3.OperationalError):
    """No turn to write came within the timeout: the database is busy, nothing was written."""


class WriteTurns:
    """A FIFO lock: `release` hands the turn straight to the longest waiter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if not self._taken and not self._waiting:
                self._taken = True
                return True
            granted = threading.Event()
            self._waiting.append(granted)
        if granted.wait(timeout):
            return True
        with self._lock:
            if granted.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(granted)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # still taken: it is theirs now
            else:
                self._taken = False

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._waiting)


_TURNS: dict[str, WriteTurns] = {}
_TURNS_LOCK = threading.Lock()


def turns_for(path: str) -> WriteTurns:
    """The one queue of this process for the database file at `path`."""
    key = os.path.realpath(path)
    with _TURNS_LOCK:
        turns = _TURNS.get(key)
        if turns is None:
            turns = _TURNS[key] = WriteTurns()
        return turns
