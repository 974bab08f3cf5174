"""`harbour import`: load an HSDS file or datapackage through the store, all or nothing."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from directory.hsds.nested import RecordError
from directory.store import Outcome, Source, save_record, set_translation
from directory.sync.formats import FormatError, hsds_csv, hsds_json


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


__all__ = ["ImportFailed", "ImportReport", "Outcome", "import_path", "read_records"]
