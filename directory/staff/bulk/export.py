"""A selection of services as a spreadsheet: one row a service, the fields people edit.

The columns are those `IMPORT_MAPPING` reads back, so a sheet exported here,
edited and imported again changes what was edited and nothing else. Location
columns are for reading: locations are shared between services and edited on
their own pages.

Cells that would start a formula get an apostrophe in front (`formulas.guard`): the
sheet is meant to be opened in a spreadsheet program; the import takes it off again.
"""

from __future__ import annotations

import csv
import io

import sqlite_utils

from directory.staff.bulk.formulas import guard
from directory.staff.verify.queries import LISTED

SERVICE_COLUMNS = ("name", "description", "eligibility_description", "fees_description", "application_process",
                   "email", "url", "status")  # fmt: skip
COLUMNS = ("id", *SERVICE_COLUMNS, "organization_id", "organization", "phones", "languages", "categories",
           "access", "location", "address", "postcode", "assured_date", "last_modified")  # fmt: skip

# The csv format's mapping of the columns above (see data/mappings/README.md).
IMPORT_MAPPING: dict = {
    "id": "id",
    "service": {name: name for name in SERVICE_COLUMNS},
    "organization": {"id": "organization_id", "name": "organization"},
    "phones": "phones",
    "languages": {"column": "languages", "separator": ","},
    "categories": [
        {"column": "categories", "separator": ";", "scheme": "harbour"},
        {"column": "access", "separator": ";", "scheme": "harbour"},
    ],
}


def select_services(
    db: sqlite_utils.Database, organization: str | None = None, category: str | None = None
) -> list[dict]:
    """Listed services of an organization and/or a category (a term's id or code; a top category
    takes in its sub-categories), in name order."""
    where, params = [LISTED], []
    if organization:
        where.append("s.organization_id = ?")
        params.append(organization)
    if category:
        where.append(
            """s.id IN (SELECT a.link_id FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
                        LEFT JOIN taxonomy_terms p ON p.id = t.parent_id
                        WHERE ? IN (t.id, t.code, p.id, p.code))"""
        )
        params.append(category)
    rows = db.execute(
        f"""SELECT s.id, {', '.join(f's.[{c}]' for c in SERVICE_COLUMNS)}, s.organization_id, o.name,
                   s.assured_date, s.last_modified
            FROM services s JOIN organizations o ON o.id = s.organization_id
            WHERE {' AND '.join(where)} ORDER BY s.name COLLATE NOCASE, s.id""",
        params,
    ).fetchall()
    names = ("id", *SERVICE_COLUMNS, "organization_id", "organization", "assured_date", "last_modified")
    services = [dict(zip(names, row)) for row in rows]
    for service in services:
        service.update(_children(db, service["id"]))
    return services


def _children(db: sqlite_utils.Database, service_id: str) -> dict[str, str]:
    one = lambda sql: [row[0] for row in db.execute(sql, [service_id]).fetchall() if row[0]]  # noqa: E731
    kind = """SELECT t.code FROM attributes a JOIN taxonomy_terms t ON t.id = a.taxonomy_term_id
              JOIN term_details d ON d.term_id = t.id AND d.kind = '{}' WHERE a.link_id = ? ORDER BY t.code"""
    place = db.execute(
        """SELECT l.name, trim(coalesce(a.address_1, '') || ' ' || coalesce(a.city, '')), a.postal_code
           FROM service_at_location sal JOIN locations l ON l.id = sal.location_id
           LEFT JOIN addresses a ON a.location_id = l.id WHERE sal.service_id = ? ORDER BY sal.rowid""",
        [service_id],
    ).fetchall()
    return {
        "phones": "; ".join(one("SELECT number FROM phones WHERE service_id = ? ORDER BY rowid")),
        "languages": ", ".join(one("SELECT coalesce(code, name) FROM languages WHERE service_id = ? ORDER BY rowid")),
        "categories": "; ".join(one(kind.format("category"))),
        "access": "; ".join(one(kind.format("attribute"))),
        "location": " | ".join(p[0] or "" for p in place),
        "address": " | ".join(p[1] or "" for p in place),
        "postcode": " | ".join(p[2] or "" for p in place),
    }


def to_csv(services: list[dict]) -> str:
    """UTF-8 CSV with a header row; a spreadsheet opens it as it is."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for service in services:
        writer.writerow({k: ("" if v is None else guard(str(v))) for k, v in service.items()})
    return out.getvalue()
