"""Feed runs off the request path, one at a time per feed.

A staff member's "Run the feed now" must not hold a request (and a server thread)
for a whole sync, and the scheduler must not start a feed that is already running:
a second run would find the first "running" and mark it interrupted. Both go through
`run_alone`, which refuses a feed this process is already running.
"""

from __future__ import annotations

import logging
import threading

from directory.instance import Instance
from directory.sync.report import RunReport

log = logging.getLogger("harbour.sync")

_lock = threading.Lock()
_running: set[tuple[str, str]] = set()  # (data dir, feed name) of the runs in progress in this process


def _key(instance: Instance, name: str) -> tuple[str, str]:
    return (str(instance.data_dir), name)


def is_running(instance: Instance, name: str) -> bool:
    with _lock:
        return _key(instance, name) in _running


def run_alone(instance: Instance, name: str) -> RunReport | None:
    """Run the feed now in this thread, unless it is already running here (then None)."""
    if not _claim(instance, name):
        return None
    try:
        return _sync(instance, name)
    finally:
        _release(instance, name)


def start_run(instance: Instance, name: str) -> bool:
    """Start the feed in a thread of its own and return at once; False when it is already running."""
    if not _claim(instance, name):
        return False

    def work() -> None:
        try:
            _sync(instance, name)
        except Exception:  # logged; the run's row says "interrupted" when the feed next runs
            log.exception("sync %s failed", name)
        finally:
            _release(instance, name)

    threading.Thread(target=work, name=f"harbour-sync-{name}", daemon=True).start()
    return True


def _claim(instance: Instance, name: str) -> bool:
    with _lock:
        if _key(instance, name) in _running:
            return False
        _running.add(_key(instance, name))
        return True


def _release(instance: Instance, name: str) -> None:
    with _lock:
        _running.discard(_key(instance, name))


def _sync(instance: Instance, name: str) -> RunReport:
    from directory.sync.run import sync_feed  # the run pulls in the whole sync engine

    report = sync_feed(instance, name)
    log.warning("sync %s: %s %s", name, report.result, report.message or "")
    return report
