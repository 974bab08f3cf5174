"""SQL conditions behind the HSDS API's filters, built from parsed parameters.

Pure: each function returns (SQL text, arguments) and touches no database, so the
list endpoints share them (service_at_locations filter through their service).
"""

from __future__ import annotations

from directory.hsds.api_params import parse_datetime, parse_search, parse_text


def not_withdrawn(table: str, column: str) -> str:
    """Rows whose source has not withdrawn them.

    Withdrawn = every provenance row of the record carries deleted_at (and there
    is at least one). A record with no provenance at all is shown.
    """
    return (
        f"{column} NOT IN (SELECT record_id FROM provenance WHERE table_name = '{table}'"
        " GROUP BY record_id HAVING count(deleted_at) = count(*))"
    )


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 query: every word must match, as a word prefix.

    Each word is quoted, so FTS5 syntax in the input (AND, NEAR, quotes, colons)
    is taken literally; words without a letter or digit are dropped.
    """
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


# A term and every term beneath it: asking for `health` finds `mental-health` too.
TERM_AND_DESCENDANTS = """WITH RECURSIVE tree(id) AS (
        SELECT ? UNION SELECT t.id FROM taxonomy_terms t JOIN tree ON t.parent_id = tree.id
    ) SELECT id FROM tree"""


def service_conditions(params: dict[str, str], alias: str = "s") -> tuple[list[str], list]:
    """Conditions on the services table (under `alias`) for the `/services` filters."""
    clauses = [not_withdrawn("services", f"{alias}.id")]
    args: list = []
    search = parse_search(params)
    if search is not None:
        match = fts_query(search)
        if match is None:
            clauses.append("0")  # nothing searchable in the text: nothing matches
        else:
            clauses.append(f"{alias}.rowid IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)")
            args.append(match)
    term_id = parse_text(params, "taxonomy_term_id")
    if term_id:
        clauses.append(
            f"{alias}.id IN (SELECT link_id FROM attributes WHERE taxonomy_term_id IN ({TERM_AND_DESCENDANTS}))"
        )
        args.append(term_id)
    taxonomy_id = parse_text(params, "taxonomy_id")
    if taxonomy_id:
        clauses.append(
            f"{alias}.id IN (SELECT a.link_id FROM attributes a"
            " JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id WHERE t.taxonomy_id = ?)"
        )
        args.append(taxonomy_id)
    organization_id = parse_text(params, "organization_id")
    if organization_id:
        clauses.append(f"{alias}.organization_id = ?")
        args.append(organization_id)
    since = parse_datetime(params, "modified_after")
    if since:
        clauses.append(modified_since(alias))
        args += [since, since, since]
    return clauses, args


def modified_since(alias: str) -> str:
    """The service changed on or after the time (HSDS: "modified on or after").

    The change log records each change under its root record: a service's phones,
    schedules and translations are logged as the service. A full service record
    also nests its organization and its locations, so their changes count too.
    """
    return (
        f"({alias}.id IN (SELECT record_id FROM changes WHERE table_name = 'services' AND at >= ?)"
        f" OR {alias}.organization_id IN (SELECT record_id FROM changes WHERE table_name = 'organizations' AND at >= ?)"
        f" OR {alias}.id IN (SELECT sal.service_id FROM service_at_location sal JOIN changes c"
        " ON c.table_name = 'locations' AND c.record_id = sal.location_id WHERE c.at >= ?))"
    )


def text_search(
    params: dict[str, str], table: str, alias: str, columns: tuple[str, ...]
) -> tuple[list[str], list]:
    """`search` on tables without a full-text index: a substring of any column or translation."""
    search = parse_search(params)
    if search is None:
        return [], []
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    likes = [f"{alias}.{column} LIKE ? ESCAPE '\\'" for column in columns]
    likes.append(
        f"{alias}.id IN (SELECT record_id FROM translations WHERE table_name = '{table}' AND text LIKE ? ESCAPE '\\')"
    )
    return ["(" + " OR ".join(likes) + ")"], [pattern] * len(likes)
