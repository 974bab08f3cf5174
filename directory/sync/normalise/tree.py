"""The shape of a nested HSDS record, from the same relation table the store flattens with.

Walking a record with `directory.hsds.nested.CHILDREN` and `REFERENCES` means the
normaliser and `flatten()` agree on which key holds what.
"""

from __future__ import annotations

from functools import cache

from directory.hsds.nested import CHILDREN, REFERENCES, ROOT_TABLES, Child, Reference
from directory.hsds.tables import Field, hsds_tables

# Id columns that are not foreign keys in the datapackage, and the entity they name.
EXTRA_ID_COLUMNS = {
    ("organizations", "parent_organization_id"): "organization",
    ("taxonomy_terms", "parent_id"): "taxonomy_term",
}
# Columns whose value the categories step decides, not the id mapping.
CATEGORY_COLUMNS = {
    ("attributes", "taxonomy_term_id"),
    ("attributes", "link_id"),
    ("attributes", "link_entity"),
}

__all__ = ["Child", "Reference", "ROOT_TABLES", "columns", "children", "references", "entity", "id_columns"]


@cache
def columns(table: str) -> dict[str, Field]:
    return {f.name: f for f in hsds_tables()[table].fields}


@cache
def children(table: str) -> tuple[Child, ...]:
    return CHILDREN.get(table, ())


@cache
def references(table: str) -> tuple[Reference, ...]:
    return REFERENCES.get(table, ())


@cache
def relation_keys(table: str) -> frozenset[str]:
    """Keys of a nested record of `table` that hold other records."""
    return frozenset({c.key for c in children(table)} | {r.key for r in references(table)})


@cache
def link_columns(table: str) -> tuple[str, ...]:
    """Columns ending in `_id`: those a record may inherit from its referrer."""
    return tuple(c for c in columns(table) if c.endswith("_id"))


@cache
def required_columns(table: str) -> tuple[str, ...]:
    return tuple(name for name, field in columns(table).items() if field.required)


@cache
def entity(table: str) -> str:
    return hsds_tables()[table].entity


@cache
def id_columns(table: str) -> dict[str, str]:
    """Columns of `table` that hold another record's id → the entity of that record."""
    found = {column: entity(ref) for column, ref in hsds_tables()[table].foreign_keys}
    found.update({column: name for (t, column), name in EXTRA_ID_COLUMNS.items() if t == table})
    return {c: e for c, e in found.items() if (table, c) not in CATEGORY_COLUMNS}


def is_link_column(column: str) -> bool:
    return column == "id" or column.endswith("_id") or column in ("link_entity", "link_type")
