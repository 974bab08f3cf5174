"""Open Referral UK v1: `/services` pages of 1.x-shaped nested services, as HSDS 3.0.

Pages are Spring-style `{totalElements, totalPages, number, size, first, last,
content}`; `page` counts from 0 or 1 (read from the first page's `number`), the
page size goes as `per_page` and `size`. Totals are ignored (see `paging`).

A record keeps its values and ids as sent; only the places change:
`regular_schedules`/`holiday_schedules` → `schedules` (as `hsds_v1` maps them),
`service_taxonomys[].taxonomy` → category attributes (`taxonomy` = its vocabulary,
else "oruk"), `eligibilitys` → `eligibility_description` and the age range,
`contacts[].phones[].language` → phone languages, `languages[].language` → `name`,
`fundings` → `funding`, `fees` → `fees_description`,
`service_at_locations[].location.physical_addresses` → `addresses`,
`accessibility_for_disabilities` → `accessibility`, `organization.url` → `website`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from directory.sync.formats import hsds_v1
from directory.sync.formats.base import Fetch, FormatOptions, Parsed, Rejected
from directory.sync.formats.checks import service_problems, source_id
from directory.sync.formats.documents import with_query
from directory.sync.formats.errors import FormatError
from directory.sync.formats.messages import one_line_errors
from directory.sync.formats.paging import PageView, flag, walk_pages
from directory.sync.formats.shapes import category, number_or_text, text

PER_PAGE = 100
SERVICE_FIELDS = (
    "name", "alternate_name", "description", "url", "email", "status", "interpretation_services",
    "application_process", "wait_time", "fees_description", "accreditations", "licenses", "assured_date",
    "assurer_email", "alert", "last_modified", "minimum_age", "maximum_age", "eligibility_description",
)  # fmt: skip
ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website", "logo", "uri", "tax_status",
                       "tax_id", "year_incorporated", "legal_status")  # fmt: skip
LOCATION_FIELDS = ("name", "alternate_name", "description", "transportation", "url", "external_identifier",
                   "external_identifier_type")  # fmt: skip


@one_line_errors
def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
    def url_for(page: int | None) -> str:
        return with_query(url, page=page, per_page=PER_PAGE, size=PER_PAGE)

    for page in walk_pages(
        fetch, url_for, _page_view, options.page_cap, default_first=1, what="an ORUK page"
    ):
        if page.not_modified:
            yield Parsed(not_modified=True)
            return
        parsed = Parsed(complete=page.complete)
        for raw in page.items:
            record, problems = convert(raw)
            problems += service_problems(record)
            if problems:
                parsed.rejected.append(Rejected(source_id(raw), raw, problems))
            else:
                parsed.records.append(record)
        yield parsed


def _page_view(document: object, where: str) -> PageView:
    if isinstance(document, list):
        return PageView(document, None, last=True)
    if not isinstance(document, dict) or not isinstance(document.get("content"), list):
        raise FormatError(
            f"{where}: expected an Open Referral UK page {{totalElements, number, …, content: [...]}}"
        )
    last = flag(document.get("last")) or flag(document.get("empty"))
    return PageView(document["content"], document.get("number"), last=last)


def convert(raw: object) -> tuple[object, list[str]]:
    """(HSDS 3.0 service, problems the conversion met); a non-object is left for the checks to name."""
    if not isinstance(raw, dict):
        return raw, []
    problems: list[str] = []
    service_id = raw.get("id")
    owner = text(service_id) or "?"
    record = {"id": service_id, **_fields(raw, SERVICE_FIELDS)}
    if "fees_description" not in record and raw.get("fees") is not None:
        record["fees_description"] = raw["fees"]
    _eligibility(raw.get("eligibilitys"), record, problems)
    if raw.get("organization") is not None:
        record["organization"] = _organization(raw["organization"])
    _put(record, "contacts", _each(raw.get("contacts"), _contact))
    _put(record, "phones", _each(raw.get("phones"), _phone))
    _put(record, "languages", _each(raw.get("languages"), lambda x: _language(x, owner)))
    _put(record, "schedules", _schedules(raw))
    _put(record, "service_areas", _each(raw.get("service_areas"), _service_area))
    _put(record, "cost_options", _each(raw.get("cost_options"), _cost_option))
    _put(record, "funding", _each(raw.get("fundings", raw.get("funding")), _funding))
    _put(record, "required_documents", _each(raw.get("required_documents"), lambda x: dict(x)))
    _put(
        record,
        "service_at_locations",
        _each(raw.get("service_at_locations"), lambda x: _at_location(x, owner)),
    )
    _put(record, "attributes", _each(raw.get("service_taxonomys"), lambda x: _taxonomy(x, owner, problems)))
    return _without_nulls(record), problems


def _without_nulls(value: object) -> object:
    """Keys the feed sent as null are left out: HSDS types fields as strings or numbers, not null."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _fields(raw: dict, names: tuple[str, ...]) -> dict:
    return {name: raw[name] for name in names if raw.get(name) is not None}


def _put(record: dict, key: str, value: object) -> None:
    if value is not None:
        record[key] = value


def _each(value: object, convert_item: Callable[[dict], dict]) -> object:
    """Convert each object of a list; anything else is passed on for the checks to name."""
    if not isinstance(value, list):
        return value
    return [convert_item(item) if isinstance(item, dict) else item for item in value]


def _organization(raw: object) -> object:
    if not isinstance(raw, dict):
        return raw
    record = {"id": raw.get("id"), **_fields(raw, ORGANIZATION_FIELDS)}
    if "website" not in record and raw.get("url") is not None:
        record["website"] = raw["url"]
    return record


def _contact(raw: dict) -> dict:
    record = {"id": raw.get("id"), **_fields(raw, ("name", "title", "department", "email"))}
    _put(record, "phones", _each(raw.get("phones"), _phone))
    return record


def _phone(raw: dict) -> dict:
    record = {"id": raw.get("id"), **_fields(raw, ("number", "extension", "type", "description"))}
    phone_id = text(raw.get("id")) or "?"
    if isinstance(raw.get("languages"), list):
        record["languages"] = _each(raw["languages"], lambda x: _language(x, phone_id))
    elif text(raw.get("language")):
        names = [n.strip() for n in str(raw["language"]).split(",") if n.strip()]
        record["languages"] = [{"id": f"{phone_id}#language:{n}", "name": n} for n in names]
    return record


def _language(raw: dict, owner: str) -> dict:
    name = raw.get("name") if raw.get("name") is not None else raw.get("language")
    record = {"id": raw.get("id"), "name": name, **_fields(raw, ("code", "note"))}
    if record["id"] is None and text(name):
        record["id"] = f"{owner}#language:{name}"
    return record


def _schedules(raw: dict) -> list | None:
    regular, holiday = raw.get("regular_schedules"), raw.get("holiday_schedules")
    if regular is None and holiday is None:
        return None
    schedules = []
    for value, convert_item in ((regular, hsds_v1.regular_schedule), (holiday, hsds_v1.holiday_schedule)):
        converted = _each(value, convert_item)
        if isinstance(converted, list):
            schedules.extend(converted)
        elif converted is not None:
            schedules.append(converted)  # not a list: the checks will say so
    return schedules


def _eligibility(value: object, record: dict, problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        problems.append("eligibilitys must be a list of objects")
        return
    names = [text(e.get("eligibility")) for e in value]
    if any(names) and "eligibility_description" not in record:
        record["eligibility_description"] = ", ".join(dict.fromkeys(n for n in names if n))
    for key, pick in (("minimum_age", min), ("maximum_age", max)):
        ages = [number_or_text(e.get(key)) for e in value if e.get(key) is not None]
        numbers = [a for a in ages if isinstance(a, (int, float))]
        if key not in record and (numbers or ages):
            record[key] = pick(numbers) if numbers else ages[0]


def _service_area(raw: dict) -> dict:
    name = raw.get("name") if raw.get("name") is not None else raw.get("service_area")
    return {
        "id": raw.get("id"),
        "name": name,
        **_fields(raw, ("description", "extent", "extent_type", "uri")),
    }


def _cost_option(raw: dict) -> dict:
    fields = ("option", "amount", "amount_description", "currency", "valid_from", "valid_to")
    return {"id": raw.get("id"), **_fields(raw, fields)}


def _funding(raw: dict) -> dict:
    return {"id": raw.get("id"), **_fields(raw, ("source",))}


def _at_location(raw: dict, owner: str) -> dict:
    location = raw.get("location")
    location_id = text(location.get("id")) if isinstance(location, dict) else None
    record = {"id": raw.get("id") if raw.get("id") is not None else f"{owner}#at:{location_id or '?'}"}
    _put(record, "description", raw.get("description"))
    if location is not None:
        record["location"] = _location(location) if isinstance(location, dict) else location
    _put(record, "schedules", _schedules(raw))
    return record


def _location(raw: dict) -> dict:
    record = {"id": raw.get("id"), "location_type": raw.get("location_type") or "physical"}
    record.update(_fields(raw, LOCATION_FIELDS))
    for key in ("latitude", "longitude"):
        if raw.get(key) is not None and raw.get(key) != "":
            record[key] = number_or_text(raw[key])
    addresses = raw.get("physical_addresses", raw.get("addresses"))
    _put(
        record,
        "addresses",
        _each(addresses, lambda a: hsds_v1.address(a, a.get("address_type") or "physical", a.get("id"))),
    )
    accessibility = raw.get("accessibility_for_disabilities", raw.get("accessibility"))
    _put(record, "accessibility", _each(accessibility, _accessibility))
    _put(record, "languages", _each(raw.get("languages"), lambda x: _language(x, text(raw.get("id")) or "?")))
    _put(record, "phones", _each(raw.get("phones"), _phone))
    return record


def _accessibility(raw: dict) -> dict:
    description = raw.get("description") if raw.get("description") is not None else raw.get("accessibility")
    return {"id": raw.get("id"), "description": description, **_fields(raw, ("details", "url"))}


def _taxonomy(raw: dict, owner: str, problems: list[str]) -> dict:
    term = raw.get("taxonomy")
    if not isinstance(term, dict) or text(term.get("id")) is None and text(term.get("name")) is None:
        problems.append(
            f"service_taxonomys item {text(raw.get('id')) or '?'} has no taxonomy with an id or name"
        )
        return {"id": raw.get("id")}
    mapped = hsds_v1.taxonomy_term(term, "oruk")
    code = mapped.get("code") or mapped.get("name")
    attribute = category(
        owner, code, mapped.get("name"), mapped["taxonomy"], term_id=text(term.get("id")) or None,
        description=mapped.get("description"), attribute_id=text(raw.get("id")),
    )  # fmt: skip
    if mapped.get("parent_id"):
        attribute["taxonomy_term"]["parent_id"] = mapped["parent_id"]
    return attribute
