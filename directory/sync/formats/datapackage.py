"""Where a tabular package's tables are: listed by a datapackage.json URL, or inside a zip.

A `datapackage.json` names its CSV files in `resources[].path` (a path relative
to the descriptor, a list of chunk paths, or a URL) or carries rows inline in
`data`. A zip holds the descriptor and the files, or only the files: then the
folder with `services.csv` is the package. Tables are named by file stem
(`services`, `physical_addresses`), which is how 1.1 and 3.0 packages are told apart.

Real packages are not always what their descriptor says, so reading forgives and says so
(`Package.problems`, each a `repaired` Problem):
- a resource not at its declared path is read from beside the descriptor or under `data/`
  (package_files.candidates);
- a declared resource found nowhere is read as empty (only the services table is required:
  the reader checks that once it has read the package);
- a standard HSDS table (1.x, 2.0 or 3.0 file name) beside the descriptor, or in the zip's
  package folder, is read even when the descriptor does not declare it. Over HTTP that means
  asking for each standard name not declared: a bounded, quiet probe (absent is expected).
Tables are read when asked, one file at a time, so nothing is fetched twice.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from directory.hsds.tables import hsds_tables
from directory.sync.formats.base import Fetch, FetchResult
from directory.sync.formats.documents import json_document
from directory.sync.formats.errors import FormatError
from directory.sync.formats.hsds_v1 import STANDARD_TABLES, STANDS_ALONE, canonical_table
from directory.sync.formats.package_files import FetchedFiles, ZipFiles, candidates, whereabouts
from directory.sync.formats.tabular import csv_rows, is_zip, open_zip, read_member
from directory.sync.problems import Problem


@dataclass(frozen=True)
class Where:
    """Where a row was read: its file (a URL, or `zip!member`) and line, for messages and the report."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file} line {self.line}"


Rows = Iterator[tuple[Where, dict]]
Files = FetchedFiles | ZipFiles
# A row with more values than its header has columns keeps the extra ones under this key,
# as csv.DictReader does: the reader sets such a row aside (a comma left unquoted, most often).
EXTRA_VALUES = None


@dataclass
class PackageTable:
    name: str  # the table it holds, by its standard name: "services", "physical_addresses"
    where: str
    rows: Callable[[], Rows]  # read on demand, so a package's files are fetched one at a time


@dataclass
class Package:
    tables: list[PackageTable]
    problems: list[Problem] = field(default_factory=list)  # what reading repaired, filled as tables are read
    found: set[str] = field(default_factory=set)  # the tables a file (or inline data) was read for


def package_tables(fetch: Fetch, result: FetchResult) -> Package:
    """Every table the fetched descriptor or zip names, and the standard ones beside it."""
    if is_zip(result.body):
        return _zip_package(result.body, result.url)
    descriptor = json_document(result, "a datapackage.json or a zip of a datapackage")
    return _descriptor_package(descriptor, result.url, FetchedFiles(fetch, result.url))


def folder_package(fetch: Fetch, url: str) -> Package:
    """A package without its datapackage.json: the standard tables where it would be, as a zip without one."""
    package = _descriptor_package({"resources": []}, url, FetchedFiles(fetch, url))
    package.problems.append(
        Problem("repaired", "no datapackage.json here; read the standard HSDS tables found beside it", file=url)
    )
    return package


def dict_rows(body: bytes, where: str, id_required: bool = True) -> Rows:
    """(where, row) for each record of a CSV table; `where` names the line the record starts on.

    A table whose rows stand on their own must have an `id` column; a child table may
    lack one (its rows are given ids from their parent).
    """
    rows = csv_rows(body, where, delimiter=",")
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise FormatError(f"{where}: no header row")
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    if id_required and "id" not in names:
        raise FormatError(f"{where}: the header row has no 'id' column (found: {', '.join(names)[:200]})")
    line = 1 + _newlines(header) + 1
    for values in rows:
        start, line = line, line + 1 + _newlines(values)  # a quoted value may span lines
        if not any(value.strip() for value in values):
            continue
        row = dict(zip(names, values))
        extra = [value for value in values[len(names) :] if value.strip()]
        if extra:
            row[EXTRA_VALUES] = extra
        yield Where(where, start), row


def _newlines(values: list[str]) -> int:
    return sum(value.count("\n") for value in values)


def _descriptor_package(descriptor: object, where: str, files: Files) -> Package:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise FormatError(f"{where}: not a datapackage descriptor (no 'resources' list)")
    package = Package([])
    declared: set[str] = set()
    for index, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            raise FormatError(f"{where}: resource {index} is not an object")
        path, data = resource.get("path"), resource.get("data")
        paths = [path] if isinstance(path, str) else path if isinstance(path, list) else []
        if not all(isinstance(p, str) and p.strip() for p in paths):
            raise FormatError(f"{where}: resource {index} has a 'path' that is not text")
        for item in paths:
            stem, extension = posixpath.splitext(posixpath.basename(urlsplit(item).path))
            if extension.lower() != ".csv":
                continue
            name = _table_name(stem, resource.get("name"))
            declared.add(name)
            package.tables.append(
                PackageTable(name, files.where(item), _declared(package, files, name, item))
            )
        if not paths and isinstance(data, list):
            name = _table_name(str(resource.get("name") or ""), resource.get("name"))
            declared.add(name)
            package.tables.append(
                PackageTable(
                    name, f"{where} resource {name}", _inline(package, name, data, f"{where} resource {name}")
                )
            )
    _add_undeclared(package, files, declared)
    return package


def _declared(package: Package, files: Files, name: str, path: str) -> Callable[[], Rows]:
    def rows() -> Rows:
        for candidate in candidates(path):
            body = files.read(candidate)
            if body is None:
                continue
            where = files.where(candidate)
            if candidate != path:
                package.problems.append(
                    Problem(
                        "repaired",
                        f"declared at {path}; read {posixpath.basename(candidate)} {whereabouts(candidate)}",
                        file=where,
                        field=name,
                    )
                )
            package.found.add(name)
            yield from dict_rows(body, where, id_required=_stands_alone(name))
            return
        package.problems.append(
            Problem(
                "repaired",
                f"declared at {path}, but neither there nor beside the datapackage.json nor under data/;"
                " read as an empty table",
                file=files.where(path),
                field=name,
            )
        )

    return rows


def _add_undeclared(package: Package, files: Files, declared: set[str]) -> None:
    """The standard tables beside the descriptor that it does not declare (read if they exist)."""
    declared_canonical = {canonical_table(name) for name in declared}
    listing = files.listing()
    for name in STANDARD_TABLES:
        if canonical_table(name) in declared_canonical:
            continue
        path = f"{name}.csv"
        if listing is not None:  # a zip says what it holds: look beside the descriptor and under data/
            path = next((p for p in (path, f"data/{path}") if files.member(p) in listing), "")
            if not path:
                continue
        package.tables.append(PackageTable(name, files.where(path), _undeclared(package, files, name, path)))


def _undeclared(package: Package, files: Files, name: str, path: str) -> Callable[[], Rows]:
    def rows() -> Rows:
        body = files.probe(path)
        if body is None:
            return
        where = files.where(path)
        package.problems.append(
            Problem(
                "repaired",
                f"{path} is not declared in the datapackage.json; read it as well",
                file=where,
                field=name,
            )
        )
        package.found.add(name)
        yield from dict_rows(body, where, id_required=_stands_alone(name))

    return rows


def _zip_package(body: bytes, where: str) -> Package:
    archive = open_zip(body, where)
    names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    descriptors = sorted((n for n in names if posixpath.basename(n) == "datapackage.json"), key=_depth)
    if descriptors:
        folder = posixpath.dirname(descriptors[0])
        descriptor = json_document(
            FetchResult(f"{where}!{descriptors[0]}", 200, read_member(archive, descriptors[0], where)),
            "a datapackage.json",
        )
        return _descriptor_package(
            descriptor, f"{where}!{descriptors[0]}", ZipFiles(archive, where, folder, names)
        )
    services = sorted((n for n in names if posixpath.basename(n).lower() == "services.csv"), key=_depth)
    if not services:
        raise FormatError(f"{where}: the zip holds neither a datapackage.json nor a services.csv")
    folder = posixpath.dirname(services[0])
    package = Package([])
    for name in names:
        if posixpath.dirname(name) == folder and name.lower().endswith(".csv"):
            stem = posixpath.splitext(posixpath.basename(name))[0]
            table = _table_name(stem, None)
            package.tables.append(
                PackageTable(table, f"{where}!{name}", _member_rows(package, archive, table, name, where))
            )
    return package


def _member_rows(package: Package, archive, table: str, name: str, where: str) -> Callable[[], Rows]:
    def rows() -> Rows:
        package.found.add(table)
        yield from dict_rows(
            read_member(archive, name, where), f"{where}!{name}", id_required=_stands_alone(table)
        )

    return rows


def _inline(package: Package, name: str, data: list, where: str) -> Callable[[], Rows]:
    def rows() -> Rows:
        package.found.add(name)
        for index, row in enumerate(data):
            if not isinstance(row, dict):
                raise FormatError(f"{where}: row {index} is not an object")
            yield Where(f"{where} row {index}"), row

    return rows


def _stands_alone(name: str) -> bool:
    return canonical_table(name) in STANDS_ALONE


def _table_name(stem: str, resource_name: object) -> str:
    """The file stem, or for an unknown stem the table of the resource's HSDS entity name."""
    stem = stem.strip().lower()
    if stem in STANDARD_TABLES or not isinstance(resource_name, str):
        return stem
    by_entity = {t.entity: name for name, t in hsds_tables().items()}
    return by_entity.get(resource_name.strip().lower(), stem)


def _depth(name: str) -> tuple[int, str]:
    return name.count("/"), name
