"""/healthz: one short read and what the replicator last said, as JSON a monitor can alert on.

    200 {"status": "ok", …}         everything below is fine
    503 {"status": "degraded", …}   something needs a person; `problems` says what, one line each

It says
- `services`: how many services the directory holds (an index count);
- `feeds`: each feed's latest run — name, result (ok, not_modified, flagged, failed), when,
  and when it last succeeded; a feed whose latest run failed makes the status degraded;
- `replication` (null unless `harbour serve` replicates): the replicator's state (running or
  dead), how far behind the replica is (`behind_seconds`: seconds since each database's
  replica last caught up) and how many times it was restarted; dead, or behind by more than
  `replicate_max_lag` seconds, makes the status degraded.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from directory.instance import Instance


def route(instance: Instance) -> Route:
    def healthz(request: Request) -> JSONResponse:  # a plain function: Starlette runs it off the event loop
        replicator = getattr(request.app.state, "replicator", None)
        replication = replicator.status() if replicator is not None else None
        try:
            services, feeds = read_directory(instance)
        except sqlite3.Error as error:  # a health check that fails with a 500 tells a monitor nothing
            body = health(None, [], replication)
            body["problems"].insert(0, f"directory.db cannot be read: {error}")
            body["status"] = "degraded"
        else:
            body = health(services, feeds, replication)
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    return Route("/healthz", healthz)


def read_directory(instance: Instance) -> tuple[int, list[dict]]:
    """One read transaction on directory.db: no migration, no write, nothing to wait for."""
    conn = sqlite3.connect(f"file:{instance.directory_path}?mode=ro", uri=True, isolation_level=None)
    with closing(conn):
        conn.execute("BEGIN")
        services = conn.execute("SELECT count(*) FROM services").fetchone()[0]
        rows = conn.execute(
            "SELECT name, last_result, last_run, last_success FROM feeds WHERE last_run IS NOT NULL ORDER BY name"
        ).fetchall()
        conn.execute("COMMIT")
    feeds = [{"name": name, "result": result, "at": at, "last_success": success}
             for name, result, at, success in rows]
    return services, feeds


def health(services: int | None, feeds: list[dict], replication: dict | None) -> dict:
    """The whole answer from what was read (pure)."""
    problems = [f"feed {f['name']}: its last sync failed at {f['at']}" for f in feeds if f["result"] == "failed"]
    if replication is not None and replication.get("problem"):
        problems.append(f"replication: {replication['problem']}")
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "services": services,
        "feeds": feeds,
        "replication": replication,
    }
