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

Ids stay as sent, except two that 1.1 lets collide once merged into one 3.0 table:
a holiday schedule's id gets `#holiday` and a postal address's `#postal`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from directory.sync.formats.shapes import split_values, text

# File names only the 1.1 layout has: any of them means the package is 1.1.
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


def is_v1(table_names: set[str]) -> bool:
    return bool(table_names & V1_ONLY_TABLES)


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
    """(3.0 table, where, row) for every row of a 1.1 package; unknown tables are left out.

    `tables` gives each table's rows on demand; each is read once, one after another,
    so a large package is never held whole (eligibility, read first, is kept by service).
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
    for where, row in get("taxonomy"):
        yield "taxonomy_terms", where, taxonomy_term(row, "feed")
    for where, row in get("services_taxonomy"):
        link = _category_link(row.get("id"), row.get("service_id"), row.get("taxonomy_id"))
        link["value"] = row.get("taxonomy_detail")
        yield "attributes", where, link
    yield from _same("service_at_location", chain(get("services_at_location"), get("service_at_location")))
    for where, row in get("locations"):
        yield "locations", where, {"location_type": "physical", **row}
    for where, row in get("physical_addresses"):
        yield "addresses", where, address(row, "physical", row.get("id"))
    for where, row in get("postal_addresses"):
        record_id = row.get("id")
        yield "addresses", where, address(row, "postal", f"{record_id}#postal" if text(record_id) else None)
    for where, row in get("regular_schedules"):
        yield "schedules", where, {**_links(row), **regular_schedule(row)}
    for where, row in get("holiday_schedules"):
        yield "schedules", where, {**_links(row), **holiday_schedule(row)}
    for where, row in get("phones"):
        yield "phones", where, row
        phone_id = text(row.get("id"))
        for name in split_values(row.get("language"), r"\s*[,;]\s*"):
            yield (
                "languages",
                where,
                {"id": f"{phone_id}#language:{name}", "phone_id": phone_id, "name": name},
            )
    for where, row in get("languages"):
        yield "languages", where, {**row, "name": row.get("name") or row.get("language")}
    yield from _same("contacts", get("contacts"))
    for where, row in get("accessibility_for_disabilities"):
        yield (
            "accessibility",
            where,
            {**row, "description": row.get("description") or row.get("accessibility")},
        )
    for where, row in get("service_areas"):
        yield "service_areas", where, {**row, "name": row.get("name") or row.get("service_area")}
    yield from _same("required_documents", get("required_documents"))
    yield from _same("funding", get("funding"))


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
