"""What an imported row changes in a service the directory already has.

A sheet says only what its mapping reads, so an existing service is the base and
the row is laid over it: a mapped field takes the cell's value (an empty cell
clears it), a field the mapping does not read stays as it is. Child lists
(phones, languages, categories and attributes, opening hours, locations) are
compared by what a reader sees, not by row ids, and replaced only when that
differs, so an exported sheet imported again unchanged changes nothing.
"""

from __future__ import annotations

import copy
import re

from directory.sync.formats.mapping_spec import Mapping

# Child list → what a reader sees of each item.
PROJECTIONS = {
    "phones": lambda item: re.sub(r"[^\d+]", "", str(item.get("number") or "")),  # spacing is presentation
    "languages": lambda item: item.get("code") or item.get("name"),
    "attributes": lambda item: item.get("taxonomy_term_id") or item.get("value"),
    "schedules": lambda item: tuple(str(item.get(k) or "") for k in ("freq", "byday", "opens_at", "closes_at",
                                                                    "description")),  # fmt: skip
    "service_at_locations": lambda item: _place(item.get("location") or {}),
}
LABELS = {"phones": "phones", "languages": "languages", "attributes": "categories and access",
          "schedules": "opening hours", "service_at_locations": "locations"}  # fmt: skip


def _place(location: dict) -> tuple:
    address = (location.get("addresses") or [{}])[0]
    return (location.get("name") or "", address.get("address_1") or "", address.get("postal_code") or "")


def project(key: str, items: list | None) -> list:
    return sorted((PROJECTIONS[key](item) for item in items or [] if isinstance(item, dict)), key=repr)


def covered_children(mapping: Mapping) -> list[str]:
    """The child lists a sheet with this mapping speaks for."""
    keys = []
    if mapping.phones:
        keys.append("phones")
    if mapping.languages:
        keys.append("languages")
    if mapping.categories or mapping.attributes:
        keys.append("attributes")
    if mapping.schedule or mapping.days:
        keys.append("schedules")
    if mapping.location:
        keys.append("service_at_locations")
    return keys


def overlay(
    existing: dict, incoming: dict, mapping: Mapping, term_codes: dict[str, str] | None = None
) -> tuple[dict, list[str], dict[str, tuple]]:
    """(the service as it would be saved, one line per change, {own field: (before, after)});
    `term_codes` names terms in the lines."""
    codes = term_codes or {}
    merged = copy.deepcopy(existing)
    changes: list[str] = []
    fields: dict[str, tuple] = {}
    for field in mapping.service:
        before, after = existing.get(field), incoming.get(field)
        if before == after:
            continue
        fields[field] = (before, after)
        changes.append(f"{field}: {_shown(before)} → {_shown(after)}")
        if after is None:
            merged.pop(field, None)
        else:
            merged[field] = after
    if incoming.get("organization_id") and incoming["organization_id"] != existing.get("organization_id"):
        before = (existing.get("organization") or {}).get("name") or existing.get("organization_id")
        after = (incoming.get("organization") or {}).get("name") or incoming["organization_id"]
        changes.append(f"organization: {_shown(before)} → {_shown(after)}")
        fields["organization_id"] = (existing.get("organization_id"), incoming["organization_id"])
        merged["organization_id"] = incoming["organization_id"]
        merged["organization"] = incoming.get("organization")
    for key in covered_children(mapping):
        if key not in incoming:
            continue
        before, after = project(key, existing.get(key)), project(key, incoming.get(key))
        if before != after:
            named = lambda values: sorted((codes.get(v, v) for v in values), key=repr)  # noqa: E731
            changes.append(f"{LABELS[key]}: {_list(named(before))} → {_list(named(after))}")
            merged[key] = incoming[key]
    return merged, changes, fields


def _shown(value: object, limit: int = 80) -> str:
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _list(values: list) -> str:
    if not values:
        return "(none)"
    return ", ".join(" ".join(v for v in value if v) if isinstance(value, tuple) else str(value) for value in values)
