"""Counts that describe a directory, for `harbour stats` and the staff pages."""

from __future__ import annotations

import sqlite_utils

from directory.store.changes import latest_change


def directory_stats(db: sqlite_utils.Database) -> dict:
    one = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
    withdrawn = "SELECT record_id FROM provenance WHERE table_name = 'services' AND deleted_at IS NOT NULL"
    return {
        "services": one(f"SELECT count(*) FROM services WHERE id NOT IN ({withdrawn})"),
        "services_active": one(f"SELECT count(*) FROM services WHERE status = 'active' AND id NOT IN ({withdrawn})"),
        "organizations": one("SELECT count(*) FROM organizations"),
        "locations": one("SELECT count(*) FROM locations"),
        "locations_with_coordinates": one(
            "SELECT count(*) FROM locations WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        ),
        "taxonomy_terms": one("SELECT count(*) FROM taxonomy_terms"),
        "change_version": latest_change(db),
        "categories": {
            row[0]: row[1]
            for row in db.execute(
                """SELECT coalesce(parent.name, term.name) AS category, count(DISTINCT a.link_id)
                   FROM attributes a
                   JOIN taxonomy_terms term ON term.id = a.taxonomy_term_id
                   JOIN term_details d ON d.term_id = term.id AND d.kind = 'category'
                   LEFT JOIN taxonomy_terms parent ON parent.id = term.parent_id
                   WHERE a.link_entity = 'service'
                   GROUP BY category ORDER BY category"""
            )
        },
        "translations": {
            row[0]: row[1]
            for row in db.execute(
                "SELECT language, count(*) FROM translations WHERE table_name = 'services'"
                " GROUP BY language ORDER BY language"
            )
        },
    }
