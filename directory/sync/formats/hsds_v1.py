"""HSDS 1.1 to 3.0: the older layout many feeds (and Open Referral UK v1) still publish.

Row by row, as HSDS 3.0 table rows, so a 1.1 package is assembled by the same code
as a 3.0 one. Values stay as sent; only the places change:

| 1.1 | 3.0 |
| --- | --- |
| physical_addresses, postal_addresses | addresses, `address_type` physical / postal (address_3, address_4 join address_2) |
| regular_schedules (weekday, opens_at, closes_at) | schedules, `freq` WEEKLY, `byday` = the weekday as sent ("Monday" or 1) |
| holiday_schedules (closed, start_date, end_date) | schedules with `valid_from`/`valid_to` and a description |
| eligibility | the service's `eligibility_description` |
| services_taxonomy + taxonomy | category attributes with their taxonomy terms (`taxonomy` = vocabulary) |
| accessibility_for_disabilities | accessibility (`description` = the value as sent) |
| services_at_location | service_at_location |
| languages.language, phones.language | languages `name` (phone languages split on commas) |
| organizations.url | organizations.website; services.fees → fees_description |
| payments_accepted, metadata | left out (Harbour keeps its own metadata) |

3.0 tables pass as they are, so one conversion reads a package of any version, or one
that mixes names of several (`canonical_table` folds the plural and 1.1 spellings).

Ids stay as sent, except two that 1.1 lets collide once merged into one 3.0 table:
a holiday schedule's id gets `#holiday` and a postal address's `#postal`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from directory.sync.formats.shapes import split_values, text

# File names only the 1.1 layout has.
V1_ONLY_TABLES = frozenset(
    {
        "physical_addresses",
        "postal_addresses",
        "regular_schedules",
        "holiday_schedules",
        "eligibility",
        "services_taxonomy",
        "taxonomy",
        "services_at_location",
        "accessibility_for_disabilities",
        "payments_accepted",
    }
)
V1_TABLES = V1_ONLY_TABLES | {
    "organizations",
    "programs",
    "services",
    "locations",
    "phones",
    "contacts",
    "languages",
    "service_areas",
    "required_documents",
    "funding",
}
SCHEDULE_FIELDS = (
    "valid_from", "valid_to", "dtstart", "until", "wkst", "interval", "count",
    "bymonthday", "byyearday", "byweekno", "timezone", "description", "notes", "schedule_link", "attending_type",
)  # fmt: skip

Row = dict
Where = str


# HSDS 3.0 tables the conversion hands on unchanged, after those it handles itself.
PASSED_AS_THEY_ARE = ("required_documents", "funding", "cost_options", "organization_identifiers")
# Other names publishers give a table (plural where HSDS says singular, 1.1 where 3.0 differs).
ALIASES = {
    "services_at_location": "service_at_location",
    "service_at_locations": "service_at_location",
    "services_at_locations": "service_at_location",
}
# Every table file name a package may hold that the conversion reads (1.x, 2.0 and 3.0 names).
STANDARD_TABLES = tuple(
    sorted(
        (V1_TABLES - {"payments_accepted"})
        | set(ALIASES)
        | {"taxonomies", "taxonomy_terms", "attributes", "service_at_location", "addresses", "schedules",
           "accessibility", *PASSED_AS_THEY_ARE}
    )
)  # fmt: skip


# Tables whose rows nothing else gives an id to: each row must carry its own.
STANDS_ALONE = frozenset({"services", "organizations", "locations", "programs", "taxonomies", "taxonomy_terms",
                          "taxonomy"})  # fmt: skip


def canonical_table(name: str) -> str:
    """The name a table goes by in `convert_tables`: `services_at_location` is `service_at_location`."""
    return ALIASES.get(name, name)


# --- one row at a time: shared with the ORUK format ----------------------------------------------


def address(row: dict, address_type: str, record_id: object) -> dict:
    extra = [text(row.get(k)) for k in ("address_2", "address_3", "address_4")]
    return {
        "id": record_id,
        "location_id": row.get("location_id"),
        "attention": row.get("attention"),
        "address_1": row.get("address_1"),
        "address_2": ", ".join(part for part in extra if part) or None,
        "city": row.get("city"),
        "region": row.get("region"),
        "state_province": row.get("state_province"),
        "postal_code": row.get("postal_code"),
        "country": row.get("country"),
        "address_type": address_type,
    }


def regular_schedule(row: dict) -> dict:
    """A weekly opening: `byday` keeps the weekday as sent; the normaliser maps it."""
    schedule = {
        "id": row.get("id"),
        "freq": row.get("freq") or "WEEKLY",
        "byday": row.get("byday") if text(row.get("byday")) else row.get("weekday"),
        "opens_at": row.get("opens_at"),
        "closes_at": row.get("closes_at"),
    }
    schedule.update({k: row[k] for k in SCHEDULE_FIELDS if k in row})
    return schedule


def holiday_schedule(row: dict) -> dict:
    """A dated exception: closed, or open at other hours, from start_date to end_date."""
    closed = text(row.get("closed"))
    is_closed = closed is not None and closed.strip().lower() in ("true", "1", "yes", "y", "t")
    opens, closes = text(row.get("opens_at")), text(row.get("closes_at"))
    start, end = text(row.get("start_date")), text(row.get("end_date"))
    period = f"{start or '?'} to {end or start or '?'}"
    if is_closed or not (opens or closes):
        description = f"Closed {period}"
    else:
        description = f"Open {opens or '?'}-{closes or '?'}, {period}"
    record_id = row.get("id")
    return {
        "id": f"{record_id}#holiday" if text(record_id) else None,
        "valid_from": start,
        "valid_to": end,
        "opens_at": None if is_closed else opens,
        "closes_at": None if is_closed else closes,
        "description": description,
    }


def taxonomy_term(row: dict, default_scheme: str) -> dict:
    """A 1.1 taxonomy row (or ORUK taxonomy object) as an HSDS 3.0 term; its id is its code."""
    name = text(row.get("name"))
    return {
        "id": row.get("id"),
        "code": text(row.get("id")),
        "name": name,
        "description": text(row.get("description")) or name,
        "parent_id": text(row.get("parent_id")) or text(row.get("parent")),
        "taxonomy": text(row.get("vocabulary")) or default_scheme,
    }


# --- a whole tabular package ------------------------------------------------------------------


def convert_tables(
    tables: dict[str, Callable[[], Iterable[tuple[Where, Row]]]],
) -> Iterator[tuple[str, Where, Row]]:
    """(3.0 table, where, row) for every row of a package of any HSDS version; unknown tables are left out.

    `tables` gives each table's rows on demand, by standard name (`canonical_table`); each
    is read once, one after another, so a large package is never held whole (eligibility,
    read first, is kept by service). 3.0 tables pass as they are, so a package that mixes
    names of several versions loses none. Parents come before their children, so a
    reader can tell a child whose parent is absent as it reads it.
    """
    get = lambda name: tables[name]() if name in tables else iter(())
    eligibility = _eligibility_by_service(get("eligibility"))
    yield from _same("organizations", get("organizations"), website_from="url")
    yield from _same("programs", get("programs"))
    for where, row in get("services"):
        service = dict(row)
        if not text(service.get("fees_description")) and text(service.get("fees")):
            service["fees_description"] = service.pop("fees")
        service_id = text(service.get("id"))
        if service_id in eligibility and not text(service.get("eligibility_description")):
            service["eligibility_description"] = ", ".join(eligibility[service_id])
        yield "services", where, service
        for term_id in split_values(service.get("taxonomy_ids"), r"\s*,\s*"):
            yield "attributes", where, _category_link(f"{service_id}#taxonomy:{term_id}", service_id, term_id)
    yield from _same("taxonomies", get("taxonomies"))
    for where, row in get("taxonomy"):
        yield "taxonomy_terms", where, taxonomy_term(row, "feed")
    yield from _same("taxonomy_terms", get("taxonomy_terms"))
    for where, row in get("locations"):
        yield "locations", where, {"location_type": "physical", **row}  # 1.1 locations have no type
    yield from _same("service_at_location", get("service_at_location"))
    yield from _same("contacts", get("contacts"))
    for where, row in get("phones"):
        yield "phones", where, row
        phone_id = text(row.get("id"))
        for name in split_values(row.get("language"), r"\s*[,;]\s*"):
            yield (
                "languages",
                where,
                {"id": f"{phone_id}#language:{name}", "phone_id": phone_id, "name": name},
            )
    for where, row in get("physical_addresses"):
        yield "addresses", where, address(row, "physical", row.get("id"))
    for where, row in get("postal_addresses"):
        record_id = row.get("id")
        yield "addresses", where, address(row, "postal", f"{record_id}#postal" if text(record_id) else None)
    yield from _same("addresses", get("addresses"))
    for where, row in get("regular_schedules"):
        yield "schedules", where, {**_links(row), **regular_schedule(row)}
    for where, row in get("holiday_schedules"):
        yield "schedules", where, {**_links(row), **holiday_schedule(row)}
    yield from _same("schedules", get("schedules"))
    for where, row in get("languages"):
        yield "languages", where, {**row, "name": row.get("name") or row.get("language")}
    for where, row in chain(get("accessibility_for_disabilities"), get("accessibility")):
        yield (
            "accessibility",
            where,
            {**row, "description": row.get("description") or row.get("accessibility")},
        )
    for where, row in get("service_areas"):
        yield "service_areas", where, {**row, "name": row.get("name") or row.get("service_area")}
    for name in PASSED_AS_THEY_ARE:
        yield from _same(name, get(name))
    # Last: an attribute may belong to a record of any table.
    for where, row in get("services_taxonomy"):
        link = _category_link(row.get("id"), row.get("service_id"), row.get("taxonomy_id"))
        link["value"] = row.get("taxonomy_detail")
        yield "attributes", where, link
    yield from _same("attributes", get("attributes"))


def _same(
    table: str, rows: Iterable[tuple[Where, Row]], website_from: str | None = None
) -> Iterator[tuple[str, Where, Row]]:
    for where, row in rows:
        if website_from and not text(row.get("website")) and text(row.get(website_from)):
            row = {**row, "website": row[website_from]}
        yield table, where, row


def _links(row: dict) -> dict:
    return {k: row.get(k) for k in ("service_id", "location_id", "service_at_location_id")}


def _category_link(record_id: object, service_id: object, term_id: object) -> dict:
    return {
        "id": record_id,
        "link_id": service_id,
        "link_type": "category",
        "link_entity": "service",
        "taxonomy_term_id": term_id,
    }


def _eligibility_by_service(rows: Iterable[tuple[Where, Row]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for _, row in rows:
        service_id, value = text(row.get("service_id")), text(row.get("eligibility"))
        if service_id and value and value not in found[service_id]:
            found[service_id].append(value)
    return found
