"""Find services already in directory.db, listed by another source, that may be this one.

Read-only. Blocking first: SQL picks the services that share a phone number, an
e-mail address, a website domain or a postcode with the incoming record (a coarse
filter, checked again with the same normalisation in Python); only those are
scored. Services from the record's own source are left out (a feed is matched
to its own records by id, not by likeness), and so are withdrawn ones.

The keys are looked up in `contact_keys` (index.py) when it is current — a sync
run brings it up to date before it looks — and found by scanning the tables
otherwise, so a caller that never refreshes it still gets every candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from directory.sync.duplicates.index import PHONE_SUFFIX_DIGITS, is_current
from directory.sync.duplicates.keys import Keys, keys_from_db
from directory.sync.duplicates.score import Decision, Listing, compare, is_candidate, listing_from_record

if TYPE_CHECKING:
    from directory.sync.duplicates.neighbours import Neighbours

_PHONE_DIGITS_SQL = "replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')"
_POSTCODE_SQL = "upper(replace(replace(a.postal_code, ' ', ''), '-', ''))"
_DECISION_ORDER = {Decision.SAME: 0, Decision.MAYBE: 1, Decision.DIFFERENT: 2}


@dataclass(frozen=True)
class Match:
    service_id: str
    score: float
    decision: Decision  # SAME or MAYBE; find_duplicates never returns DIFFERENT
    reasons: tuple[str, ...]


def find_duplicates(
    db: sqlite_utils.Database,
    record: dict,
    exclude_source: str,
    region: str = "GB",
    neighbours: Neighbours | None = None,
) -> list[Match]:
    """Services another source lists that may be `record` (a nested HSDS 3.0 service), best first.

    `exclude_source` is the source the record comes from (`feed:NAME`); `region` is the
    instance's country, for phone numbers stored without a country code. `neighbours`
    (a sync run's, for this source and region) answers from what it remembers instead
    of asking directory.db again for every record: the same candidates, found sooner.
    """
    listing = listing_from_record(record, region)
    if not listing.keys:
        return []
    if neighbours is None:
        ids = candidate_ids(db, listing.keys, exclude_source, exclude_id=record.get("id"))
        others = ((service_id, listing_from_db(db, service_id, region)) for service_id in ids)
    else:
        others = neighbours.candidates(listing.keys, exclude_id=record.get("id"))
    matches = []
    for service_id, other in others:
        if other is None or not is_candidate(listing, other):
            continue  # a coarse SQL hit that the exact keys do not confirm
        verdict = compare(listing, other)
        if verdict.decision is not Decision.DIFFERENT:
            matches.append(Match(service_id, verdict.score, verdict.decision, verdict.reasons))
    matches.sort(key=lambda m: (_DECISION_ORDER[m.decision], -m.score, m.service_id))
    return matches


def listing_from_db(db: sqlite_utils.Database, service_id: str, region: str = "GB") -> Listing | None:
    row = db.execute(
        "SELECT s.name, s.alternate_name, o.name FROM services s"
        " LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id = ?",
        [service_id],
    ).fetchone()
    if row is None:
        return None
    names = tuple(n for n in row[:2] if isinstance(n, str) and n.strip())
    return Listing(names, row[2], keys_from_db(db, service_id, region))


def candidate_ids(
    db: sqlite_utils.Database, keys: Keys, exclude_source: str, exclude_id: object = None
) -> list[str]:
    """Services sharing at least one key (coarsely), not from `exclude_source`, not withdrawn."""
    parts, params = _indexed(keys) if is_current(db) else _scanned(keys)
    if not parts:
        return []
    return _eligible(db, " UNION ".join(parts), params, exclude_source, exclude_id)


def still_candidates(db: sqlite_utils.Database, service_ids: list[str], exclude_source: str) -> list[str]:
    """Those of `service_ids` that are still services, not from `exclude_source`, not withdrawn."""
    if not service_ids:
        return []
    return _eligible(db, ", ".join("?" for _ in service_ids), list(service_ids), exclude_source, None)


def _eligible(db, ids_sql: str, params: list[object], exclude_source: str, exclude_id: object) -> list[str]:
    # Per candidate (there are few), not over all provenance: withdrawn means every
    # provenance row of the service is deleted (as api_filters.not_withdrawn says).
    sql = (
        f"SELECT id FROM services s WHERE id IN ({ids_sql})"
        " AND id IS NOT ?"
        " AND NOT EXISTS (SELECT 1 FROM provenance p WHERE p.table_name = 'services' AND p.record_id = s.id"
        "                 AND p.source = ?)"
        " AND (NOT EXISTS (SELECT 1 FROM provenance p WHERE p.table_name = 'services' AND p.record_id = s.id)"
        "      OR EXISTS (SELECT 1 FROM provenance p WHERE p.table_name = 'services' AND p.record_id = s.id"
        "                 AND p.deleted_at IS NULL))"
        " ORDER BY id"
    )
    return [row[0] for row in db.execute(sql, [*params, exclude_id, exclude_source]).fetchall()]


def _indexed(keys: Keys) -> tuple[list[str], list[object]]:
    """The services that share a key, by look-ups in `contact_keys`."""
    parts: list[str] = []
    params: list[object] = []

    def rows(kind: str, table: str, values: list[str]) -> str:
        params.extend(values)
        return (
            f"SELECT row_id FROM contact_keys WHERE kind = '{kind}' AND table_name = '{table}'"
            f" AND value IN ({', '.join('?' for _ in values)})"
        )

    if keys.phones:
        suffixes = sorted({p[-PHONE_SUFFIX_DIGITS:] for p in keys.phones})
        for template in (
            "SELECT service_id FROM phones WHERE id IN ({hits}) AND service_id IS NOT NULL",
            "SELECT s.id FROM services s JOIN phones h ON h.organization_id = s.organization_id WHERE h.id IN ({hits})",
            "SELECT sal.service_id FROM service_at_location sal JOIN phones h ON h.location_id = sal.location_id"
            " WHERE h.id IN ({hits})",
            "SELECT sal.service_id FROM service_at_location sal JOIN phones h ON h.service_at_location_id = sal.id"
            " WHERE h.id IN ({hits})",
        ):
            parts.append(template.format(hits=rows("phone", "phones", suffixes)))
    for kind, values in (("email", sorted(keys.emails)), ("domain", sorted(keys.domains))):
        if values:
            parts.append(rows(kind, "services", values))
            parts.append(f"SELECT id FROM services WHERE organization_id IN ({rows(kind, 'organizations', values)})")
    if keys.postcodes:
        hits = rows("postcode", "addresses", sorted(keys.postcodes))
        parts.append(
            "SELECT sal.service_id FROM service_at_location sal JOIN addresses a ON a.location_id = sal.location_id"
            f" WHERE a.id IN ({hits})"
        )
    return parts, params


def _scanned(keys: Keys) -> tuple[list[str], list[object]]:
    """The same, by scanning the tables (when the index is behind)."""
    parts: list[str] = []
    params: list[object] = []
    if keys.phones:
        suffixes = sorted({p[-PHONE_SUFFIX_DIGITS:] for p in keys.phones})
        marks = ", ".join("?" for _ in suffixes)
        hit = f"SELECT * FROM phones WHERE substr({_PHONE_DIGITS_SQL}, -{PHONE_SUFFIX_DIGITS}) IN ({marks})"
        parts += [
            f"SELECT service_id FROM ({hit}) WHERE service_id IS NOT NULL",
            f"SELECT s.id FROM services s JOIN ({hit}) h ON h.organization_id = s.organization_id",
            f"SELECT sal.service_id FROM service_at_location sal JOIN ({hit}) h ON h.location_id = sal.location_id",
            f"SELECT sal.service_id FROM service_at_location sal JOIN ({hit}) h ON h.service_at_location_id = sal.id",
        ]
        params += suffixes * 4
    if keys.emails:
        emails = sorted(keys.emails)
        marks = ", ".join("?" for _ in emails)
        parts += [
            f"SELECT id FROM services WHERE lower(trim(email)) IN ({marks})",
            f"SELECT s.id FROM services s JOIN organizations o ON o.id = s.organization_id"
            f" WHERE lower(trim(o.email)) IN ({marks})",
        ]
        params += emails * 2
    for domain in sorted(keys.domains):
        parts.append(
            "SELECT s.id FROM services s LEFT JOIN organizations o ON o.id = s.organization_id"
            " WHERE instr(lower(coalesce(s.url, '') || ' ' || coalesce(s.email, '') || ' '"
            " || coalesce(o.website, '') || ' ' || coalesce(o.email, '')), ?) > 0"
        )
        params.append(domain)
    if keys.postcodes:
        codes = sorted(keys.postcodes)
        marks = ", ".join("?" for _ in codes)
        parts.append(
            "SELECT sal.service_id FROM service_at_location sal JOIN addresses a ON a.location_id = sal.location_id"
            f" WHERE {_POSTCODE_SQL} IN ({marks})"
        )
        params += codes
    return parts, params
