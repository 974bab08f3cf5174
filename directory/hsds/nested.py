"""Nested HSDS records (as the JSON API serves them) to and from table rows.

One relation table drives both directions, so flattening and assembling cannot
drift apart:

- a *child* collection is owned by its parent: a nested list replaces the rows
  that point at the parent (`phones` of a service);
- a *reference* is a shared record the parent points at (a service's
  `organization`, a service_at_location's `location`): it is upserted, never
  deleted because one parent stopped mentioning it.

A key absent from a nested record leaves those rows alone (HSDS list items often
omit children); a key present, even as an empty list, replaces them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from directory.hsds.tables import coerce_value, hsds_tables


@dataclass(frozen=True)
class Child:
    key: str  # the key in the nested record
    table: str  # the table its rows live in
    fk: str  # the column of the child that holds the parent's id


@dataclass(frozen=True)
class Reference:
    key: str
    table: str
    fk: str  # the column of the parent that holds the referenced id


def _children(*pairs: tuple[str, str], fk: str) -> tuple[Child, ...]:
    return tuple(Child(key, table, fk) for key, table in pairs) + (Child("attributes", "attributes", "link_id"),)


CHILDREN: dict[str, tuple[Child, ...]] = {
    "services": _children(
        ("phones", "phones"),
        ("schedules", "schedules"),
        ("service_areas", "service_areas"),
        ("service_at_locations", "service_at_location"),
        ("languages", "languages"),
        ("funding", "funding"),
        ("cost_options", "cost_options"),
        ("required_documents", "required_documents"),
        ("contacts", "contacts"),
        fk="service_id",
    ),
    "service_at_location": _children(
        ("contacts", "contacts"), ("phones", "phones"), ("schedules", "schedules"), fk="service_at_location_id"
    ),
    "locations": _children(
        ("languages", "languages"),
        ("addresses", "addresses"),
        ("contacts", "contacts"),
        ("accessibility", "accessibility"),
        ("phones", "phones"),
        ("schedules", "schedules"),
        fk="location_id",
    ),
    "organizations": _children(
        ("funding", "funding"),
        ("contacts", "contacts"),
        ("phones", "phones"),
        ("locations", "locations"),
        ("programs", "programs"),
        ("organization_identifiers", "organization_identifiers"),
        fk="organization_id",
    ),
    "phones": _children(("languages", "languages"), fk="phone_id"),
    "contacts": _children(("phones", "phones"), fk="contact_id"),
    "programs": (Child("attributes", "attributes", "link_id"),),
}
for _table in (
    "addresses",
    "schedules",
    "funding",
    "service_areas",
    "required_documents",
    "languages",
    "accessibility",
    "cost_options",
    "organization_identifiers",
):
    CHILDREN[_table] = (Child("attributes", "attributes", "link_id"),)

REFERENCES: dict[str, tuple[Reference, ...]] = {
    "services": (
        Reference("organization", "organizations", "organization_id"),
        Reference("program", "programs", "program_id"),
    ),
    "service_at_location": (Reference("location", "locations", "location_id"),),
    "attributes": (Reference("taxonomy_term", "taxonomy_terms", "taxonomy_term_id"),),
    "taxonomy_terms": (Reference("taxonomy_detail", "taxonomies", "taxonomy_id"),),
}

# Children whose rows may also belong to another parent (a location's phone can carry
# a service_id too); ownership is decided by the fk column alone.
NESTED_KEYS = {c.key for cs in CHILDREN.values() for c in cs} | {r.key for rs in REFERENCES.values() for r in rs}
NESTED_KEYS.add("metadata")  # Harbour writes its own metadata rows; incoming ones are not stored


class RecordError(ValueError):
    """A nested record that cannot be stored; says which record and which field."""

    def __init__(self, table: str, record_id: object, field_name: str, problem: str):
        self.table, self.record_id, self.field_name, self.problem = table, record_id, field_name, problem
        label = "fields" if "', '" in field_name else "field"
        super().__init__(f"{table} record {record_id or '(no id)'}: {label} '{field_name}' {problem}")


@dataclass
class Replacement:
    """Rows of `table` whose `fk` equals `parent_id` and whose id is not in `keep` go away."""

    table: str
    fk: str
    parent_id: str
    keep: set[str] = field(default_factory=set)
    link_entity: str | None = None  # for attributes, which kind of record links them


# Records that stand on their own: a change to any row beneath one (a phone, a
# schedule) is logged as a change of the record it belongs to.
ROOT_TABLES = ("services", "organizations", "locations", "programs", "taxonomies", "taxonomy_terms")


@dataclass
class FlatRow:
    table: str
    row: dict
    root: tuple[str, str]  # (table, id) of the record this row rolls up to


@dataclass
class FlatRecord:
    rows: list[FlatRow] = field(default_factory=list)  # referenced records come before their referrers
    replacements: list[Replacement] = field(default_factory=list)


def flatten(table: str, record: dict) -> FlatRecord:
    """Turn one nested record into table rows and the child sets it replaces.

    The same record may appear in several places (one phone under the service, its
    location and its contact): its rows are merged into one carrying every link.
    """
    flat = FlatRecord()
    _flatten_into(flat, table, record, parent=None, root=None)
    merged: dict[tuple[str, str], FlatRow] = {}
    for item in flat.rows:
        key = (item.table, item.row["id"])
        if key in merged:
            for column, value in item.row.items():
                if value is not None or column not in merged[key].row:
                    merged[key].row[column] = value
        else:
            merged[key] = item
    # Table order puts every referenced table first, so foreign keys hold row by row.
    order = {name: i for i, name in enumerate(hsds_tables())}
    flat.rows = sorted(merged.values(), key=lambda item: order[item.table])
    return flat


def is_link_column(column: str) -> bool:
    """Columns that tie a row to a parent; a nested record leaves out those it does not know."""
    return column.endswith("_id") or column in ("link_entity", "link_type")


def _flatten_into(
    flat: FlatRecord,
    table: str,
    record: dict,
    parent: tuple[Child, str, str] | None,
    root: tuple[str, str] | None,
    inherit: dict | None = None,
) -> str:
    """Append the rows of `record` to `flat` and return its id.

    `inherit` holds foreign keys a referenced record may leave out because its
    referrer knows them (a program nested in a service belongs to the service's
    organization).
    """
    spec = hsds_tables()[table]
    if not isinstance(record, dict):
        raise RecordError(table, None, "(record)", f"must be an object, not {type(record).__name__}")
    record_id = record.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise RecordError(table, record_id, "id", "is missing or not text")
    row: dict = {}
    for column in spec.columns:
        if column in record:
            value = record[column]
            if isinstance(value, (dict, list)):
                raise RecordError(table, record_id, column, "must be a single value, not a list or object")
            try:
                row[column] = coerce_value(spec.field(column), value)
            except ValueError:
                raise RecordError(table, record_id, column, f"must be a number, got {value!r}") from None
    if table in ROOT_TABLES or root is None:
        root = (table, record_id)
    if parent is not None:
        child, parent_id, parent_entity = parent
        row[child.fk] = parent_id
        if table == "attributes":
            row.setdefault("link_entity", parent_entity)
    for ref in REFERENCES.get(table, ()):
        nested = record.get(ref.key)
        if nested is None:
            continue
        ref_id = _flatten_into(flat, ref.table, nested, parent=None, root=None, inherit=row)
        row[ref.fk] = ref_id
    missing = []
    for column in spec.columns:
        f = spec.field(column)
        if row.get(column) is None and inherit and column.endswith("_id") and inherit.get(column):
            row[column] = inherit[column]
        if f is not None and f.required and row.get(column) is None:
            missing.append(column)
    if missing:
        raise RecordError(table, record_id, "', '".join(missing), "is required" if len(missing) == 1 else "are required")
    flat.rows.append(FlatRow(table, row, root))
    for child in CHILDREN.get(table, ()):
        if child.key not in record or record[child.key] is None:
            continue
        items = record[child.key]
        if not isinstance(items, list):
            raise RecordError(table, record_id, child.key, "must be a list")
        replacement = Replacement(
            child.table, child.fk, record_id, link_entity=spec.entity if child.table == "attributes" else None
        )
        for item in items:
            replacement.keep.add(
                _flatten_into(flat, child.table, item, parent=(child, record_id, spec.entity), root=root)
            )
        flat.replacements.append(replacement)
    return record_id


def iter_unknown_keys(table: str, record: dict) -> Iterator[str]:
    """Keys of a nested record that are neither a column nor a known relation."""
    columns = set(hsds_tables()[table].columns)
    for key in record:
        if key not in columns and key not in NESTED_KEYS:
            yield key
