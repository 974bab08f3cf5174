"""A package's rows on their way into the in-memory tables: what is repaired, set aside, dropped.

- A child row (a phone, a schedule, an address…) without an id gets one made of its
  table, its parent's id and its place among that parent's id-less rows of the table:
  `~phones:service_id=svc-1#2`. The same row gets the same id on every run, and a row
  whose values change in place keeps its id, so the run sees an update rather than a
  delete and an insert (an id made from the row's content would change with it). The
  normaliser turns it into a UUID of the feed, like any id a feed sends.
- A row with more values than its header has columns (a comma left unquoted) is set
  aside with its file and line; the rest of its table goes on.
- A child whose parent is not in the package (a phone of a service missing from
  services.csv) is dropped and reported, never silently lost. A service or location whose
  organization is absent stays as it is: the merge lands it under a placeholder.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlite_utils

from directory.hsds.tables import hsds_tables
from directory.sync.formats.base import Rejected
from directory.sync.formats.datapackage import EXTRA_VALUES, Rows, Where
from directory.sync.formats.hsds_v1 import STANDS_ALONE
from directory.sync.problems import Problem

# Tables whose rows belong to no record in particular (Harbour keeps its own metadata).
_NO_PARENT = STANDS_ALONE | {"metadata", "meta_table_descriptions"}


def prepared_rows(
    table: str, rows: Iterable[tuple[Where, dict]], problems: list[Problem], rejected: list[Rejected]
) -> Rows:
    """The rows of one source table (by its standard name), ids given and broken rows set aside."""
    gives_ids = table not in STANDS_ALONE
    counts: Counter[str] = Counter()
    for where, row in rows:
        if EXTRA_VALUES in row:
            rejected.append(_broken(where, row))
            continue
        if gives_ids and not _has_id(row):
            parent = _parent_key(row)
            if not parent:
                reason = f"{where}: no id, and no link to a record it belongs to (a service_id, a location_id…)"
                rejected.append(Rejected(None, row, [reason], file=where.file, line=where.line))
                continue
            counts[parent] += 1
            row = {**row, "id": f"~{table}:{parent}#{counts[parent]}"}
            problems.append(
                Problem(
                    "repaired",
                    f"no id; gave it {row['id']}, from its parent and its place among that parent's"
                    f" {table} rows without an id",
                    file=where.file,
                    line=where.line,
                    field=f"{table}.id",
                )
            )
        yield where, row


def _has_id(row: dict) -> bool:
    value = row.get("id")
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _parent_key(row: dict) -> str:
    """The row's links to other records, e.g. `service_id=svc-1`, in column order."""
    return ";".join(
        f"{column}={str(value).strip()}"
        for column, value in sorted(row.items(), key=lambda item: str(item[0]))
        if isinstance(column, str) and column.endswith("_id") and value is not None and str(value).strip()
    )


def _broken(where: Where, row: dict) -> Rejected:
    extra = row[EXTRA_VALUES]
    raw = {**{k: v for k, v in row.items() if k is not EXTRA_VALUES}, "(values past the last column)": extra}
    record_id = row.get("id")
    return Rejected(
        str(record_id).strip() or None if record_id is not None else None,
        raw,
        [f"{where}: {len(extra)} more value(s) than the header has columns ({extra[0][:40]!r}…);"
         " a comma inside a value that is not quoted?"],
        file=where.file,
        line=where.line,
    )  # fmt: skip


class Parents:
    """Tells, as each row lands, whether the record it belongs to is in the package."""

    def __init__(self, memory: sqlite_utils.Database) -> None:
        self.memory = memory
        self.problems: list[Problem] = []
        self.lost: dict[
            tuple[str, str], str
        ] = {}  # (table, id) of rows that did not land: "set aside", "dropped"
        tables = hsds_tables()
        self.links = {name: table.foreign_keys for name, table in tables.items() if name not in _NO_PARENT}
        # An attribute's link_id may name a record of any table (link_entity is filled loosely: not trusted).
        self.linkable = sorted(
            (name for name in tables if name not in ("attributes", "metadata", "meta_table_descriptions")),
            key=lambda name: name != "services",  # most attributes are a service's
        )
        self.links["attributes"] = ()

    def keeps(self, table: str, where: object, values: dict) -> bool:
        """False when the row's parent is absent: then it is reported as a dropped child."""
        links = self.links.get(table)
        if links is None:
            return True
        reason = self._unlinked(values) if table == "attributes" else self._missing(table, links, values)
        if reason is None:
            return True
        self.lost[(table, str(values.get("id")))] = "dropped"
        self.problems.append(
            Problem(
                "dropped_children",
                f"{table} row {values.get('id')} not landed: {reason}",
                file=getattr(where, "file", None),
                line=getattr(where, "line", None),
                record=None if values.get("id") is None else str(values["id"]),
                field=table,
            )
        )
        return False

    def set_aside(self, table: str, record_id: object) -> None:
        if record_id is not None:
            self.lost[(table, str(record_id))] = "set aside"

    def _missing(self, table: str, links: tuple[tuple[str, str], ...], values: dict) -> str | None:
        given = [
            (column, parent, values[column]) for column, parent in links if values.get(column) is not None
        ]
        if table == "service_at_location":  # it needs both: a service, at a location
            absent = [column for column, _ in links if values.get(column) is None]
            if absent:
                return f"it names no {' and no '.join(absent)}"
        elif not given:
            return f"it names no record it belongs to (none of {', '.join(c for c, _ in links)})"
        reasons = []
        for column, parent, value in given:
            if self._exists(parent, value):
                if table != "service_at_location":
                    return None  # one parent present is enough: the row lands under it
                continue
            lost = self.lost.get((parent, str(value)))
            reasons.append(
                f"its {column} {value} was {lost} (see that row)"
                if lost
                else f"its {column} {value} is not in the package's {parent}"
            )
        return "; ".join(reasons) or None

    def _unlinked(self, values: dict) -> str | None:
        link_id = values.get("link_id")
        if link_id is None:
            return "it names no link_id"
        if any(self._exists(table, link_id) for table in self.linkable):
            return None
        lost = next((state for (_, record_id), state in self.lost.items() if record_id == str(link_id)), None)
        if lost:
            return f"its link_id {link_id} was {lost} (see that row)"
        return f"its link_id {link_id} is not in the package"

    def _exists(self, table: str, record_id: object) -> bool:
        return (
            self.memory.conn.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone()
            is not None
        )
