"""Someone saved first: say, field by field, what the record holds now, beside the editor's values.

The record's fields (`name`, `schedules`, `service_at_locations`) map onto the
form's sections (`name`, `hours`, `locations`); each changed one gets a short
plain-text account of its current value for the form to show next to the input.
"""

from __future__ import annotations

from directory.staff.editing import week_grid
from directory.sync.normalise.times import DAYS

# Record field → the form section it is edited in, where the names differ.
SECTION = {
    "schedules": "hours",
    "attributes": "terms",
    "service_at_locations": "locations",
    "addresses": "address",
}


def section_of(field: str) -> str:
    return SECTION.get(field, field)


def their_values(record: dict | None, fields: list[str], names: dict[str, str] | None = None) -> dict[str, str]:
    """{form section: what it holds now} for each field changed meanwhile."""
    record = record or {}
    names = names or {}
    return {section_of(f): describe(f, record.get(f), names) for f in fields}


def describe(field: str, value: object, names: dict[str, str]) -> str:
    """A short account of a value; `names` gives labels for ids (terms, locations)."""
    if value in (None, "", []):
        return "(empty)"
    if field == "schedules" and isinstance(value, list):
        grid = week_grid.grid_from_schedules(value)
        days = [
            f"{week_grid.DAY_NAMES[d][:3]} " + ", ".join(f"{o}–{c}" for o, c in grid.days[d])
            for d in DAYS
            if grid.days[d]
        ]
        extra = [week_grid.describe_schedule(s) for s in grid.kept]
        return "; ".join(days + extra + ([grid.note] if grid.note else [])) or "(no hours)"
    if field == "attributes" and isinstance(value, list):
        return ", ".join(names.get(a.get("taxonomy_term_id", ""), a.get("taxonomy_term_id", "?")) for a in value)
    if field == "service_at_locations" and isinstance(value, list):
        return ", ".join(names.get(s.get("location_id", ""), s.get("location_id", "?")) for s in value)
    if isinstance(value, list):
        return "; ".join(_item(item) for item in value)
    return str(value)


def _item(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    for key in ("number", "document", "name", "option", "description", "address_1", "code"):
        if item.get(key):
            extra = [str(item[k]) for k in ("extension", "amount", "currency", "city", "postal_code") if item.get(k)]
            return " ".join([str(item[key]), *extra])
    return "(item)"


# -- three-way merge of form values -------------------------------------------------------

NOT_SECTIONS = frozenset({"csrf_token", "version", "organization_id"})


def form_section(key: str, row_keys: tuple[str, ...]) -> str:
    """The section a form field belongs to: `hours-MO-1-opens` → hours, `phones-0-number` → phones."""
    for prefix in ("hours", "address", *row_keys):
        if key.startswith(prefix + "-"):
            return prefix
    return key


def merge_form(
    base: dict, theirs: dict, yours: dict, row_keys: tuple[str, ...]
) -> tuple[dict, set[str], set[str]]:
    """Your form values with the other person's changes taken where you left a section alone.

    Returns (values, conflicting sections, sections taken from theirs). A section both
    of you changed, differently, keeps your values: that is the choice left to you.
    """
    sections: dict[str, dict[str, dict]] = {}
    for name, values in (("base", base), ("theirs", theirs), ("yours", yours)):
        for key, value in values.items():
            if key not in NOT_SECTIONS:
                sections.setdefault(form_section(key, row_keys), {"base": {}, "theirs": {}, "yours": {}})[name][key] = value
    merged = dict(yours)
    conflicting, taken = set(), set()
    for section, sides in sections.items():
        mine, old, new = (_meaningful(sides[k]) for k in ("yours", "base", "theirs"))
        if new == old or new == mine:
            continue
        if mine == old:
            for key in sides["yours"]:
                merged.pop(key, None)
            merged.update(sides["theirs"])
            taken.add(section)
        else:
            conflicting.add(section)
    return merged, conflicting, taken


def _meaningful(values: dict) -> dict:
    """Values as a browser sends them back: no empty fields, no carriage returns, no stray spaces."""
    found = {}
    for key, value in values.items():
        if isinstance(value, list):
            value = sorted(str(v) for v in value)
        else:
            value = str(value or "").replace("\r\n", "\n").strip()
        if value not in ("", []):
            found[key] = value
    return found
