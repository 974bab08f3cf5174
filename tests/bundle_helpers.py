"""What the bundle and delta tests share: the demo records, a notice written straight into
directory.db, and Starlette's test client (their `db` and `client` fixtures are in conftest.py)."""

from __future__ import annotations

import json
import warnings

from directory.paths import DEMO_DIR
from directory.store import Source
from directory.store.changes import log_change

with warnings.catch_warnings():
    # Starlette 1.x warns, on import, that its test client prefers httpx2; httpx works.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DEMO = Source("demo")


def demo_services() -> list[dict]:
    return json.loads((DEMO_DIR / "services.json").read_text(encoding="utf-8"))


def add_notice(db, notice_id: str, **columns) -> None:
    row = {"title": "Clinic closed", "body": "Closed for repairs.", "severity": "warning",
           "starts": "2026-01-01T00:00:00Z", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}
    row.update(columns, id=notice_id)
    db.execute(f"INSERT INTO notices ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    log_change(db, "notices", notice_id, "insert")



__all__ = ["DEMO", "TestClient", "add_notice", "demo_services"]


def rebuilt(cache, older: dict, timeout: float = 30.0) -> dict:
    """The bundles `cache` serves once its background rebuild has replaced `older` (polled, not timed)."""
    import time

    deadline = time.monotonic() + timeout
    while (bundles := cache.current()) is older and time.monotonic() < deadline:
        time.sleep(0.05)
    return bundles


def served_version(client, version: int, timeout: float = 30.0) -> int:
    """Wait until the server's manifest offers `version` (bundles are rebuilt aside, not on request)."""
    import time

    deadline = time.monotonic() + timeout
    while (seen := client.get("/bundle/manifest.json").json()["version"]) < version and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen


def wait_for_fresh_bundles(server) -> int:
    """Wait until a running server offers the bundles of its directory's latest change; return that version."""
    from contextlib import closing

    import httpx

    from directory.db.connection import connect
    from directory.store.changes import latest_change

    with closing(connect(server.data_dir / "directory.db")) as db:
        version = latest_change(db)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        return served_version(http, version)
