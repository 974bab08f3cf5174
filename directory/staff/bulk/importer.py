"""Importing a spreadsheet of services: the sync engine's `csv` format, then a preview or the real thing.

The rows are parsed and normalised exactly as a feed's would be, then saved
through the store inside one transaction. A preview rolls that transaction back,
so it reports what *would* be created, changed, left alone or set aside (with
the reasons) and writes nothing; confirming runs the same steps and commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

import sqlite_utils

from directory.hsds.assemble import fetch_row
from directory.hsds.nested import RecordError
from directory.staff.bulk.compare import overlay
from directory.staff.bulk.formulas import unguard_all
from directory.staff.review.resolve import editable_service
from directory.staff.verify.assure import is_fed
from directory.store import Outcome, Source, save_record
from directory.store.overrides import overrides_for, record_override
from directory.sync.duplicates import find_duplicates
from directory.sync.formats import FormatError, csv_mapping
from directory.sync.formats.base import FetchResult, FormatOptions
from directory.sync.formats.mapping_spec import parse_mapping
from directory.sync.normalise import CategoryMapper, InvalidRecord, NormaliseContext, normalise_service

IMPORT_FEED = "import"  # the namespace of ids derived for rows without a UUID
OUTCOMES = ("created", "updated", "unchanged", "quarantined")


@dataclass
class RowResult:
    outcome: str  # created | updated | unchanged | quarantined
    name: str
    record_id: str | None = None
    reasons: list[str] = field(default_factory=list)  # why it was set aside
    changes: list[str] = field(default_factory=list)  # what an update changes
    fields: dict[str, tuple] = field(default_factory=dict)  # the service's own fields it changes: (before, after)
    warnings: list[str] = field(default_factory=list)  # what was fixed or looks odd


@dataclass
class ImportReport:
    applied: bool
    rows: list[RowResult] = field(default_factory=list)
    error: str | None = None  # the whole sheet was refused (a missing column, a bad mapping)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}


@dataclass(frozen=True)
class ImportSettings:
    source: Source  # whose write this is (staff:ROLE)
    organizations: frozenset[str] | None = None  # organizations the importer manages; None: any
    region: str = "GB"
    timezone: str = "Europe/London"


def fill_new_ids(data: bytes, column: str = "id") -> bytes:
    """Give rows with an empty id cell an id derived from the row, so a new service can be a row
    without one and its preview and its import agree. Only for UTF-8 CSV; other files pass as they are."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or column not in [h.strip().lower() for h in rows[0]]:
        return data
    position = [h.strip().lower() for h in rows[0]].index(column)
    for row in rows[1:]:
        if len(row) > position and not row[position].strip() and any(cell.strip() for cell in row):
            row[position] = "new-" + hashlib.sha1("\x1f".join(row).encode()).hexdigest()[:16]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(
    db: sqlite_utils.Database, data: bytes, filename: str, mapping: dict, settings: ImportSettings, apply: bool
) -> ImportReport:
    """Preview (`apply=False`: every write rolled back) or apply an import; never raises on bad input."""
    report = ImportReport(applied=False)
    try:
        spec = parse_mapping(mapping, "the import mapping")
    except FormatError as error:
        report.error = str(error)
        return report
    body = fill_new_ids(data, spec.id.column.lower()) if spec.id and spec.id.column else data

    def fetch(url: str) -> FetchResult:
        return FetchResult(url=filename, status=200, body=body, content_type="text/csv")

    ctx = NormaliseContext(feed_name=IMPORT_FEED, region=settings.region, timezone=settings.timezone,
                           categories=CategoryMapper.from_db(db))  # fmt: skip
    codes = dict(db.execute("SELECT id, code FROM taxonomy_terms").fetchall())
    db.execute("BEGIN IMMEDIATE")  # the write lock from the first comparison to the last save
    try:
        for parsed in csv_mapping.read(fetch, filename, FormatOptions(mapping=mapping, where=filename)):
            for rejected in parsed.rejected:
                report.rows.append(RowResult("quarantined", _raw_name(rejected.raw), rejected.source_id,
                                             reasons=list(rejected.reasons)))  # fmt: skip
            for raw in parsed.records:
                report.rows.append(_land(db, raw, spec, ctx, settings, codes))
    except FormatError as error:
        db.execute("ROLLBACK")
        return ImportReport(applied=False, error=str(error))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT" if apply else "ROLLBACK")
    report.applied = apply
    return report


def _land(db, raw: dict, spec, ctx: NormaliseContext, settings: ImportSettings, codes: dict) -> RowResult:
    raw = unguard_all(raw)  # the apostrophes the export put before formula-like cells
    name = str(raw.get("name") or raw.get("id") or "")
    try:
        normalised = normalise_service(raw, ctx)
    except InvalidRecord as error:
        return RowResult("quarantined", name, raw.get("id"), reasons=error.reasons, warnings=error.warnings)
    record = normalised.record
    result = RowResult("unchanged", record.get("name") or name, record["id"], warnings=list(normalised.warnings))
    if _use_known_organization(db, record):  # the sheet's few organization cells were not used
        result.warnings = [w for w in result.warnings if not w.startswith("service.organization")]
    existing = editable_service(db, record["id"])
    if existing is not None:
        owners = {existing.get("organization_id")}
        record, result.changes, result.fields = overlay(existing, record, spec, codes)
        if not result.changes:
            return result  # a row that changes nothing is fine whoever's it is
        owners.add(record.get("organization_id"))
    else:
        owners = {record.get("organization_id")}
    if settings.organizations is not None and not owners <= settings.organizations:
        result.outcome = "quarantined"
        result.reasons.append("the service belongs to an organization you do not manage")
        return result
    if existing is None:
        result.warnings += [
            f"looks like an existing service ({match.score:.0f}/100 alike): {match.service_id}"
            for match in find_duplicates(db, record, exclude_source=settings.source.name, region=ctx.region)[:1]
        ]
    try:
        with db.atomic():
            outcome = save_record(db, "services", record, settings.source)
    except RecordError as error:
        result.outcome, result.reasons = "quarantined", [str(error)]
        return result
    result.outcome = "created" if outcome is Outcome.CREATED else "updated"
    return result


def keep_staff_values(db: sqlite_utils.Database, private: sqlite_utils.Database, report: ImportReport) -> None:
    """An applied import is a staff edit: where a feed also sends the service, its next run keeps
    the imported values (or queues a conflict) instead of writing over them."""
    for row in report.rows:
        if row.outcome != "updated" or not row.fields or not is_fed(db, row.record_id or ""):
            continue
        known = overrides_for(private, "services", row.record_id)
        for name, (before, after) in row.fields.items():
            upstream = known[name][1] if name in known else before
            record_override(private, "services", row.record_id, name, after, upstream)


def _use_known_organization(db: sqlite_utils.Database, record: dict) -> bool:
    """A row names its organization by id or by name; a known one is used as it stands (a sheet's
    one name must not wipe the organization's description or website)."""
    given = record.get("organization") or {}
    row = fetch_row(db, "organizations", record.get("organization_id") or given.get("id") or "")
    if row is None and given.get("name"):
        found = db.execute(
            "SELECT id FROM organizations WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", [given["name"]]
        ).fetchone()
        row = fetch_row(db, "organizations", found[0]) if found else None
    if row is None:
        return False
    record["organization"], record["organization_id"] = row, row["id"]
    return True


def _raw_name(raw: object) -> str:
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(value, str) and value.strip() and "name" in str(key).lower():
                return value.strip()
    return ""  # the reasons name the row
