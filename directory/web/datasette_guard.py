"""What anonymous SQL at /data/ may do to the process that runs it.

Datasette lets anyone run a SELECT over directory.db and stops it after its time
limit. A SELECT can still call functions that reach past the data — the FTS3
tokenizer pointer (read, and with two arguments overwritten), a gigabyte from one
`randomblob()` — or read the file's absolute path from `pragma_database_list`.
`guard_connection` is applied to every connection Datasette opens (its
`prepare_connection` hook, in datasette_plugins/harbour_guard.py): an authorizer
refuses those functions and hides that column, and SQLite's own limits cap what one
statement may build. Datasette's time limit stays as it is.
"""

from __future__ import annotations

import sqlite3

# Functions that expose or change the process (pointers, extensions) or exist only to
# allocate: none has a use in reading a directory of services.
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "fts5", "load_extension", "randomblob", "zeroblob"})
# Columns read as NULL: the absolute path of each attached database file.
HIDDEN_COLUMNS = frozenset({("pragma_database_list", "file")})

MEGABYTE = 1024 * 1024
# Generous for this data (the longest text in a directory is a few kilobytes, an HSDS
# API page a few hundred), small next to the memory of the smallest server.
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 8 * MEGABYTE,  # any string or blob one statement builds
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100 * 1024,
    sqlite3.SQLITE_LIMIT_COLUMN: 500,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}


def authorize(action: int, first: str | None, second: str | None, database: str | None, source: str | None) -> int:
    """sqlite3 authorizer: refuse the denied functions, blank the hidden columns, allow the rest."""
    if action == sqlite3.SQLITE_FUNCTION and second and second.lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and first and second and (first.lower(), second.lower()) in HIDDEN_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def guard_connection(conn: sqlite3.Connection) -> None:
    """Make `conn` fit for anonymous SQL: the authorizer above and the limits."""
    conn.set_authorizer(authorize)
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
