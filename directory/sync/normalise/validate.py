"""After normalising: does every nested record have what HSDS requires?

Links a parent supplies (a phone's `service_id`, an attribute's `link_id`) are set
by the walk before this runs, so a field missing here is missing from the feed.
Every problem is collected, so the publisher sees them all at once.
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


def check_required(table: str, record: dict, path: str, notes: Notes) -> None:
    """Add a reason for each required field of `record` and the records nested in it that is empty."""
    if table == "addresses" and not record.get("state_province") and record.get("city"):
        # HSDS requires a region, which many countries' addresses (and spreadsheets) lack.
        record["state_province"] = record["city"]
        notes.warn(path, "state_province missing; the city stands in for it")
    for name in tree.required_columns(table):
        if record.get(name) in (None, ""):
            notes.refuse(path, _MESSAGES.get((table, name), f"{name} is required by HSDS but missing"))
    for reference in tree.references(table):
        nested = record.get(reference.key)
        if isinstance(nested, dict):
            check_required(reference.table, nested, f"{path}.{reference.key}", notes)
    for child in tree.children(table):
        for index, item in enumerate(record.get(child.key) or []):
            if isinstance(item, dict):
                check_required(child.table, item, f"{path}.{child.key}[{index}]", notes)
