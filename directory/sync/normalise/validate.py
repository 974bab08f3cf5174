"""After normalising: does every nested record have what HSDS requires?

Links a parent supplies (a phone's `service_id`, an attribute's `link_id`) are set
by the walk before this runs, so a field missing here is missing from the feed.

Only the service's own required fields refuse it (every reason collected, so the
publisher sees them all at once). A nested record that lacks one is dropped with a
reason and the service keeps the rest: one bad child never costs its parent.
"""

from __future__ import annotations

from directory.sync.normalise import tree
from directory.sync.normalise.context import Notes

_MESSAGES = {
    (
        "services",
        "organization_id",
    ): "has no organization (neither an 'organization' nor an 'organization_id')",
}
# Address parts worth keeping in the location's description when the address itself cannot stay.
_ADDRESS_TEXT = ("address_1", "address_2", "city", "region", "state_province", "postal_code")


def check_required(table: str, record: dict, path: str, notes: Notes) -> None:
    """Refuse `record` for each of its own required fields that is empty; drop nested records that lack one."""
    for name in _missing(table, record, path, notes):
        notes.refuse(path, _MESSAGES.get((table, name), f"{name} is required by HSDS but missing"))
    _check_nested(table, record, path, notes)


def _missing(table: str, record: dict, path: str, notes: Notes) -> list[str]:
    # HSDS requires a region, which many countries' addresses (and spreadsheets) lack: the city stands in.
    stand_in = table == "addresses" and record.get("state_province") in (None, "") and bool(record.get("city"))
    missing = [
        name
        for name in tree.required_columns(table)
        if record.get(name) in (None, "") and not (stand_in and name == "state_province")
    ]
    if stand_in and not missing:
        record["state_province"] = record["city"]
        notes.warn(path, "state_province missing; the city stands in for it")
    return missing


def _check_nested(table: str, record: dict, path: str, notes: Notes) -> None:
    for reference in tree.references(table):
        nested = record.get(reference.key)
        where = f"{path}.{reference.key}"
        if isinstance(nested, dict) and not _keeps(reference.table, nested, where, notes):
            del record[reference.key]
            if not tree.columns(table)[reference.fk].required:
                record.pop(reference.fk, None)
            # A required link stays: the record it names may be in the directory already, and an
            # organization that is not gets a placeholder when the service lands (merge.py).
    for child in tree.children(table):
        items = record.get(child.key)
        if not items:
            continue
        kept = [
            item
            for index, item in enumerate(items)
            if not isinstance(item, dict) or _keeps(child.table, item, f"{path}.{child.key}[{index}]", notes)
        ]
        if len(kept) < len(items):
            if table == "locations" and child.table == "addresses":
                _address_into_description(record, items, kept, path, notes)
            record[child.key] = kept


def _keeps(table: str, record: dict, path: str, notes: Notes) -> bool:
    """Whether a nested record stays; one that lacks a required field is dropped, saying which."""
    missing = _missing(table, record, path, notes)
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        notes.warn(
            path,
            f"{', '.join(missing)} {verb} required by HSDS but missing; {tree.entity(table)} dropped",
            kind="dropped_children",
            field_name=f"{table}.{missing[0]}",
        )
        return False
    _check_nested(table, record, path, notes)
    return True


def _address_into_description(location: dict, items: list, kept: list, path: str, notes: Notes) -> None:
    """An address HSDS cannot hold still tells a reader where to go: its text goes into a location without a description."""
    if kept or location.get("description"):
        return
    for item in items:
        text = ", ".join(str(item[k]) for k in _ADDRESS_TEXT if isinstance(item, dict) and item.get(k))
        if text:
            location["description"] = text
            notes.warn(path, "the dropped address's text kept as the location's description")
            return
