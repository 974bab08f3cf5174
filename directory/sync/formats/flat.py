"""One spreadsheet row to one nested HSDS service: shared by the `hxl` and `csv` formats.

A row is the whole truth about its service, so every child list is sent, empty
when the row has nothing for it (a phone number deleted from the sheet goes).
Ids a sheet does not give are derived from content, stably: an organization from
its name, a location from its name and address, a phone or language from its
value under the service's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.sync.formats.shapes import category, compact, number_or_text, stable_id, text

ADDRESS_FIELDS = ("address_1", "address_2", "city", "region", "state_province", "postal_code", "country")
LOCATION_FIELDS = ("name", "alternate_name", "description", "transportation", "url")


@dataclass
class FlatService:
    """What one row says, each value as sent."""

    id: str
    service: dict = field(default_factory=dict)  # name, description, url, email, status, …
    organization: dict = field(default_factory=dict)  # id (optional), name, description, website…
    location: dict = field(default_factory=dict)  # id (optional), name, address fields, latitude…
    phones: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (code, label, scheme)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, label, scheme)
    schedules: list[dict] = field(default_factory=list)  # without ids; given here


def build_service(flat: FlatService) -> dict:
    sid = flat.id
    record = {"id": sid, "status": "active", **compact(flat.service)}
    organization = compact(flat.organization)
    if text(organization.get("name")):
        organization.setdefault("id", stable_id("org", organization["name"]))
        record["organization"] = organization
    record["service_at_locations"] = _at_locations(sid, flat.location)
    record["phones"] = [{"id": f"{sid}#phone:{number}", "number": number} for number in _unique(flat.phones)]
    record["languages"] = [{"id": f"{sid}#language:{name}", "name": name} for name in _unique(flat.languages)]
    record["attributes"] = [
        category(sid, code, label, scheme) for code, label, scheme in _unique(flat.categories)
    ] + [
        category(sid, code, label, scheme, link_type="attribute")
        for code, label, scheme in _unique(flat.attributes)
    ]
    record["schedules"] = [
        {"id": f"{sid}#schedule:{n}", **compact(s)} for n, s in enumerate(flat.schedules, 1)
    ]
    return record


def _at_locations(sid: str, location: dict) -> list[dict]:
    values = compact(location)
    address = {k: values[k] for k in ADDRESS_FIELDS if k in values}
    place = {k: values[k] for k in LOCATION_FIELDS if k in values}
    for key in ("latitude", "longitude"):
        if key in values:
            place[key] = number_or_text(values[key])
    if not address and not place:
        return []
    location_id = values.get("id") or stable_id(
        "loc", values.get("name"), values.get("address_1"), values.get("postal_code"), values.get("city"),
        values.get("latitude"), values.get("longitude"),
    )  # fmt: skip
    record = {"id": location_id, "location_type": "physical", **place}
    if address:
        record["addresses"] = [{"id": f"{location_id}#address", "address_type": "physical", **address}]
    return [{"id": f"{sid}#at:{location_id}", "location": record}]


def _unique(values: list) -> list:
    return list(dict.fromkeys(v for v in values if v))
