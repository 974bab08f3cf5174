"""The private database, `private.db`: everything about people and raw input.

Datasette is never given this file. Tables start empty; the staff, sync and push
features fill them.
"""

from __future__ import annotations

import sqlite_utils


def create_private_tables(db: sqlite_utils.Database) -> None:
    """Version 1."""
    statements = [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'publisher', 'viewer')),
            disabled_at TEXT,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE user_organizations (
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            organization_id TEXT NOT NULL,
            PRIMARY KEY (user_id, organization_id)
        )""",
        """CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )""",
        "CREATE INDEX idx_sessions_user_id ON sessions (user_id)",
        """CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created TEXT NOT NULL,
            revoked_at TEXT
        )""",
        "CREATE INDEX idx_api_tokens_user_id ON api_tokens (user_id)",
        """CREATE TABLE push_subscriptions (
            endpoint TEXT PRIMARY KEY NOT NULL,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            language TEXT NOT NULL,
            topics TEXT NOT NULL,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            fields TEXT,
            before TEXT,
            after TEXT
        )""",
        "CREATE INDEX idx_audit_log_record_id ON audit_log (record_id)",
        """CREATE TABLE review_queue (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('conflict', 'duplicate')),
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            details TEXT NOT NULL,
            opened TEXT NOT NULL,
            closed TEXT,
            resolution TEXT
        )""",
        """CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT,
            raw TEXT NOT NULL,
            reasons TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        """CREATE TABLE feed_secrets (
            feed_name TEXT PRIMARY KEY NOT NULL,
            credentials TEXT,
            etag TEXT,
            last_modified TEXT
        )""",
    ]
    for sql in statements:
        db.execute(sql)


def create_sync_tables(db: sqlite_utils.Database) -> None:
    """Version 2: how to reach each feed, what staff changed by hand, where quarantine came from."""
    db.execute(
        """CREATE TABLE feed_settings (
            name TEXT PRIMARY KEY NOT NULL,
            url TEXT NOT NULL,
            format TEXT NOT NULL,
            mapping TEXT,
            every_seconds INTEGER,
            allow_private INTEGER NOT NULL DEFAULT 0,
            added TEXT NOT NULL
        )"""
    )
    # Conditional-request validators per URL (a paged feed has one per page).
    db.execute(
        """CREATE TABLE feed_validators (
            feed_name TEXT NOT NULL,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            PRIMARY KEY (feed_name, url)
        )"""
    )
    # A field a staff member changed keeps their value while the feed sends the old one.
    db.execute(
        """CREATE TABLE field_overrides (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            field TEXT NOT NULL,
            local_value TEXT,
            upstream_value TEXT,
            set_at TEXT NOT NULL,
            PRIMARY KEY (table_name, record_id, field)
        )"""
    )
    db.execute("ALTER TABLE quarantine ADD COLUMN run_id INTEGER")
    db.execute("CREATE INDEX idx_quarantine_source ON quarantine (source, source_id)")
    db.execute("CREATE INDEX idx_review_queue_record ON review_queue (record_id)")


def create_account_tables(db: sqlite_utils.Database) -> None:
    """Version 3: sign-in attempts for lock-out, and tokens that can be named and revoked."""
    # One row per failed sign-in; `email_hash` is sha256 of the lower-cased e-mail as typed
    # (people sometimes type a password into the e-mail field: never keep that in clear).
    db.execute(
        """CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            email_hash TEXT NOT NULL,
            address TEXT NOT NULL,
            at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_login_attempts_key ON login_attempts (email_hash, address, at)")
    # The visible start of a token (`hb_XXXXXXXX`), so `harbour tokens revoke` can name it.
    db.execute("ALTER TABLE api_tokens ADD COLUMN prefix TEXT")
    db.execute("ALTER TABLE api_tokens ADD COLUMN last_used TEXT")
    db.execute("CREATE UNIQUE INDEX idx_api_tokens_prefix ON api_tokens (prefix)")


def create_edit_tables(db: sqlite_utils.Database) -> None:
    """Version 4: the versions of records handed to editors, so a stale save can say what changed."""
    db.execute(
        """CREATE TABLE record_versions (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            version TEXT NOT NULL,
            record TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (table_name, record_id, version)
        )"""
    )
    db.execute("CREATE INDEX idx_audit_log_at ON audit_log (at)")


def create_push_tables(db: sqlite_utils.Database) -> None:
    """Version 5: what each push fan-out sent, and how far the change log has been pushed."""
    db.execute("ALTER TABLE push_subscriptions ADD COLUMN updated TEXT")
    db.execute("ALTER TABLE push_subscriptions ADD COLUMN last_sent TEXT")
    # One row per message sent to many phones: a notice, or the changes up to a change-log seq.
    # `ref` is unique, so a notice is claimed once even when the CLI and the server race for it.
    db.execute(
        """CREATE TABLE push_deliveries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('notice', 'changes')),
            ref TEXT NOT NULL UNIQUE,
            queued TEXT NOT NULL,
            finished TEXT,
            recipients INTEGER NOT NULL DEFAULT 0,
            sent INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            retried INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE TABLE push_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")


def create_run_problems(db: sqlite_utils.Database) -> None:
    """Version 8: every problem a sync or import run met, for the publisher's page and CSV.

    Keyed by the run's id in directory.db `sync_runs`; `feed` is the run's name there
    (a feed's, or `import:NAME`). Capped per run (see directory/sync/report.py).
    """
    db.execute(
        """CREATE TABLE run_problems (
            run_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            feed TEXT NOT NULL,
            kind TEXT NOT NULL,
            what TEXT NOT NULL,
            file TEXT,
            line INTEGER,
            record TEXT,
            field TEXT,
            PRIMARY KEY (run_id, seq)
        )"""
    )
    db.execute("CREATE INDEX idx_run_problems_feed ON run_problems (feed, run_id)")


def create_record_problems(db: sqlite_utils.Database) -> None:
    """Version 9: what a feed record's last landing repaired or dropped, kept with the record.

    A record a later run finds unchanged is not cleaned again, yet its problems still stand
    (the feed still lacks that phone number): each run reports them from here (sync/remembered.py).
    """
    db.execute(
        """CREATE TABLE record_problems (
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            problems TEXT NOT NULL,
            PRIMARY KEY (source, source_id)
        )"""
    )
