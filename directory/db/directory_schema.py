"""The public database, `directory.db`: HSDS 3.0 tables plus Harbour's extensions.

Nothing about people lives here: no accounts, no e-mail of staff, no subscriptions.
Each function is one shipped migration step; see migrations.py.
"""

from __future__ import annotations

import sqlite_utils

from directory.hsds.tables import create_table_sql, hsds_tables

TRANSLATION_STATUSES = ("source", "human", "machine", "outdated")


def create_hsds_tables(db: sqlite_utils.Database) -> None:
    """Version 1: every HSDS table, with foreign keys and an index on each of them."""
    for table in hsds_tables().values():
        db.execute(create_table_sql(table))
        for column, _ in table.foreign_keys:
            db.execute(f"CREATE INDEX [idx_{table.name}_{column}] ON [{table.name}] ([{column}])")
    # Attributes and metadata link to any record by id rather than by foreign key.
    db.execute("CREATE INDEX idx_attributes_link_id ON attributes (link_id)")
    db.execute("CREATE INDEX idx_metadata_resource_id ON metadata (resource_id)")


def create_harbour_extensions(db: sqlite_utils.Database) -> None:
    """Version 2: translations, provenance, change log and the taxonomy's extras."""
    statuses = ", ".join(f"'{s}'" for s in TRANSLATION_STATUSES)
    db.execute(
        f"""CREATE TABLE translations (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            field TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            updated TEXT NOT NULL,
            PRIMARY KEY (table_name, record_id, field, language)
        )"""
    )
    db.execute("CREATE INDEX idx_translations_record ON translations (record_id)")
    db.execute("CREATE INDEX idx_translations_language ON translations (language, table_name)")
    db.execute(
        """CREATE TABLE provenance (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            source TEXT NOT NULL,
            source_id TEXT,
            content_hash TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            deleted_at TEXT,
            PRIMARY KEY (table_name, record_id, source)
        )"""
    )
    db.execute("CREATE INDEX idx_provenance_record ON provenance (record_id)")
    db.execute(
        """CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_changes_record ON changes (table_name, record_id)")
    db.execute(
        """CREATE TABLE term_details (
            term_id TEXT PRIMARY KEY NOT NULL REFERENCES taxonomy_terms (id),
            kind TEXT NOT NULL CHECK (kind IN ('category', 'attribute')),
            icon TEXT,
            sort_order INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE taxonomy_mappings (
            scheme TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT,
            term_id TEXT NOT NULL REFERENCES taxonomy_terms (id),
            PRIMARY KEY (scheme, code)
        )"""
    )
    db.execute("CREATE INDEX idx_taxonomy_mappings_term_id ON taxonomy_mappings (term_id)")


def create_full_text_search(db: sqlite_utils.Database) -> None:
    """Version 3: FTS5 over service names, descriptions and all their translations.

    One row per service, rowid = services.rowid, so Datasette's `_search` works on
    the services table; the store keeps it current (see store/search_index.py).
    """
    db.execute(
        """CREATE VIRTUAL TABLE services_fts USING fts5 (
            name, description, translations,
            tokenize = 'unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """INSERT INTO services_fts (rowid, name, description, translations)
           SELECT s.rowid, s.name, coalesce(s.description, ''),
                  coalesce((SELECT group_concat(t.text, ' ') FROM translations t
                            WHERE t.table_name = 'services' AND t.record_id = s.id), '')
           FROM services s"""
    )


def create_service_directory_view(db: sqlite_utils.Database) -> None:
    """Version 4: one row per listed service with its categories and languages as JSON arrays.

    Datasette facets arrays (`_facet_array`), so a reader can narrow services by
    category, language and status on one page. Withdrawn services are left out.
    """
    db.execute(
        """CREATE VIEW service_directory AS
        SELECT s.id, s.name, o.name AS organization, s.status,
          (SELECT json_group_array(DISTINCT coalesce(parent.name, t.name)) FROM attributes a
             JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
             JOIN term_details d ON d.term_id = t.id AND d.kind = 'category'
             LEFT JOIN taxonomy_terms parent ON parent.id = t.parent_id
           WHERE a.link_id = s.id) AS categories,
          (SELECT json_group_array(t.name) FROM attributes a
             JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
             JOIN term_details d ON d.term_id = t.id AND d.kind = 'attribute'
           WHERE a.link_id = s.id) AS access,
          (SELECT json_group_array(DISTINCT l.code) FROM languages l
           WHERE l.service_id = s.id AND l.code IS NOT NULL) AS languages,
          s.assured_date, s.last_modified
        FROM services s JOIN organizations o ON o.id = s.organization_id
        WHERE s.id NOT IN (SELECT record_id FROM provenance WHERE table_name = 'services'
                           GROUP BY record_id HAVING count(deleted_at) = count(*))"""
    )


def create_feed_tables(db: sqlite_utils.Database) -> None:
    """Version 5: public facts about feeds and their sync runs, and cross-feed duplicate links.

    A feed's URL, credentials and validators are private (private.db); who publishes
    it, in which format, under which licence and how its last runs went are public,
    so Datasette and the PWA can say where a listing comes from.
    """
    db.execute(
        """CREATE TABLE feeds (
            name TEXT PRIMARY KEY NOT NULL,
            format TEXT NOT NULL,
            publisher_id TEXT REFERENCES organizations (id),
            licence TEXT,
            added TEXT NOT NULL,
            last_run TEXT,
            last_result TEXT,
            last_success TEXT,
            services INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX idx_feeds_publisher_id ON feeds (publisher_id)")
    db.execute(
        """CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY,
            feed TEXT NOT NULL REFERENCES feeds (name) ON DELETE CASCADE,
            started TEXT NOT NULL,
            finished TEXT,
            result TEXT NOT NULL CHECK (result IN ('running', 'ok', 'not_modified', 'flagged', 'failed')),
            fetched INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            quarantined INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            not_modified INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            message TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_sync_runs_feed ON sync_runs (feed)")
    db.execute(
        """CREATE TABLE service_links (
            service_id TEXT NOT NULL REFERENCES services (id),
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            score REAL NOT NULL,
            linked TEXT NOT NULL,
            decided_by TEXT NOT NULL CHECK (decided_by IN ('sync', 'staff')),
            PRIMARY KEY (source, source_id)
        )"""
    )
    db.execute("CREATE INDEX idx_service_links_service_id ON service_links (service_id)")
    # A feed's next run finds its records by the ids the feed uses.
    db.execute("CREATE INDEX idx_provenance_source ON provenance (source, source_id)")


def create_notices(db: sqlite_utils.Database) -> None:
    """Version 6: urgent notices (a clinic closed tomorrow, a scam warning) shown on top in the PWA.

    Title and body are in the source language; their translations live in
    `translations` with table_name 'notices'. A notice targets everyone, a
    category (a Harbour taxonomy term) or an area (free text such as a postcode
    district), and is shown between `starts` and `ends`.
    """
    db.execute(
        """CREATE TABLE notices (
            id TEXT PRIMARY KEY NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            severity TEXT NOT NULL DEFAULT 'info' CHECK (severity IN ('info', 'warning', 'urgent')),
            category_id TEXT REFERENCES taxonomy_terms (id),
            area TEXT,
            service_id TEXT REFERENCES services (id),
            starts TEXT NOT NULL,
            ends TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            withdrawn TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_notices_category_id ON notices (category_id)")
    db.execute("CREATE INDEX idx_notices_service_id ON notices (service_id)")


def create_feed_terms(db: sqlite_utils.Database) -> None:
    """Version 8: the terms a feed tags services with that map to no Harbour term.

    `feed_term_services` says which of the feed's services carry each (a term mapped
    later is applied to them at once); `feed_terms` is the to-do list staff see, each
    term with how many live services carry it and the Harbour term suggested for it.
    Public like the feeds themselves: the terms are the feed's published data.
    """
    db.execute(
        """CREATE TABLE feed_terms (
            feed TEXT NOT NULL REFERENCES feeds (name) ON DELETE CASCADE,
            scheme TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            services INTEGER NOT NULL DEFAULT 0,
            suggested_term_id TEXT REFERENCES taxonomy_terms (id),
            PRIMARY KEY (feed, scheme, code, label)
        )"""
    )
    db.execute("CREATE INDEX idx_feed_terms_suggested_term_id ON feed_terms (suggested_term_id)")
    db.execute(
        """CREATE TABLE feed_term_services (
            feed TEXT NOT NULL REFERENCES feeds (name) ON DELETE CASCADE,
            scheme TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            service_id TEXT NOT NULL,
            PRIMARY KEY (feed, scheme, code, label, service_id)
        )"""
    )
    db.execute("CREATE INDEX idx_feed_term_services_service_id ON feed_term_services (service_id)")


def create_run_reports(db: sqlite_utils.Database) -> None:
    """Version 9: a run may end `ok_with_problems`, keeps its problem counts, and may be an import.

    `problems` is a JSON object of counts by kind ({"set_aside": 3, …}); the problem rows
    themselves are private (private.db `run_problems`), since they quote the input. A run of
    `harbour import` is named `import:NAME` and has no row in `feeds`, so the link to it goes.
    SQLite cannot change a CHECK or a foreign key in place: the table is rebuilt.
    """
    db.execute(
        """CREATE TABLE sync_runs_new (
            id INTEGER PRIMARY KEY,
            feed TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            result TEXT NOT NULL
                CHECK (result IN ('running', 'ok', 'ok_with_problems', 'not_modified', 'flagged', 'failed')),
            fetched INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            quarantined INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            not_modified INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            message TEXT,
            problems TEXT
        )"""
    )
    db.execute(
        "INSERT INTO sync_runs_new (id, feed, started, finished, result, fetched, created, updated, unchanged,"
        " deleted, quarantined, duplicates, not_modified, errors, message)"
        " SELECT id, feed, started, finished, result, fetched, created, updated, unchanged,"
        " deleted, quarantined, duplicates, not_modified, errors, message FROM sync_runs"
    )
    db.execute("DROP TABLE sync_runs")
    db.execute("ALTER TABLE sync_runs_new RENAME TO sync_runs")
    db.execute("CREATE INDEX idx_sync_runs_feed ON sync_runs (feed)")
