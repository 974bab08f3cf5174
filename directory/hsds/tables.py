"""HSDS 3.0 tables, read from the official tabular datapackage shipped beside this file.

`datapackage.json` is an unmodified copy of Open Referral's HSDS 3.0 datapackage
(CC BY-SA 4.0). Table names are its CSV file names without `.csv`, so the SQLite
tables are named and shaped exactly as the tabular format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATAPACKAGE = Path(__file__).with_name("datapackage.json")

SQL_TYPES = {"string": "TEXT", "number": "NUMERIC", "date": "TEXT", "datetime": "TEXT", "time": "TEXT"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Table:
    name: str  # the SQLite table, e.g. "services"
    entity: str  # the HSDS object, e.g. "service"
    title: str
    description: str
    fields: tuple[Field, ...]
    foreign_keys: tuple[tuple[str, str], ...]  # (column, referenced table)

    def __post_init__(self) -> None:
        # Looked up for every value of every imported row: keep it a dict access.
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "_columns", [f.name for f in self.fields])

    @property
    def columns(self) -> list[str]:
        return self._columns

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)


@cache
def hsds_tables() -> dict[str, Table]:
    """Every HSDS table by SQLite name, in an order where referenced tables come first."""
    package = json.loads(DATAPACKAGE.read_text())
    resources = package["resources"]
    table_of_entity = {r["name"]: r["path"].removesuffix(".csv") for r in resources}
    tables: dict[str, Table] = {}
    for r in resources:
        schema = r["schema"]
        fields = tuple(
            Field(
                name=f["name"],
                type=f.get("type", "string"),
                required=bool(f.get("constraints", {}).get("required")),
                description=f.get("description", ""),
            )
            for f in schema["fields"]
        )
        fks = tuple(
            (fk["fields"], table_of_entity[fk["reference"]["resource"]]) for fk in schema.get("foreignKeys", [])
        )
        name = table_of_entity[r["name"]]
        tables[name] = Table(name, r["name"], r.get("title", name), r.get("description", ""), fields, fks)
    return {name: tables[name] for name in _dependency_order(tables)}


def table_for_entity(entity: str) -> Table:
    return next(t for t in hsds_tables().values() if t.entity == entity)


def _dependency_order(tables: dict[str, Table]) -> list[str]:
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in ordered or name in path:
            return
        for _, ref in tables[name].foreign_keys:
            if ref != name:
                visit(ref, path + (name,))
        ordered.append(name)

    for name in tables:
        visit(name)
    return ordered


def create_table_sql(table: Table) -> str:
    cols = []
    for f in table.fields:
        col = f"[{f.name}] {SQL_TYPES.get(f.type, 'TEXT')}"
        if f.name == "id":
            col += " PRIMARY KEY NOT NULL"
        elif f.required:
            col += " NOT NULL"
        cols.append(col)
    for column, ref in table.foreign_keys:
        cols.append(f"FOREIGN KEY ([{column}]) REFERENCES [{ref}] ([id])")
    return f"CREATE TABLE [{table.name}] (\n  " + ",\n  ".join(cols) + "\n)"


def coerce_value(field: Field | None, value: object) -> object:
    """Turn text from a CSV or form into the HSDS type; empty means absent."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if field is not None and field.type == "number" and isinstance(value, str):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    return value
