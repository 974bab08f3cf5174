"""Inside `harbour serve`: sync each feed when its interval has passed, off the request path.

A daemon thread wakes every `tick` seconds and runs due feeds one after another.
Readers never wait: directory.db is in WAL mode, so they keep reading the last
committed state while a run writes. Staff saves wait for one short transaction of
the run, not for the run: writers take turns (db/turns.py, sync/chunks.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import sqlite_utils

from directory.instance import Instance

log = logging.getLogger("harbour.sync")


def due_feeds(db: sqlite_utils.Database, private: sqlite_utils.Database, now: datetime) -> list[str]:
    """Feeds with an interval whose last run is older than it (or that never ran)."""
    last_runs = dict(db.execute("SELECT name, last_run FROM feeds").fetchall())
    due = []
    for name, every in private.execute(
        "SELECT name, every_seconds FROM feed_settings WHERE every_seconds IS NOT NULL ORDER BY name"
    ):
        last = last_runs.get(name)
        if last is None or (now - _parse(last)).total_seconds() >= every:
            due.append(name)
    return due


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Scheduler:
    def __init__(self, instance: Instance, tick: float = 30.0):
        self.instance, self.tick = instance, tick
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="harbour-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _loop(self) -> None:
        from directory.sync.background import run_alone

        while not self.stopping.is_set():
            try:
                db, private = self.instance.directory(), self.instance.private()
                try:
                    names = due_feeds(db, private, datetime.now(UTC))
                finally:
                    db.close()
                    private.close()
                for name in names:
                    if self.stopping.is_set():
                        break
                    run_alone(self.instance, name)  # passed over while staff have it running
            except Exception:  # a scheduler that dies silently would stop every feed
                log.exception("scheduled sync failed")
            self.stopping.wait(self.tick)
