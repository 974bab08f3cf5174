"""Importing: `harbour import` as a one-off sync, and the trusted loader of the demo city.

`import_source(instance, "pkg.zip")` runs a file, folder, zip or URL through the same
format readers, normaliser, merge and report as `harbour sync` (run.py), under the
source `import:NAME`, with a Feed that is not registered: good records land, bad ones
are set aside and reported. The format is told from the content when it is
unambiguous (detect.py). Two shapes no feed has are kept from the old import:
Harbour's translation list and HSDS tabular JSON.

`import_path(db, path, source)` loads files Harbour itself ships (the demo city, with
its standalone organizations and translations) straight through the store, all or
nothing: they are curated, and `harbour init --demo` stays a second or two.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlite_utils

from directory.hsds.nested import RecordError
from directory.store import Outcome, Source, save_record, set_translation
from directory.sync.formats import FormatError, hsds_csv, hsds_json
from directory.sync.formats.base import FetchResult, FormatOptions, Parsed
from directory.sync.problems import Problem

if TYPE_CHECKING:
    from directory.instance import Instance
    from directory.sync.formats.base import Fetch, FormatReader
    from directory.sync.report import RunReport


class ImportFailed(Exception):
    """One line saying what is wrong and where; nothing was written."""


@dataclass
class ImportReport:
    path: str
    counts: Counter = field(default_factory=Counter)
    translations: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.counts.items())]
        if self.translations:
            parts.append(f"{self.translations} translations")
        return f"{self.path}: " + (", ".join(parts) or "nothing to import")


def read_records(path: Path) -> tuple[list[tuple[str, dict]], list[dict]]:
    """(records as (table, nested record), translations) found at `path`."""
    if path.is_dir() or path.name == "datapackage.json":
        folder = path if path.is_dir() else path.parent
        if not hsds_csv.is_datapackage(folder):
            raise FormatError(f"{folder}: not an HSDS datapackage (no datapackage.json or services.csv)")
        return hsds_csv.parse_folder(folder), []
    if not path.exists():
        raise FormatError(f"{path}: no such file")
    try:
        document = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FormatError(f"{path}: not valid JSON ({error})") from None
    if hsds_json.is_translation_list(document):
        return [], document
    if hsds_csv.is_tabular_json(document):
        return list(hsds_csv.records(hsds_csv.load_tabular_json(document, str(path)))), []
    return [("services", record) for record in hsds_json.services_in(document, str(path))], []


def import_path(db: sqlite_utils.Database, path: Path, source: Source | None = None) -> ImportReport:
    """Import every record at `path` in one transaction; raise ImportFailed and change nothing on bad input."""
    source = source or Source(f"import:{path.name}")
    report = ImportReport(str(path))
    try:
        records, translations = read_records(path)
        with db.atomic():
            for table, record in records:
                try:
                    outcome = save_record(db, table, record, source, notes=report.notes)
                except RecordError as error:
                    top = f"{table} record {record.get('id', '(no id)')}"
                    detail = str(error) if str(error).startswith(top) else f"{top}: {error}"
                    raise ImportFailed(f"{path}: {detail}") from None
                report.counts[f"{table} {outcome.value}" if table != "services" else outcome.value] += 1
            for index, item in enumerate(translations):
                try:
                    if set_translation(
                        db, item["table"], item["id"], item["field"], item["language"], item["text"],
                        item.get("status", "human"),
                    ):
                        report.translations += 1
                except (ValueError, TypeError) as error:
                    raise ImportFailed(f"{path}: translation {index} ({item.get('id')}): {error}") from None
    except FormatError as error:
        raise ImportFailed(str(error)) from None
    return report


@dataclass
class Target:
    """What an import reads: the URL a reader starts from, the fetch that answers it, a name."""

    url: str
    fetch: Fetch
    name: str  # the source is import:NAME
    folder: bool = False  # a folder: a datapackage, with a descriptor or without (read by its standard tables)
    problems: list[Problem] = field(default_factory=list)  # what was made of the input before reading it


def import_source(
    instance: Instance,
    location: str,
    *,
    format: str | None = None,
    mapping: dict | None = None,
    allow_private: bool = False,
    progress: bool = False,
) -> RunReport:
    """Import a file, folder, zip or URL as a one-off sync; ImportFailed (one line) when it cannot start."""
    from directory.store import Source
    from directory.sync.detect import TABULAR_JSON, TRANSLATIONS, DetectError, detect_format
    from directory.sync.errors import FetchError
    from directory.sync.feeds import Feed
    from directory.sync.formats import FORMATS
    from directory.sync.run import run_feed

    target = _target(location, allow_private)
    if format is not None and format not in FORMATS:
        raise ImportFailed(f"unknown format {format!r} (one of: {', '.join(sorted(FORMATS))})")
    if format == "csv" and not mapping:
        raise ImportFailed("the csv format needs --mapping FILE (a YAML mapping of columns to HSDS fields)")
    reader = None
    if format is None and target.folder:
        format = "hsds-csv"
    elif format is None:
        try:
            first = target.fetch(target.url)
            format = detect_format(first.body, location, has_mapping=bool(mapping))
        except (DetectError, FetchError) as error:
            raise ImportFailed(str(error)) from None
        except FormatError as error:
            raise ImportFailed(str(error)) from None
        if format == TRANSLATIONS:
            return _import_translations(instance, target, json.loads(first.body.decode("utf-8-sig")))
        if format == TABULAR_JSON:
            reader = _tabular_reader(json.loads(first.body.decode("utf-8-sig")), location)
            format = "hsds-csv"
    if target.problems:
        reader = _saying(reader or FORMATS[format], target.problems)
    label = f"import:{target.name}"
    feed = Feed(name=label, url=target.url, format=format, mapping=mapping, allow_private=allow_private)
    return run_feed(
        instance, feed, Source(label), fetch=target.fetch, reader=reader, registered=False, label=label,
        progress=progress,
    )


def _target(location: str, allow_private: bool) -> Target:
    from directory.sync.local import file_url, local_fetcher

    scheme = urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        name = posixpath.basename(urlsplit(location).path.rstrip("/")) or urlsplit(location).hostname or "url"
        return Target(location, _remembering(_web_fetcher(allow_private)), name)
    path = Path(location[7:] if scheme == "file" else location).expanduser()
    if not path.exists():
        raise ImportFailed(f"{path}: no such file or folder")
    if path.is_dir():
        descriptor = path / "datapackage.json"
        url, name = file_url(descriptor), path.resolve().name
        if not descriptor.exists() and not any(p.suffix.lower() == ".csv" for p in path.iterdir()):
            raise ImportFailed(f"{path}: no datapackage.json and no CSV files in this folder")
        if descriptor.exists() and not _is_descriptor(descriptor):
            # (a link saved as text, say): the folder is read as one without a descriptor, its standard tables
            said = Problem("repaired", "not a datapackage descriptor; read the folder's standard HSDS tables instead",
                           file=url)  # fmt: skip
            return Target(url, local_fetcher(path, absent={url}), name, True, [said])
        return Target(url, local_fetcher(path), name, folder=True)
    return Target(file_url(path), _remembering(local_fetcher(path.parent)), path.name)


def _is_descriptor(path: Path) -> bool:
    try:
        return path.is_file() and isinstance(json.loads(path.read_bytes()).get("resources"), list)
    except (ValueError, AttributeError, OSError):
        return False


def _saying(reader: FormatReader, problems: list[Problem]) -> FormatReader:
    """`reader`, with what the import made of its input said first in the report."""

    def read(fetch: Fetch, url: str, options: FormatOptions):
        yield Parsed(problems=list(problems))
        yield from reader(fetch, url, options)

    return read


def _web_fetcher(allow_private: bool) -> Fetch:
    from directory.sync.errors import UnsafeAddress
    from directory.sync.fetch import make_fetcher
    from directory.sync.run import fetch_deadline

    inner = make_fetcher(allow_private=allow_private, deadline_seconds=fetch_deadline())

    def fetch(url: str) -> FetchResult:
        try:
            return inner(url)
        except UnsafeAddress as error:
            if allow_private:
                raise
            raise UnsafeAddress(f"{error} (give --allow-private to import from your own network)") from None

    return fetch


def _remembering(fetch: Fetch) -> Fetch:
    """The first answer is kept for the reader's first ask: detecting the format costs no second download."""
    kept: dict[str, FetchResult] = {}
    asked: list[str] = []

    def remembering(url: str) -> FetchResult:
        if url in kept:
            return kept.pop(url)
        kept.clear()  # the reader asked for something else first (an API's first page): not needed again
        result = fetch(url)
        if not asked:
            kept[url] = result
        asked.append(url)
        return result

    return remembering


def _tabular_reader(document: dict, where: str) -> FormatReader:
    """HSDS tabular JSON read as a datapackage: a bad row is set aside, its table lands."""

    def read(fetch: Fetch, url: str, options: FormatOptions):
        from directory.sync.formats.base import Rejected

        memory = hsds_csv.empty_tables()
        rejected: list[Rejected] = []
        for key, rows in document.items():
            table = key.removesuffix(".csv")
            hsds_csv.insert_rows(memory, table, ((f"{where}: {key}[{i}]", row) for i, row in enumerate(rows)), rejected)
        yield Parsed(problems=_left_out(memory, where))
        yield from hsds_csv.package_services(memory, rejected)

    return read


def _left_out(memory, where: str) -> list[Problem]:
    """Organizations and locations no service names: a run lands services (with theirs), so these stay out."""
    problems = []
    for table, by, column in (("organizations", "services", "organization_id"),
                              ("locations", "service_at_location", "location_id")):  # fmt: skip
        for record_id, name in memory.execute(
            f"SELECT id, name FROM [{table}] WHERE id NOT IN"
            f" (SELECT [{column}] FROM [{by}] WHERE [{column}] IS NOT NULL) ORDER BY rowid"
        ).fetchall():
            what = f"{name or 'a record'} is named by no service in this file; only services and theirs are imported"
            problems.append(Problem("set_aside", what, file=where, record=str(record_id), field=table))
    return problems


def _import_translations(instance: Instance, target: Target, items: list) -> RunReport:
    """Harbour's translation list: each item stored, a bad one set aside and reported; kept as a run."""
    from directory.sync.quarantine import set_aside
    from directory.sync.report import RunReport, finish_run, save_problems, start_run

    label = f"import:{target.name}"
    report = RunReport(feed=label)
    with instance.databases() as (db, private):
        start_run(db, report)
        with db.atomic():
            for index, item in enumerate(items):
                report.fetched += 1
                try:
                    changed = set_translation(
                        db, item["table"], item["id"], item["field"], item["language"], item["text"],
                        item.get("status", "human"),
                    )
                except (ValueError, TypeError, KeyError) as error:
                    set_aside(private, label, report, str(item.get("id")), item, [f"translation {index}: {error}"],
                              file=target.name)  # fmt: skip
                    continue
                if changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
        report.settle()
        finish_run(db, report)
        save_problems(private, report)
    return report


__all__ = ["ImportFailed", "ImportReport", "Outcome", "import_path", "import_source", "read_records"]
