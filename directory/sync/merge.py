"""Landing one feed record: unchanged, linked to a duplicate, quarantined, or saved.

Every path ends in the store's single write path; nothing here writes rows itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from directory.clock import now_iso
from directory.hsds.nested import RecordError
from directory.store import Source
from directory.store.overrides import apply_overrides
from directory.store.records import content_hash, save_records
from directory.store.review import open_review
from directory.sync import placeholders, remembered
from directory.sync.duplicates import find_duplicates
from directory.sync.duplicates.index import refresh as refresh_contact_keys
from directory.sync.duplicates.neighbours import neighbours_of
from directory.sync.normalise import InvalidRecord, NormaliseContext, Normalised, normalise_service
from directory.sync.problems import Problem
from directory.sync.quarantine import set_aside
from directory.sync.report import RunReport


@dataclass
class Landed:
    """How one raw record of a page landed."""

    seen_as: str | None  # the id the feed gave it
    source_id: str | None  # the id it is known by (seen_as, or one derived for a record without)
    ok: bool  # stored, unchanged or linked; False when quarantined
    digest: str  # the content hash of the raw record
    unchanged: bool = False  # found as stored: not cleaned again (its problems are recalled: remembered.py)


@dataclass
class Known:
    record_id: str
    content_hash: str
    deleted_at: str | None
    linked: bool


def known_record(db: sqlite_utils.Database, source: Source, source_id: str) -> Known | None:
    row = db.execute(
        "SELECT p.record_id, p.content_hash, p.deleted_at,"
        " EXISTS (SELECT 1 FROM service_links l WHERE l.source = p.source AND l.source_id = p.source_id)"
        " FROM provenance p WHERE p.source = ? AND p.source_id = ? AND p.table_name = 'services'",
        [source.name, source_id],
    ).fetchone()
    return Known(row[0], row[1], row[2], bool(row[3])) if row else None


def raw_source_id(raw: object) -> str | None:
    if isinstance(raw, dict) and raw.get("id") not in (None, ""):
        return str(raw["id"])
    return None


def land(
    db: sqlite_utils.Database,
    private: sqlite_utils.Database,
    raw: dict,
    source: Source,
    ctx: NormaliseContext,
    report: RunReport,
    check_duplicates: bool = True,
) -> str | None:
    """Land one raw record; return the source id it was seen under (None if it has none).

    `check_duplicates` is off when no other source lists services yet: there is
    nothing to be a duplicate of, and the look-up costs a query per record.
    """
    (landed,) = land_records(db, private, [raw], source, ctx, report, check_duplicates)
    return landed.source_id


def land_records(
    db: sqlite_utils.Database,
    private: sqlite_utils.Database,
    raws: list,
    source: Source,
    ctx: NormaliseContext,
    report: RunReport,
    check_duplicates: bool = True,
    overridden: set[str] | None = None,
    prepared: list[Prepared] | None = None,
) -> list[Landed]:
    """Land raw records (a page of a feed) as `land` would one by one, with fewer round trips.

    Returns how each landed. `overridden` (ids of services with staff overrides, read once
    a run) spares a look-up per record; None looks each record up. `prepared` (from
    `prepare_records`, one per raw record) is work already done, maybe by a helper process.
    """
    landed: list[Landed] = []
    start = 0
    seen: set[str] = set()
    ahead = prepared if prepared is not None and len(prepared) == len(raws) else [None] * len(raws)
    captured = report.problems.capture = []  # this page's problems, to keep with their records
    try:
        for index, raw in enumerate(raws):  # a source id twice in one page: the second waits for the first
            seen_as = raw_source_id(raw)
            if seen_as in seen:
                landed += _land_distinct(
                    db, private, raws[start:index], source, ctx, report, check_duplicates, overridden,
                    ahead[start:index],
                )
                start, seen = index, set()
            if seen_as:
                seen.add(seen_as)
        landed += _land_distinct(
            db, private, raws[start:], source, ctx, report, check_duplicates, overridden, ahead[start:]
        )
    finally:
        report.problems.capture = None
    report.problems.extend(remembered.remember(private, source.name, landed, captured))
    return landed


@dataclass
class Prepared:
    """What landing a raw record needs that touches no database: its fingerprint and, maybe, its clean form."""

    digest: str
    normalised: Normalised | InvalidRecord | None  # None: not worked out (the record looked unchanged)


def prepare_records(raws: list, ctx: NormaliseContext, stored_digests: dict[str, str]) -> list[Prepared]:
    """Fingerprint and normalise a page's records, skipping those stored with the same fingerprint.

    Pure (no database, no network), so a run has it done for the next page by a helper
    process while it writes this one (see prepare.py). `stored_digests` ({source id: content hash} of services
    already stored) is a hint: a record it wrongly skips is normalised when it lands.
    """
    result = []
    for raw in raws:
        digest = content_hash(raw)
        seen_as = raw_source_id(raw)
        if seen_as is not None and stored_digests.get(seen_as) == digest:
            result.append(Prepared(digest, None))
            continue
        try:
            normalised: Normalised | InvalidRecord = normalise_service(raw, ctx)
        except InvalidRecord as error:
            normalised = error
        result.append(Prepared(digest, normalised))
    return result


def stored_digests(db: sqlite_utils.Database, source: Source, raws: list) -> dict[str, str]:
    """{source id: content hash} of the services among `raws` stored (and not withdrawn) from `source`."""
    ids = [i for i in map(raw_source_id, raws) if i]
    return {
        source_id: known.content_hash
        for source_id, known in known_records(db, source, ids).items()
        if known.deleted_at is None
    }


def known_records(db: sqlite_utils.Database, source: Source, source_ids: list[str]) -> dict[str, Known]:
    found: dict[str, Known] = {}
    for start in range(0, len(source_ids), 10_000):
        chunk = source_ids[start : start + 10_000]
        for source_id, *row in db.execute(
            "SELECT p.source_id, p.record_id, p.content_hash, p.deleted_at,"
            " EXISTS (SELECT 1 FROM service_links l WHERE l.source = p.source AND l.source_id = p.source_id)"
            f" FROM provenance p WHERE p.source = ? AND p.table_name = 'services' AND p.source_id IN"
            f" ({', '.join('?' for _ in chunk)})",
            [source.name, *chunk],
        ).fetchall():
            found.setdefault(source_id, Known(row[0], row[1], row[2], bool(row[3])))
    return found


def _land_distinct(db, private, raws, source, ctx, report, check_duplicates, overridden, prepared) -> list[Landed]:
    """Land records whose source ids differ: unchanged ones are only touched, the rest saved in one go."""
    results: list[Landed] = []
    seen_as_ids = [raw_source_id(raw) for raw in raws]
    known_by_id = known_records(db, source, [i for i in seen_as_ids if i])
    touched: list[str] = []
    to_save: list[tuple[dict, str | None, str | None]] = []
    pointing: list[tuple] = []  # (record, organizations it points at without carrying them, source id)
    saving: list[tuple[int, object, str]] = []  # (result index, raw, source id) of each record in to_save
    for raw, seen_as, ahead in zip(raws, seen_as_ids, prepared):
        digest = ahead.digest if ahead is not None else content_hash(raw)
        known = known_by_id.get(seen_as) if seen_as else None
        if known and known.content_hash == digest and known.deleted_at is None:
            touched.append(seen_as)
            report.unchanged += 1
            results.append(Landed(seen_as, seen_as, True, digest, unchanged=True))
            continue
        try:
            if ahead is not None and ahead.normalised is not None:
                if isinstance(ahead.normalised, InvalidRecord):
                    raise ahead.normalised
                normalised = ahead.normalised
            else:
                normalised = normalise_service(raw, ctx)
        except InvalidRecord as error:
            # What was repaired or dropped on the way does not matter: the record is set aside whole.
            report.problems.extend(_about([p for p in error.problems if p.kind not in _MOOT], seen_as))
            _quarantine(private, source, seen_as, raw, error.reasons, report)
            results.append(Landed(seen_as, seen_as, False, digest))
            continue
        report.unmapped_terms |= normalised.unmapped_terms
        report.problems.extend(_about(normalised.problems, seen_as))
        record = normalised.record
        # A record the feed gave no id is known by the stable id derived from it.
        source_id = normalised.source_id or seen_as or record["id"]
        if known is None and source_id != seen_as:
            known = known_record(db, source, source_id)
        if known and known.linked:
            # Another source's listing stands for this service; keep our fingerprint only.
            db.execute(
                "UPDATE provenance SET content_hash = ?, last_seen = ?, deleted_at = NULL"
                " WHERE source = ? AND source_id = ? AND table_name = 'services'",
                [digest, now_iso(), source.name, source_id],
            )
            report.unchanged += 1
            results.append(Landed(seen_as, source_id, True, digest))
            continue
        if known:
            record["id"] = known.record_id
        elif check_duplicates and _linked_to_duplicate(db, private, record, source, source_id, digest, ctx, report):
            results.append(Landed(seen_as, source_id, True, digest))
            continue
        if overridden is None or record["id"] in overridden:
            apply_overrides(private, "services", record, source.name)
        report.term_uses[record["id"]] = normalised.unmapped_terms or ()  # () is shared: a big run stays small
        saving.append((len(results), raw, source_id))
        to_save.append((record, source_id, digest))
        pointing.append((record, normalised.organization_references, source_id))
        results.append(Landed(seen_as, source_id, True, digest))
    touch_seen(db, source, touched)
    placeholders.place(db, private, pointing, source, ctx, report)
    _drop_absent_locations(db, pointing, report)
    notes: list[str] = []
    for (index, raw, source_id), outcome in zip(saving, save_records(db, "services", to_save, source, notes)):
        if isinstance(outcome, RecordError):
            _quarantine(private, source, source_id, raw, [str(outcome)], report)
            results[index].ok = False
        else:
            setattr(report, outcome.value, getattr(report, outcome.value) + 1)
    report.problems.extend(Problem("repaired", note) for note in notes)  # links to records that do not exist
    placeholders.release(private, [item[0] for item, (index, _, _) in zip(to_save, saving) if results[index].ok])
    return results


def touch_seen(db: sqlite_utils.Database, source: Source, source_ids: list[str]) -> None:
    """The source still lists these services, unchanged."""
    now = now_iso()
    for start in range(0, len(source_ids), 10_000):  # one statement a page rather than one a service
        chunk = source_ids[start : start + 10_000]
        db.conn.execute(
            "UPDATE provenance SET last_seen = ? WHERE source = ? AND table_name = 'services'"
            f" AND source_id IN ({', '.join('?' * len(chunk))})",
            [now, source.name, *chunk],
        )


def other_sources_exist(db: sqlite_utils.Database, source: Source) -> bool:
    return db.execute(
        "SELECT 1 FROM provenance WHERE table_name = 'services' AND source != ? AND deleted_at IS NULL LIMIT 1",
        [source.name],
    ).fetchone() is not None


def _linked_to_duplicate(db, private, record, source, source_id, digest, ctx, report) -> bool:
    """A new record that is surely another source's service becomes a second provenance of it."""
    refresh_contact_keys(db)  # what other sources changed since is looked up, not scanned
    # The run's memory of other sources' services: a key its own services share is looked up once.
    neighbours = neighbours_of(db, source.name, ctx.region)
    matches = find_duplicates(db, record, exclude_source=source.name, region=ctx.region, neighbours=neighbours)
    if not matches:
        return False
    best = matches[0]
    if best.decision == "same":
        now = now_iso()
        with db.atomic():
            db.execute(
                "INSERT INTO provenance (table_name, record_id, source, source_id, content_hash, first_seen, last_seen)"
                " VALUES ('services', ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id, source) DO UPDATE SET"
                " source_id = excluded.source_id, content_hash = excluded.content_hash, last_seen = excluded.last_seen,"
                " deleted_at = NULL",
                [best.service_id, source.name, source_id, digest, now, now],
            )
            db.execute(
                "INSERT INTO service_links (service_id, source, source_id, score, linked, decided_by)"
                " VALUES (?, ?, ?, ?, ?, 'sync') ON CONFLICT (source, source_id) DO NOTHING",
                [best.service_id, source.name, source_id, best.score, now],
            )
        report.duplicates += 1
        return True
    details = {"candidate": best.service_id, "score": best.score, "reasons": list(best.reasons),
               "source": source.name, "source_id": source_id}
    if open_review(private, "duplicate", "services", record["id"], details):
        report.duplicates += 1
    return False


def _drop_absent_locations(db: sqlite_utils.Database, landing: list[tuple], report: RunReport) -> None:
    """A service-at-location naming a location neither the record nor the directory holds is dropped, not the service."""
    named = {
        sal["location_id"]
        for record, _, _ in landing
        for sal in record.get("service_at_locations") or []
        if sal.get("location_id") and not isinstance(sal.get("location"), dict)
    }
    if not named:
        return
    carried = {
        sal["location"]["id"]
        for record, _, _ in landing
        for sal in record.get("service_at_locations") or []
        if isinstance(sal.get("location"), dict)
    }
    absent = named - carried - placeholders.present(db, "locations", list(named - carried))
    if not absent:
        return
    for record, _, source_id in landing:
        kept = []
        for index, sal in enumerate(record.get("service_at_locations") or []):
            if sal.get("location_id") in absent and not isinstance(sal.get("location"), dict):
                report.problems.add(Problem(
                    "dropped_children",
                    f"service.service_at_locations[{index}]: location {sal['location_id']} is neither in the feed"
                    " nor in the directory; service at location dropped",
                    record=source_id, field="service_at_location.location_id",
                ))  # fmt: skip
            else:
                kept.append(sal)
        if "service_at_locations" in record:
            record["service_at_locations"] = kept


_MOOT = ("repaired", "dropped_children")  # kinds that say nothing about a record set aside whole


def _quarantine(private, source: Source, source_id, raw, reasons: list[str], report: RunReport) -> None:
    set_aside(private, source.name, report, source_id, raw, reasons)


def _about(problems: list, source_id: str | None) -> list:
    """A record's problems, each naming the record (as the feed knows it) unless it names another."""
    for problem in problems:
        if problem.record is None:
            problem.record = source_id
    return problems
