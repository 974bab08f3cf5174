"""The HSDS 3.0 read API over directory.db, independent of any web framework.

`answer(db, collection, record_id, params)` returns (HTTP status, JSON body); the
Datasette plugin in `datasette_plugins/hsds_api.py` only routes to it. Lists come
in the HSDS `Page` envelope; single records are fully nested. Absent values are
left out, never null, as the HSDS schemas type fields as strings and numbers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from directory.hsds.api_deadline import REQUEST_FACTOR, is_interrupted, time_limit
from directory.hsds.api_filters import not_withdrawn, service_conditions, text_search
from directory.hsds.api_paging import page_of
from directory.hsds.api_params import ParamError, parse_bool, parse_id, parse_language, parse_page, parse_text
from directory.hsds.api_translate import translate
from directory.hsds.assemble import assemble, assemble_service, fetch_row

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/3.0/"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"


class NotFound(LookupError):
    pass


def about() -> dict:
    """`/hsds/`: which HSDS this is (Harbour serves HSDS 3.0 as is, with no profile)."""
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


# --- services ---------------------------------------------------------------------------------


def list_services(db: sqlite_utils.Database, params: dict[str, str]) -> dict:
    """Every service its source has not withdrawn, whatever its status, by name."""
    request = parse_page(params)
    full = parse_bool(params, "full")
    language = parse_language(params)
    clauses, args = service_conditions(params)
    where = " AND ".join(clauses)
    total = db.execute(f"SELECT count(*) FROM services s WHERE {where}", args).fetchone()[0]
    ids = _ids(
        db,
        f"SELECT s.id FROM services s WHERE {where} ORDER BY s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?",
        [*args, request.per_page, request.offset],
    )
    contents = [_service(db, service_id, full) for service_id in ids]
    return page_of(_translated(db, "services", contents, language), total, request)


def get_service(db: sqlite_utils.Database, service_id: str, params: dict[str, str]) -> dict:
    language = parse_language(params)
    if not _visible(db, "services", service_id):
        raise NotFound(f"no service with id '{service_id}'")
    return _translated(db, "services", [assemble_service(db, service_id)], language)[0]


def _service(db: sqlite_utils.Database, service_id: str, full: bool) -> dict:
    # A list item: the service's own fields with its organization and program, as
    # `service_list.json` has them; `full` gives the whole nested record instead.
    if full:
        return assemble_service(db, service_id)
    return assemble(db, "services", service_id, with_children=False)


# --- organizations ----------------------------------------------------------------------------


def list_organizations(db: sqlite_utils.Database, params: dict[str, str]) -> dict:
    request = parse_page(params)
    full = parse_bool(params, "full")
    full_service = parse_bool(params, "full_service")
    language = parse_language(params)
    clauses, args = text_search(params, "organizations", "o", ("name", "alternate_name", "description"))
    where = " AND ".join([not_withdrawn("organizations", "o.id"), *clauses])
    total = db.execute(f"SELECT count(*) FROM organizations o WHERE {where}", args).fetchone()[0]
    ids = _ids(
        db,
        f"SELECT o.id FROM organizations o WHERE {where} ORDER BY o.name COLLATE NOCASE, o.id LIMIT ? OFFSET ?",
        [*args, request.per_page, request.offset],
    )
    contents = [
        _organization(db, i, full_service) if full else fetch_row(db, "organizations", i) for i in ids
    ]
    return page_of(_translated(db, "organizations", contents, language), total, request)


def get_organization(db: sqlite_utils.Database, organization_id: str, params: dict[str, str]) -> dict:
    full_service = parse_bool(params, "full_service")
    language = parse_language(params)
    if not _visible(db, "organizations", organization_id):
        raise NotFound(f"no organization with id '{organization_id}'")
    return _translated(db, "organizations", [_organization(db, organization_id, full_service)], language)[0]


def _organization(db: sqlite_utils.Database, organization_id: str, full_service: bool) -> dict:
    """The nested organization with the services it runs (list items, or full with `full_service`)."""
    record = assemble(db, "organizations", organization_id)
    service_ids = _ids(
        db,
        f"SELECT s.id FROM services s WHERE s.organization_id = ? AND {not_withdrawn('services', 's.id')}"
        " ORDER BY s.name COLLATE NOCASE, s.id",
        [organization_id],
    )
    record["services"] = [_service(db, service_id, full_service) for service_id in service_ids]
    return record


# --- service_at_locations ---------------------------------------------------------------------


def list_service_at_locations(db: sqlite_utils.Database, params: dict[str, str]) -> dict:
    """Where each service is delivered; filtered through the service like `/services`."""
    request = parse_page(params)
    full = parse_bool(params, "full")
    language = parse_language(params)
    clauses, args = service_conditions(params)
    where = " AND ".join(clauses)
    base = f"FROM service_at_location sal JOIN services s ON s.id = sal.service_id WHERE {where}"
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    ids = _ids(
        db,
        f"SELECT sal.id {base} ORDER BY s.name COLLATE NOCASE,"
        " (SELECT name FROM locations WHERE id = sal.location_id), sal.id LIMIT ? OFFSET ?",
        [*args, request.per_page, request.offset],
    )
    contents = [_service_at_location(db, i, full) for i in ids]
    return page_of(_translated(db, "service_at_location", contents, language), total, request)


def get_service_at_location(db: sqlite_utils.Database, record_id: str, params: dict[str, str]) -> dict:
    language = parse_language(params)
    row = fetch_row(db, "service_at_location", record_id)
    if row is None or not _visible(db, "services", row.get("service_id", "")):
        raise NotFound(f"no service_at_location with id '{record_id}'")
    return _translated(db, "service_at_location", [_service_at_location(db, record_id, True)], language)[0]


def _service_at_location(db: sqlite_utils.Database, record_id: str, full: bool) -> dict:
    if full:
        record = assemble(db, "service_at_location", record_id)  # location with its addresses, phones…
    else:
        record = fetch_row(db, "service_at_location", record_id)
        location = fetch_row(db, "locations", record.get("location_id", ""))
        if location is not None:
            record["location"] = location
    service = assemble(db, "services", record["service_id"], with_children=False)
    if service is not None:
        record["service"] = service
    return record


# --- taxonomies and their terms ---------------------------------------------------------------


def list_taxonomies(db: sqlite_utils.Database, params: dict[str, str]) -> dict:
    request = parse_page(params)
    language = parse_language(params)
    clauses, args = text_search(params, "taxonomies", "x", ("name", "description"))
    where = " AND ".join([not_withdrawn("taxonomies", "x.id"), *clauses])
    total = db.execute(f"SELECT count(*) FROM taxonomies x WHERE {where}", args).fetchone()[0]
    ids = _ids(
        db,
        f"SELECT x.id FROM taxonomies x WHERE {where} ORDER BY x.name COLLATE NOCASE, x.id LIMIT ? OFFSET ?",
        [*args, request.per_page, request.offset],
    )
    contents = [fetch_row(db, "taxonomies", i) for i in ids]
    return page_of(_translated(db, "taxonomies", contents, language), total, request)


def get_taxonomy(db: sqlite_utils.Database, taxonomy_id: str, params: dict[str, str]) -> dict:
    language = parse_language(params)
    if not _visible(db, "taxonomies", taxonomy_id):
        raise NotFound(f"no taxonomy with id '{taxonomy_id}'")
    return _translated(db, "taxonomies", [fetch_row(db, "taxonomies", taxonomy_id)], language)[0]


def list_taxonomy_terms(db: sqlite_utils.Database, params: dict[str, str]) -> dict:
    """Terms in the taxonomy's own order (Harbour's `term_details.sort_order`), then by name."""
    request = parse_page(params)
    language = parse_language(params)
    top_only = parse_bool(params, "top_only")
    clauses, args = text_search(params, "taxonomy_terms", "t", ("name", "code", "description"))
    clauses.insert(0, not_withdrawn("taxonomy_terms", "t.id"))
    for name in ("taxonomy_id", "parent_id"):
        value = parse_text(params, name)
        if value:
            clauses.append(f"t.{name} = ?")
            args.append(value)
    if top_only:
        clauses.append("(t.parent_id IS NULL OR t.parent_id = '')")
    where = " AND ".join(clauses)
    total = db.execute(f"SELECT count(*) FROM taxonomy_terms t WHERE {where}", args).fetchone()[0]
    ids = _ids(
        db,
        f"SELECT t.id FROM taxonomy_terms t WHERE {where} ORDER BY"
        " coalesce((SELECT sort_order FROM term_details WHERE term_id = t.id), 1e9), t.name COLLATE NOCASE, t.id"
        " LIMIT ? OFFSET ?",
        [*args, request.per_page, request.offset],
    )
    contents = [assemble(db, "taxonomy_terms", i) for i in ids]  # with its taxonomy_detail
    return page_of(_translated(db, "taxonomy_terms", contents, language), total, request)


def get_taxonomy_term(db: sqlite_utils.Database, term_id: str, params: dict[str, str]) -> dict:
    language = parse_language(params)
    if not _visible(db, "taxonomy_terms", term_id):
        raise NotFound(f"no taxonomy_term with id '{term_id}'")
    return _translated(db, "taxonomy_terms", [assemble(db, "taxonomy_terms", term_id)], language)[0]


# --- shared -----------------------------------------------------------------------------------


def _ids(db: sqlite_utils.Database, sql: str, args: list) -> list[str]:
    return [row[0] for row in db.execute(sql, args).fetchall()]


def _visible(db: sqlite_utils.Database, table: str, record_id: str) -> bool:
    """The record exists and its source has not withdrawn it."""
    sql = f"SELECT 1 FROM [{table}] r WHERE r.id = ? AND {not_withdrawn(table, 'r.id')}"
    return db.execute(sql, [record_id]).fetchone() is not None


def _translated(
    db: sqlite_utils.Database, table: str, records: list[dict], language: str | None
) -> list[dict]:
    return translate(db, table, records, language) if language else records


@dataclass(frozen=True)
class Collection:
    list: Callable[[sqlite_utils.Database, dict[str, str]], dict]
    get: Callable[[sqlite_utils.Database, str, dict[str, str]], dict]


COLLECTIONS: dict[str, Collection] = {
    "services": Collection(list_services, get_service),
    "organizations": Collection(list_organizations, get_organization),
    "service_at_locations": Collection(list_service_at_locations, get_service_at_location),
    "taxonomies": Collection(list_taxonomies, get_taxonomy),
    "taxonomy_terms": Collection(list_taxonomy_terms, get_taxonomy_term),
}


def answer(
    db: sqlite_utils.Database,
    collection: str | None,
    record_id: str | None,
    params: dict[str, str],
    time_limit_ms: int | None = None,
) -> tuple[int, dict]:
    """(status, body) for `/hsds/`, `/hsds/{collection}` or `/hsds/{collection}/{id}`.

    A query longer than `time_limit_ms`, or a request whose queries together take
    ten times that (api_deadline.py), is cut short and answered 503.
    """
    if collection is None:
        return 200, about()
    endpoint = COLLECTIONS.get(collection)
    if endpoint is None:
        known = ", ".join(f"/hsds/{name}" for name in COLLECTIONS)
        return error(404, f"no such HSDS endpoint '/hsds/{collection}' (try {known})")
    try:
        with time_limit(db.conn, time_limit_ms):
            if record_id is None:
                body = endpoint.list(db, params)
            else:
                body = endpoint.get(db, parse_id(record_id), params)
    except ParamError as problem:
        status, body = error(400, str(problem))
        body["parameter"] = problem.parameter
        return status, body
    except NotFound as problem:
        return error(404, str(problem))
    except sqlite3.OperationalError as problem:
        if not is_interrupted(problem):
            raise
        return error(
            503,
            f"the request took longer than this server allows ({time_limit_ms} ms a query,"
            f" {time_limit_ms * REQUEST_FACTOR} ms in all): ask for fewer items a page (per_page)"
            " or a narrower search",
        )
    return 200, body


def error(status: int, message: str) -> tuple[int, dict]:
    """The same shape as Harbour's other JSON errors (directory/web/errors.py)."""
    return status, {"error": message, "status": status}
