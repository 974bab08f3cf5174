"""HSDS 3.0 tabular datapackage: a folder of CSV files, read into nested records.

The CSV rows are loaded into an in-memory SQLite database with the directory's own
table shapes, then assembled into nested records by the same code that serves the
HSDS API, so a datapackage and a JSON feed go through one merge.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from directory.hsds.assemble import assemble
from directory.hsds.tables import coerce_value, hsds_tables
from directory.sync.formats.errors import FormatError

# Top-level records besides services that a datapackage may hold on their own.
STANDALONE_TABLES = ("taxonomies", "taxonomy_terms", "organizations", "locations")


def is_datapackage(path: Path) -> bool:
    return path.is_dir() and ((path / "datapackage.json").exists() or (path / "services.csv").exists())


def empty_tables() -> sqlite_utils.Database:
    """An in-memory database with every HSDS table, without foreign keys."""
    memory = sqlite_utils.Database(sqlite3.connect(":memory:"))
    for table in hsds_tables().values():
        memory.execute(
            f"CREATE TABLE [{table.name}] ({', '.join(f'[{c}]' for c in table.columns)}, PRIMARY KEY (id))"
        )
    return memory


def insert_rows(memory: sqlite_utils.Database, table_name: str, rows: Iterator[tuple[str, dict]]) -> None:
    """Add (where, row) pairs to one table, typed as HSDS says; `where` names the line for errors."""
    table = hsds_tables()[table_name]
    for where, row in rows:
        if not isinstance(row, dict):
            raise FormatError(f"{where}: a row must be an object, not {type(row).__name__}")
        record_id = row.get("id")
        if record_id is None or str(record_id).strip() == "":
            raise FormatError(f"{where}: field 'id' is missing")
        values = {}
        for column in table.columns:
            try:
                values[column] = coerce_value(table.field(column), row.get(column))
            except ValueError:
                raise FormatError(
                    f"{where}, record {record_id}: field '{column}' must be a number, got {row.get(column)!r}"
                ) from None
        try:
            memory[table.name].insert(values)
        except sqlite3.IntegrityError:
            raise FormatError(f"{where}: id {record_id} appears twice") from None


def load_tables(folder: Path) -> sqlite_utils.Database:
    """Read every known CSV of the folder into an in-memory database."""
    memory = empty_tables()
    found = False
    for table in hsds_tables():
        path = folder / f"{table}.csv"
        if path.exists():
            found = True
            insert_rows(memory, table, ((f"{path}: line {line}", row) for line, row in _read_csv(path)))
    if not found:
        raise FormatError(f"{folder}: no HSDS CSV files (services.csv, organizations.csv…) in this folder")
    return memory


def is_tabular_json(document: object) -> bool:
    """HSDS tabular JSON: {"organizations.csv": [rows…], …} (the `.csv` is optional)."""
    tables = hsds_tables()
    return (
        isinstance(document, dict)
        and bool(document)
        and all(isinstance(k, str) and k.removesuffix(".csv") in tables for k in document)
        and all(isinstance(v, list) for v in document.values())
    )


def load_tabular_json(document: dict, where: str) -> sqlite_utils.Database:
    memory = empty_tables()
    for key, rows in document.items():
        table = key.removesuffix(".csv")
        insert_rows(memory, table, ((f"{where}: {key}[{i}]", row) for i, row in enumerate(rows)))
    return memory


def _read_csv(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"{path}: not UTF-8 text ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise FormatError(f"{path}: the header row has no 'id' column")
    for row in reader:
        yield reader.line_num, row


def records(memory: sqlite_utils.Database) -> Iterator[tuple[str, dict]]:
    """(table, nested record) for every service, then for standalone records."""
    for (service_id,) in memory.execute("SELECT id FROM services ORDER BY rowid").fetchall():
        yield "services", assemble(memory, "services", service_id)
    for table in STANDALONE_TABLES:
        for (record_id,) in memory.execute(f"SELECT id FROM [{table}] ORDER BY rowid").fetchall():
            yield table, assemble(memory, table, record_id)
    # Attributes whose record is not in the package would otherwise be lost.
    known = " UNION ".join(f"SELECT id FROM [{t}]" for t in hsds_tables() if t != "attributes")
    for (record_id,) in memory.execute(
        f"SELECT id FROM attributes WHERE link_id NOT IN ({known}) ORDER BY rowid"
    ).fetchall():
        yield "attributes", assemble(memory, "attributes", record_id)


def parse_folder(folder: Path) -> list[tuple[str, dict]]:
    return list(records(load_tables(folder)))
