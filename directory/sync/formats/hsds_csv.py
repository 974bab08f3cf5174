"""HSDS tabular datapackage: CSV files, read into nested records.

The CSV rows are loaded into a scratch SQLite database (a temporary file) with the directory's own
table shapes, then assembled into nested records by the same code that serves the
HSDS API, so a datapackage and a JSON feed go through one merge.

`harbour import` reads a folder (`parse_folder`); the `hsds-csv` feed format
(`read`) fetches a `datapackage.json` and the CSV files it lists, or a zip of a
package, in the 3.0 layout or the older 1.1 one (mapped by `hsds_v1`). It forgives
what real packages get wrong and says so: files found elsewhere than declared
(`datapackage`), id-less children, broken rows and orphans (`package_rows`).
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import sqlite_utils

from directory.hsds.assemble import assemble
from directory.hsds.tables import Table, coerce_value, hsds_tables
from directory.sync.errors import FetchError
from directory.sync.formats import assemble_batch, hsds_v1
from directory.sync.formats.base import Fetch, FormatOptions, Parsed, Rejected
from directory.sync.formats.checks import check
from directory.sync.formats.datapackage import PackageTable, folder_package, package_tables
from directory.sync.formats.errors import FormatError
from directory.sync.formats.hsds_v1 import canonical_table
from directory.sync.formats.messages import one_line_errors
from directory.sync.formats.package_files import is_absent
from directory.sync.formats.package_rows import Parents, prepared_rows
from directory.sync.formats.shapes import batches
from directory.sync.problems import Problem

# Top-level records besides services that a datapackage may hold on their own.
STANDALONE_TABLES = ("taxonomies", "taxonomy_terms", "organizations", "locations")


def is_datapackage(path: Path) -> bool:
    return path.is_dir() and ((path / "datapackage.json").exists() or (path / "services.csv").exists())


# Pages of a package's scratch database kept in memory; the rest lives in its temporary file.
SCRATCH_CACHE_KIB = 32 * 1024


def empty_tables() -> sqlite_utils.Database:
    """A scratch database with every HSDS table, without foreign keys.

    A private temporary file (SQLite's "" name; removed when closed) with a bounded page
    cache rather than ":memory:", so a package of any size costs the same memory: a
    4,000-service package held whole in memory took hundreds of MB. Nothing needs to
    survive a crash, so nothing is journaled or synced. Link columns are indexed:
    assembling each service looks its children up by them.
    """
    memory = sqlite_utils.Database(sqlite3.connect(""))
    memory.execute(f"PRAGMA cache_size = -{SCRATCH_CACHE_KIB}")
    memory.execute("PRAGMA journal_mode = OFF")
    memory.execute("PRAGMA synchronous = OFF")
    for table in hsds_tables().values():
        memory.execute(
            f"CREATE TABLE [{table.name}] ({', '.join(f'[{c}]' for c in table.columns)}, PRIMARY KEY (id))"
        )
        for column in table.columns:
            if column != "id" and column.endswith("_id"):
                memory.execute(f"CREATE INDEX [{table.name}_{column}] ON [{table.name}] ([{column}])")
    return memory


INSERT_BATCH = 500  # rows written by one statement: a package's tables run to hundreds of thousands of rows


def insert_rows(
    memory: sqlite_utils.Database,
    table_name: str,
    rows: Iterable[tuple[object, dict]],
    rejected: list[Rejected] | None = None,
    parents: Parents | None = None,
) -> None:
    """Add (where, row) pairs to one table, typed as HSDS says; `where` names the line for errors.

    A bad row raises FormatError (an import is all or nothing), or, given a `rejected`
    list, is set aside there with its reason, file and line while the rest goes on (a
    feed sync). Given `parents`, a child whose parent is absent is dropped and reported.
    Rows are written a batch at a time; a row's parents are in other tables, written before.
    """
    table = hsds_tables()[table_name]
    batch: list[tuple[object, dict, dict]] = []  # (where, row as sent, typed values)

    def set_aside(where: object, row: object, error: FormatError) -> None:
        if rejected is None:
            raise error
        record_id = row.get("id") if isinstance(row, dict) else None
        rejected.append(
            Rejected(
                None if record_id is None else str(record_id),
                row,
                [str(error)],
                file=getattr(where, "file", None),
                line=getattr(where, "line", None),
            )
        )
        if parents is not None:
            parents.set_aside(table_name, record_id)

    for where, row in rows:
        try:
            values = _typed_row(table, where, row)
        except FormatError as error:
            set_aside(where, row, error)
            continue
        if parents is not None and not parents.keeps(table_name, where, values):
            continue
        batch.append((where, row, values))
        if len(batch) >= INSERT_BATCH:
            _insert_batch(memory, table, batch, set_aside)
            batch = []
    _insert_batch(memory, table, batch, set_aside)


def _insert_batch(memory: sqlite_utils.Database, table: Table, batch: list, set_aside) -> None:
    """Write a batch in one statement; a row whose id is taken (earlier or in the batch) is set aside."""
    if not batch:
        return
    ids = [values["id"] for _, _, values in batch]
    taken = {
        row[0]
        for row in memory.conn.execute(
            f"SELECT id FROM [{table.name}] WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
    }
    fresh = []
    for where, row, values in batch:
        if values["id"] in taken:
            set_aside(where, row, FormatError(f"{where}: id {values['id']} appears twice"))
            continue
        taken.add(values["id"])
        fresh.append(tuple(values.values()))
    columns = ", ".join(f"[{c}]" for c, _ in _typed_columns(table.name))  # every row has every column
    memory.conn.executemany(
        f"INSERT INTO [{table.name}] ({columns}) VALUES ({', '.join('?' * len(_typed_columns(table.name)))})",
        fresh,
    )


def _typed_row(table: Table, where: object, row: object) -> dict:
    if not isinstance(row, dict):
        raise FormatError(f"{where}: a row must be an object, not {type(row).__name__}")
    record_id = row.get("id")
    if record_id is None or str(record_id).strip() == "":
        raise FormatError(f"{where}: field 'id' is missing")
    if isinstance(record_id, (dict, list)):
        raise FormatError(f"{where}: field 'id' must be a single value")
    values = {}
    for column, field in _typed_columns(table.name):
        value = row.get(column)
        if value is None or value == "":  # most cells of a wide table: absent, nothing to check
            values[column] = None
            continue
        if isinstance(value, (dict, list)):
            raise FormatError(f"{where}, record {record_id}: field '{column}' must be a single value")
        try:
            values[column] = coerce_value(field, value)
        except (ValueError, OverflowError):
            raise FormatError(
                f"{where}, record {record_id}: field '{column}' must be a number, got {value!r}"
            ) from None
    return values


@cache
def _typed_columns(table_name: str) -> tuple[tuple[str, object], ...]:
    """(column, its HSDS field) of a table, looked up once rather than for every cell."""
    table = hsds_tables()[table_name]
    return tuple((column, table.field(column)) for column in table.columns)


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


# --- the `hsds-csv` feed format -------------------------------------------------------------

# Children of an organization worth carrying with each of its services; its locations
# and programs come through the service itself.
ORGANIZATION_CHILDREN = ("phones", "contacts", "funding", "organization_identifiers", "attributes")
TABLE_ALIASES = hsds_v1.ALIASES


@one_line_errors
def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
    """Services of a datapackage (its `datapackage.json` URL, or a zip of the package).

    Tables of any HSDS version go through one conversion (`hsds_v1.convert_tables`); what
    reading repaired or dropped comes with the first batch as `Parsed.problems`.
    """
    try:
        result = fetch(url)
    except FetchError as error:
        if not (is_absent(error) and url.endswith("/datapackage.json")):
            raise
        package = folder_package(fetch, url)  # a folder of CSV files that never had a descriptor
    else:
        if result.not_modified:
            yield Parsed(not_modified=True)
            return
        package = package_tables(fetch, result)
    memory = empty_tables()
    rejected: list[Rejected] = []
    parents = Parents(memory)
    repaired: list[Problem] = []
    sources = {
        name: _rows_of(package.tables, name, repaired, rejected)
        for name in {canonical_table(table.name) for table in package.tables}
    }
    for target, rows in _runs_by_table(hsds_v1.convert_tables(sources)):
        insert_rows(memory, target, rows, rejected, parents)
    if "services" not in {canonical_table(name) for name in package.found}:
        raise FormatError(
            f"{url}: the package has no services table (services.csv): none where the"
            " datapackage.json declares it, beside it or under data/"
        )
    problems = package.problems + repaired + parents.problems
    for parsed in package_services(memory, rejected):
        parsed.problems, problems = problems + parsed.problems, []
        yield parsed


def package_services(memory: sqlite_utils.Database, rejected: list[Rejected]) -> Iterator[Parsed]:
    """Nested services of a loaded package, a batch at a time; rows set aside come first.

    Each batch is read a table at a time (assemble_batch.py), not a row at a time, and
    each service gets its own copy of its organization (with its phones, contacts…).
    """
    service_ids = [row[0] for row in memory.execute("SELECT id FROM services ORDER BY rowid").fetchall()]
    first = True
    for ids in batches(service_ids) if service_ids else [[]]:
        services = assemble_batch.load(memory, "services", ids)
        organizations = _organization(
            memory, [row["organization_id"] for row in services.rows.values() if "organization_id" in row]
        )
        pairs = []
        for service_id in ids:
            record = services.record(service_id)
            organization = organizations.record(record.get("organization_id"))
            if organization is not None:
                record["organization"] = organization
            pairs.append((record, record))
        good, bad = check(pairs)
        yield Parsed(records=good, rejected=(rejected if first else []) + bad)
        first = False


def _organization(memory: sqlite_utils.Database, organization_ids: list[str]) -> assemble_batch.Loaded:
    """The organizations of a batch of services, with the children worth carrying with each service."""
    return assemble_batch.load(memory, "organizations", organization_ids, only=ORGANIZATION_CHILDREN)


def _runs_by_table(converted: Iterator[tuple[str, object, dict]]) -> Iterator[tuple[str, list]]:
    """Consecutive rows of one table together (a 1.1 row may give rows of several), in order."""
    target, rows = None, []
    for table, where, row in converted:
        if table != target and rows:
            yield target, rows
            rows = []
        target = table
        rows.append((where, row))
        if len(rows) >= INSERT_BATCH:
            yield target, rows
            rows = []
    if rows:
        yield target, rows


def _rows_of(tables: list[PackageTable], name: str, problems: list[Problem], rejected: list[Rejected]):
    """The rows of every file of one table (aliases and chunks alike), read when asked, ids given."""
    files = [table for table in tables if canonical_table(table.name) == name]
    return lambda: prepared_rows(name, (row for table in files for row in table.rows()), problems, rejected)
