"""Where a tabular package's tables are: listed by a datapackage.json URL, or inside a zip.

A `datapackage.json` names its CSV files in `resources[].path` (a path relative
to the descriptor, a list of chunk paths, or a URL) or carries rows inline in
`data`. A zip holds the descriptor and the files, or only the files: then the
folder with `services.csv` is the package. Tables are named by file stem
(`services`, `physical_addresses`), which is how 1.1 and 3.0 packages are told apart.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from directory.hsds.tables import hsds_tables
from directory.sync.formats.base import Fetch, FetchResult
from directory.sync.formats.documents import json_document
from directory.sync.formats.errors import FormatError
from directory.sync.formats.hsds_v1 import V1_TABLES
from directory.sync.formats.tabular import csv_rows, is_zip, open_zip, read_member

Rows = Iterator[tuple[str, dict]]  # (where, row) — where names the file and line for messages


@dataclass
class PackageTable:
    name: str  # the file stem: "services", "physical_addresses", "service_at_location"
    where: str
    rows: Callable[[], Rows]  # read on demand, so a package's files are fetched one at a time


def package_tables(fetch: Fetch, result: FetchResult) -> list[PackageTable]:
    """Every table the fetched descriptor or zip names."""
    if is_zip(result.body):
        return _zip_tables(result.body, result.url)
    descriptor = json_document(result, "a datapackage.json or a zip of a datapackage")
    load = lambda path: fetch(urljoin(result.url, path)).body
    return _descriptor_tables(descriptor, result.url, load, lambda path: urljoin(result.url, path))


def dict_rows(body: bytes, where: str) -> Rows:
    """(where, row) for each line of a CSV table; its header must name an `id` column."""
    rows = csv_rows(body, where, delimiter=",")
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise FormatError(f"{where}: no header row")
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    if "id" not in names:
        raise FormatError(f"{where}: the header row has no 'id' column (found: {', '.join(names)[:200]})")
    for line, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            continue
        yield f"{where} line {line}", dict(zip(names, values))


def _descriptor_tables(
    descriptor: object, where: str, load: Callable[[str], bytes], locate: Callable[[str], str]
) -> list[PackageTable]:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise FormatError(f"{where}: not a datapackage descriptor (no 'resources' list)")
    tables = []
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
            tables.append(PackageTable(name, locate(item), _lazy_csv(load, item, locate(item))))
        if not paths and isinstance(data, list):
            name = _table_name(str(resource.get("name") or ""), resource.get("name"))
            tables.append(
                PackageTable(name, f"{where} resource {name}", _inline(data, f"{where} resource {name}"))
            )
    return tables


def _zip_tables(body: bytes, where: str) -> list[PackageTable]:
    archive = open_zip(body, where)
    names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    descriptors = sorted((n for n in names if posixpath.basename(n) == "datapackage.json"), key=_depth)
    if descriptors:
        folder = posixpath.dirname(descriptors[0])
        descriptor = json_document(
            FetchResult(f"{where}!{descriptors[0]}", 200, read_member(archive, descriptors[0], where)),
            "a datapackage.json",
        )
        member = lambda path: posixpath.normpath(posixpath.join(folder, path))
        load = lambda path: _member_bytes(archive, member(path), where)
        return _descriptor_tables(
            descriptor, f"{where}!{descriptors[0]}", load, lambda p: f"{where}!{member(p)}"
        )
    services = sorted((n for n in names if posixpath.basename(n).lower() == "services.csv"), key=_depth)
    if not services:
        raise FormatError(f"{where}: the zip holds neither a datapackage.json nor a services.csv")
    folder = posixpath.dirname(services[0])
    tables = []
    for name in names:
        if posixpath.dirname(name) == folder and name.lower().endswith(".csv"):
            stem = posixpath.splitext(posixpath.basename(name))[0]
            load = lambda path: _member_bytes(archive, path, where)
            tables.append(
                PackageTable(
                    _table_name(stem, None), f"{where}!{name}", _lazy_csv(load, name, f"{where}!{name}")
                )
            )
    return tables


def _member_bytes(archive, name: str, where: str) -> bytes:
    if name not in archive.namelist():
        raise FormatError(f"{where}: the datapackage lists {name}, which the zip does not hold")
    return read_member(archive, name, where)


def _lazy_csv(load: Callable[[str], bytes], path: str, where: str) -> Callable[[], Rows]:
    return lambda: dict_rows(load(path), where)


def _inline(data: list, where: str) -> Callable[[], Rows]:
    def rows() -> Rows:
        for index, row in enumerate(data):
            if not isinstance(row, dict):
                raise FormatError(f"{where}: row {index} is not an object")
            yield f"{where} row {index}", row

    return rows


def _table_name(stem: str, resource_name: object) -> str:
    """The file stem, or for an unknown stem the table of the resource's HSDS entity name."""
    stem = stem.strip().lower()
    tables = hsds_tables()
    if stem in tables or stem in V1_TABLES or not isinstance(resource_name, str):
        return stem
    by_entity = {t.entity: name for name, t in tables.items()}
    return by_entity.get(resource_name.strip().lower(), stem)


def _depth(name: str) -> tuple[int, str]:
    return name.count("/"), name
