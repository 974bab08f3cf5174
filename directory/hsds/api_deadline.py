"""Time limits on the queries of one HSDS API request.

Datasette serves from a few threads: a request that queries for seconds holds one of
them, and a handful of such requests starve every reader. Within
`time_limit(conn, query_ms)` each statement may run `query_ms` (Datasette's own
`sql_time_limit_ms`), and all of them together REQUEST_FACTOR times that: a full
page of nested records makes hundreds of quick queries, and must not run unbounded
either. SQLite's progress handler interrupts a statement that runs past its limit;
the trace callback, called as each statement starts, restarts the statement's clock
and interrupts the statement at once when the request's time is up. SQLite then
raises `OperationalError("interrupted")`: `is_interrupted` recognises it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

INSTRUCTIONS = 1000  # between two looks at the clock: about a tenth of a millisecond
REQUEST_FACTOR = 10


@contextmanager
def time_limit(conn: sqlite3.Connection, query_ms: int | None) -> Iterator[None]:
    if not query_ms:
        yield
        return
    per_query = query_ms / 1000
    started = time.perf_counter()
    request_deadline = started + per_query * REQUEST_FACTOR
    query_deadline = started + per_query

    def on_statement(sql: str) -> None:
        nonlocal query_deadline
        now = time.perf_counter()
        query_deadline = min(now + per_query, request_deadline)
        if now >= request_deadline:
            conn.interrupt()

    def late() -> bool:
        return time.perf_counter() >= query_deadline

    conn.set_progress_handler(late, INSTRUCTIONS)
    conn.set_trace_callback(on_statement)
    try:
        yield
    finally:
        conn.set_progress_handler(None, INSTRUCTIONS)
        conn.set_trace_callback(None)


def is_interrupted(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and error.args == ("interrupted",)
