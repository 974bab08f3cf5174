"""JSON merge-patch (RFC 7396) of a record's own fields and child lists.

`{"name": "New name", "email": null, "phones": [...]}`: a field set to a value
replaces it, null removes it, and a child list replaces the whole list (send the
rows you keep with their ids). The shared records a record points at (its
organization, a location's details, taxonomy terms) cannot be patched through it:
they are edited on their own.
"""

from __future__ import annotations

from directory.hsds.nested import CHILDREN
from directory.hsds.tables import hsds_tables
from directory.staff.editing.versions import REFERENCE_KEYS, editable


class PatchError(ValueError):
    """A patch that cannot apply; `problems` names every field at fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def patchable_keys(table: str) -> tuple[set[str], set[str]]:
    """(own columns, child list keys) of a table."""
    return set(hsds_tables()[table].columns), {c.key for c in CHILDREN.get(table, ())}


def apply_patch(table: str, current: dict, patch: object) -> dict:
    """The record to save: `current`'s own fields with the patch applied, plus the patched child lists.

    Child lists the patch does not name are left out, so the store leaves them alone.
    """
    if not isinstance(patch, dict):
        raise PatchError(["the body must be a JSON object of the fields to change"])
    columns, children = patchable_keys(table)
    problems = []
    for key, value in patch.items():
        if key in REFERENCE_KEYS:
            problems.append(f"{key}: edit it on its own record; here only its id can change")
        elif key == "id":
            if value != current["id"]:
                problems.append("id: cannot change")
        elif key in children:
            if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                problems.append(f"{key}: must be a list of objects, or null to empty it")
        elif key in columns:
            if isinstance(value, (dict, list)):
                problems.append(f"{key}: must be a single value, not a list or object")
        else:
            problems.append(f"{key}: not a field of {table}")
    if problems:
        raise PatchError(problems)
    record = {k: v for k, v in current.items() if not isinstance(v, list)}
    for key, value in patch.items():
        if key == "id":
            continue
        if key in children:
            record[key] = editable(value or [])
        elif value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record
