"""Schema versions, kept in SQLite's `user_version`.

Each database has an ordered list of migrations; opening a database runs the ones it
has not had yet, each in its own transaction, so an old database upgrades itself.
Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from directory.db import directory_schema, private_schema
from directory.sync import schema as sync_schema

Migration = Callable[[sqlite_utils.Database], None]

DIRECTORY_MIGRATIONS: list[Migration] = [
    directory_schema.create_hsds_tables,
    directory_schema.create_harbour_extensions,
    directory_schema.create_full_text_search,
    directory_schema.create_service_directory_view,
    directory_schema.create_feed_tables,
    directory_schema.create_notices,
    sync_schema.create_contact_keys,
    directory_schema.create_feed_terms,
    directory_schema.create_run_reports,
]

PRIVATE_MIGRATIONS: list[Migration] = [
    private_schema.create_private_tables,
    private_schema.create_sync_tables,
    private_schema.create_account_tables,
    private_schema.create_edit_tables,
    private_schema.create_push_tables,
    sync_schema.create_feed_pages,
    sync_schema.allow_placeholder_reviews,
    private_schema.create_run_problems,
    private_schema.create_record_problems,
]


def current_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, migrations: list[Migration], target: int | None = None) -> int:
    """Run the migrations after the database's version, up to `target` (default: all)."""
    target = len(migrations) if target is None else target
    version = current_version(db)
    while version < target:
        migration = migrations[version]
        with db.atomic():  # one transaction per step; user_version is transactional in SQLite
            migration(db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")
    return version
