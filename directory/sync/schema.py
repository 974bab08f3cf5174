"""Tables the sync engine adds, as migration steps (registered in directory/db/migrations.py)."""

from __future__ import annotations

import sqlite_utils


def create_contact_keys(db: sqlite_utils.Database) -> None:
    """directory.db: the blocking keys of duplicate detection, indexed (see duplicates/index.py)."""
    from directory.sync.duplicates import index  # only when migrating: it needs phonenumbers

    index.create_contact_keys(db)


def create_feed_pages(db: sqlite_utils.Database) -> None:
    """private.db: each page of a paged feed as last landed, so an identical page is not read again.

    `digest` is the SHA-256 of the page's bytes; `items` a JSON list of [source id,
    content hash] of its services. Private: it names the feed's URLs.
    """
    db.execute(
        """CREATE TABLE feed_pages (
            feed_name TEXT NOT NULL,
            url TEXT NOT NULL,
            digest TEXT NOT NULL,
            number INTEGER,
            last INTEGER NOT NULL,
            items TEXT NOT NULL,
            landed TEXT NOT NULL,
            PRIMARY KEY (feed_name, url)
        )"""
    )


def allow_placeholder_reviews(db: sqlite_utils.Database) -> None:
    """private.db: the review queue also holds placeholder organizations (see sync/placeholders.py).

    SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.
    """
    db.execute(
        """CREATE TABLE review_queue_new (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('conflict', 'duplicate', 'placeholder_organization')),
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            details TEXT NOT NULL,
            opened TEXT NOT NULL,
            closed TEXT,
            resolution TEXT
        )"""
    )
    db.execute("INSERT INTO review_queue_new SELECT * FROM review_queue")
    db.execute("DROP TABLE review_queue")
    db.execute("ALTER TABLE review_queue_new RENAME TO review_queue")
    db.execute("CREATE INDEX idx_review_queue_record ON review_queue (record_id)")
