"""Which parts of a bundle the changes in (since, until] can have touched, from the change log.

A change is logged against the record it belongs to (a service with its phones and
schedules, an organization, a location, a taxonomy term, a notice) or, for a
translation, against the translated row (`set_translation`). Each table below says how
to get from a changed row to the services that show it; tables the bundle does not
carry touch nothing. A changed row that no longer exists (purged) can no longer say
whom it touched, so it asks for a full bundle, as does a table nobody mapped yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

# Every query takes the changed row's id once per `?` and returns service ids.
_VIA_LOCATION = "SELECT service_id FROM service_at_location WHERE location_id = ({})"
_VIA_SAL = "SELECT service_id FROM service_at_location WHERE id = ({})"


def _row_links(table: str) -> list[str]:
    """Services of a row hanging from a service, a service-at-location or a location."""
    column = f"SELECT {{}} FROM [{table}] WHERE id = ?"
    return [
        column.format("service_id"),
        _VIA_SAL.format(column.format("service_at_location_id")),
        _VIA_LOCATION.format(column.format("location_id")),
    ]


SERVICES_OF: dict[str, list[str]] = {
    "services": ["SELECT ?"],
    "organizations": [
        "SELECT id FROM services WHERE organization_id = ?",
        # the publisher of a feed names where its services come from (sources.py)
        "SELECT p.record_id FROM provenance p JOIN feeds f ON p.source = 'feed:' || f.name"
        " WHERE f.publisher_id = ? AND p.table_name = 'services'",
    ],
    "locations": [_VIA_LOCATION.format("?")],
    "service_at_location": [_VIA_SAL.format("?")],
    "phones": _row_links("phones"),
    "schedules": _row_links("schedules"),
    "languages": [
        *_row_links("languages"),
        *(q.format("(SELECT phone_id FROM languages WHERE id = ?)") for q in (
            "SELECT service_id FROM phones WHERE id = {}",
            _VIA_SAL.format("SELECT service_at_location_id FROM phones WHERE id = {}"),
            _VIA_LOCATION.format("SELECT location_id FROM phones WHERE id = {}"),
        )),
    ],
    "cost_options": ["SELECT service_id FROM cost_options WHERE id = ?"],
    "required_documents": ["SELECT service_id FROM required_documents WHERE id = ?"],
    "accessibility": [_VIA_LOCATION.format("SELECT location_id FROM accessibility WHERE id = ?")],
    "addresses": [_VIA_LOCATION.format("SELECT location_id FROM addresses WHERE id = ?")],
    "attributes": ["SELECT link_id FROM attributes WHERE id = ?"],
    "taxonomy_terms": ["SELECT link_id FROM attributes WHERE taxonomy_term_id = ?"],
}
# Tables the bundle does not carry: a change there changes nothing a phone shows.
UNSEEN_TABLES = {
    "programs", "contacts", "service_areas", "funding", "organization_identifiers", "taxonomies",
    "metadata", "meta_table_descriptions",
}


@dataclass
class Affected:
    services: set[str] = field(default_factory=set)
    # Services changed themselves (status, withdrawal, purge): only these can have left the
    # bundle; one reached through its organization, say, was out before if it is out now.
    changed_services: set[str] = field(default_factory=set)
    notices: set[str] = field(default_factory=set)
    terms_changed: bool = False  # the bundle's categories and attributes lists


def affected_since(db: sqlite_utils.Database, since: int, until: int, limit: int) -> Affected | None:
    """What changes in (since, until] touched; None when only a full bundle will do
    (more than `limit` changed records, a purged record, a table nobody mapped)."""
    rows = db.execute(
        "SELECT DISTINCT table_name, record_id FROM changes WHERE seq > ? AND seq <= ? LIMIT ?",
        [since, until, limit + 1],
    ).fetchall()
    if len(rows) > limit:
        return None
    affected = Affected()
    for table, record_id in rows:
        if table in UNSEEN_TABLES:
            continue
        if table == "notices":
            affected.notices.add(record_id)
            continue
        queries = SERVICES_OF.get(table)
        if queries is None:
            return None
        if table != "services" and not db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone():
            return None
        affected.terms_changed |= table == "taxonomy_terms"
        if table == "services":
            affected.changed_services.add(record_id)
        for sql in queries:
            found = {row[0] for row in db.execute(sql, [record_id] * sql.count("?")).fetchall() if row[0]}
            if table != "services":  # attributes link to any record: keep only services
                found = _services_among(db, found)
            affected.services |= found
    return affected


def _services_among(db: sqlite_utils.Database, ids: set[str]) -> set[str]:
    if not ids:
        return ids
    marks = ", ".join("?" for _ in ids)
    return {row[0] for row in db.execute(f"SELECT id FROM services WHERE id IN ({marks})", list(ids)).fetchall()}
