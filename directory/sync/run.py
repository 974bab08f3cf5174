"""One run of one feed: fetch → parse → normalise → merge, a short transaction at a time.

Each page lands in transactions of about 0.2 s each (chunks.py), so other writers
(staff saves, the API, another run) get a turn between them instead of waiting for
the whole run, and readers see the run's progress. A run cut short (a network
failure, garbage instead of a page, a kill) keeps the records it landed, each one
whole and as the feed said it, and the next run converges, finding them unchanged.
Only a complete listing tombstones what it no longer lists — unless it is empty or
shrank by more than half, which is flagged for a human instead. A record that fails
goes to quarantine and the run goes on.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from contextlib import contextmanager, suppress

import sqlite_utils

from directory.instance import Instance
from directory.store import Source, tombstone
from directory.store.overrides import overridden_ids
from directory.sync import remembered
from directory.sync.chunks import ChunkSize
from directory.sync.errors import SyncError
from directory.sync.feeds import Feed, get_feed
from directory.sync.fetch import make_fetcher
from directory.sync.formats import FORMATS, FormatError
from directory.sync.formats.base import Fetch, FetchResult, FormatOptions, FormatReader, Parsed
from directory.sync.merge import (
    land_records,
    other_sources_exist,
    raw_source_id,
    stored_digests,
)
from directory.sync.normalise import CategoryMapper, NormaliseContext
from directory.sync.pages import PageMemo
from directory.sync.prepare import Pending, Preparer
from directory.sync.quarantine import release, set_aside
from directory.sync.report import Progress, RunReport, finish_run, save_problems, start_run
from directory.taxonomy.feed_terms import settle_terms

# Formats that are one document: a 304 for the feed URL means the whole feed is unchanged.
# (A paged API's first page can be unchanged while a later one is not.)
SINGLE_DOCUMENT_FORMATS = {"hsds-csv", "hxl", "csv"}
SHRINK_LIMIT = 0.5  # a complete listing under half of what the feed had is not believed
RUN_CACHE_KIB = 48 * 1024  # SQLite page cache of a run's connection (the default is 2 MiB)


class NotModified(Exception):
    """The feed URL answered 304: nothing to do."""


def sync_feed(instance: Instance, name: str, *, progress: bool = False) -> RunReport:
    """Run one registered feed now and return its report (result 'failed' rather than raising)."""
    with instance.databases() as (db, private):
        feed = get_feed(db, private, name)
    return run_feed(instance, feed, Source(f"feed:{name}"), progress=progress)


def run_feed(
    instance: Instance,
    feed: Feed,
    source: Source,
    *,
    fetch: Fetch | None = None,
    reader: FormatReader | None = None,
    registered: bool = True,
    label: str | None = None,
    progress: bool = False,
) -> RunReport:
    """Fetch, parse, normalise and merge one feed; the report is kept in `sync_runs` under `label`.

    `harbour sync` runs a registered feed (its validators and page memo kept between runs);
    `harbour import` runs a one-off Feed (`registered=False`) through the same steps, with
    its own `fetch` for local files (and its own `reader` for shapes no feed format reads).
    Returns the report; a failure is its result, not raised.
    """
    label = label or feed.name
    db, private = instance.directory(), instance.private()
    try:
        report = RunReport(feed=label)
        start_run(db, report)
        try:
            validators = _validators(private, feed) if registered else {}
            memo = PageMemo(db, private, feed.name, source) if registered else None
            # A run writes its rows, their indexes, the change log and metadata all over the file:
            # a larger page cache for this one connection saves re-reading pages it just wrote.
            db.execute(f"PRAGMA cache_size = -{RUN_CACHE_KIB}")
            with _fewer_collections():
                landed = _run(
                    db, private, feed, source, instance, report, fetch or _fetcher(feed, validators),
                    reader or FORMATS[feed.format], memo, Progress(label) if progress else None,
                )
            report.settle()
            release(private, source.name, landed)
            if registered:
                _save_validators(private, feed, validators)
                memo.save()
        except NotModified:
            report.result, report.not_modified = "not_modified", 1
        except (SyncError, FormatError) as error:
            report.result, report.errors = "failed", report.errors + 1
            report.message = f"{_what(feed, registered, label)}: {error}"
        except sqlite3.DatabaseError as error:
            report.result, report.errors = "failed", report.errors + 1
            report.message = f"{_what(feed, registered, label)}: database error: {error}"
        if report.result != "not_modified" and registered:
            # The feed's unmapped terms and uncategorised services, kept for staff and reported.
            with suppress(sqlite3.DatabaseError):  # the run's outcome stands; its next run recounts
                settle_terms(db, feed.name, report)
        elif report.result != "not_modified":
            report.note_unmapped_terms()  # an import has no feed to keep its terms for staff: it says them
        finish_run(db, report)
        with suppress(sqlite3.DatabaseError):  # the run stands without its problem rows; its counts are kept
            save_problems(private, report)
        return report
    finally:
        db.close()
        private.close()


def _what(feed: Feed, registered: bool, label: str) -> str:
    return f"feed {feed.name}" if registered else label


def _run(
    db, private, feed: Feed, source: Source, instance: Instance, report: RunReport, fetch: Fetch,
    reader: FormatReader, memo: PageMemo | None, progress,
) -> list[str]:
    settings = instance.settings
    ctx = NormaliseContext(
        feed_name=feed.name, region=settings.country, timezone=settings.timezone,
        categories=CategoryMapper.from_db(db),
        publisher=(db.execute("SELECT name FROM organizations WHERE id = ?", [feed.publisher_id]).fetchone() or [None])[0],
    )
    check_duplicates = other_sources_exist(db, source)
    overridden = overridden_ids(private, "services")
    seen: set[str] = set()
    landed: list[str] = []
    complete = True
    chunks = ChunkSize()
    # Page N+1 is fetched and parsed, and prepared (fingerprints, normalising: no database) by a
    # helper process (prepare.py), while page N is written; pages land one after another, in order.
    pending: list[tuple[Parsed, Pending | None]] = []  # at most one page read but not landed yet

    def land_page(parsed: Parsed, preparing: Pending | None) -> None:
        report.problems.extend(parsed.problems)
        for rejected in parsed.rejected:
            set_aside(
                private, source.name, report, rejected.source_id, rejected.raw, rejected.reasons,
                rejected.file, rejected.line,
            )
            if rejected.source_id:
                seen.add(str(rejected.source_id))
        if parsed.recalled:
            # A page identical to one landed before, each of its services still stored as it
            # gave them: record by record, every one would be found unchanged.
            report.fetched += len(parsed.recalled)
            report.unchanged += len(parsed.recalled)
            report.problems.extend(remembered.recall(private, source.name, parsed.recalled))  # they still stand
            seen.update(parsed.recalled)
            landed.extend(parsed.recalled)  # and marked seen by the memo as it recognised them
        report.fetched += len(parsed.records)
        prepared = preparing.result() if preparing is not None else None
        landings = []
        for start, end in chunks.spans(len(parsed.records)):
            with db.atomic():  # one short write turn; the next chunk queues again behind any waiting writer
                began = time.perf_counter()
                landings += land_records(
                    db, private, parsed.records[start:end], source, ctx, report, check_duplicates, overridden,
                    prepared[start:end] if prepared is not None else None,
                )
                chunks.took(end - start, time.perf_counter() - began)
        for landing in landings:
            if landing.source_id:
                seen.add(landing.source_id)
                if landing.ok:
                    landed.append(landing.source_id)
        if parsed.page is not None and memo is not None:
            memo.remember(parsed.page, [(x.seen_as, x.source_id, x.ok, x.digest) for x in landings])
        if progress:
            progress.update(report)

    def land_pending() -> None:
        while pending:
            land_page(*pending.pop(0))

    def recall(url: str, digest: str):
        assert memo is not None
        # What a page memo says depends on how the services it names are stored: land the page
        # before first if it may have touched them, as a run landing pages one by one would have.
        if pending and pending[0][0].records and memo.may_depend_on(url, digest, _ids_of(pending[0][0])):
            land_pending()
        return memo.recall(url, digest)

    options = FormatOptions(mapping=feed.mapping, where=f"feed {feed.name}", recall=recall if memo else None)
    with Preparer(ctx) as preparer:
        for parsed in reader(fetch, feed.url, options):
            if parsed.not_modified:
                raise NotModified()
            complete = complete and parsed.complete
            for _, earlier in pending:
                if earlier is not None:
                    earlier.result()  # the helper answers one page before it is sent the next
            preparing = None
            if parsed.records:
                preparing = preparer.submit(parsed.records, stored_digests(db, source, parsed.records))
            land_pending()
            pending.append((parsed, preparing))
        land_pending()
    if progress:
        progress.done()
    if complete:
        _tombstone_missing(db, source, seen, report)
    return landed


def _ids_of(parsed: Parsed) -> set[str] | None:
    """The source ids a page's records may be stored under; None when one has no id of its own (it gets one)."""
    ids = set()
    for raw in parsed.records:
        seen_as = raw_source_id(raw)
        if seen_as is None:
            return None
        ids.add(seen_as)
    return ids


@contextmanager
def _fewer_collections():
    """A run makes millions of short-lived objects and hardly any cycles: collect less often meanwhile."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _tombstone_missing(db: sqlite_utils.Database, source: Source, seen: set[str], report: RunReport) -> None:
    # A source that lists most of the directory is read faster by one pass over the table than
    # by one look-up a row through its index (max(rowid) is about how many rows there are).
    rows = db.execute("SELECT coalesce(max(rowid), 0) FROM provenance").fetchone()[0]
    scan = "NOT INDEXED" if len(seen) * 4 >= rows else ""
    active = db.execute(
        f"SELECT source_id, record_id FROM provenance {scan} WHERE source = ? AND table_name = 'services'"
        " AND deleted_at IS NULL",
        [source.name],
    ).fetchall()
    missing = [(source_id, record_id) for source_id, record_id in active if source_id not in seen]
    if scan:  # withdrawn in the index's order (by source id), whichever way they were read
        missing.sort(key=lambda row: (row[0] is not None, row[0] or ""))
    if not missing:
        return
    listed = len(active) - len(missing)
    if len(seen) == 0 or listed < len(active) * SHRINK_LIMIT:
        report.result = "flagged"
        report.message = (
            f"the listing shrank from {len(active)} to {listed} services; nothing was withdrawn"
            " — check the feed, then sync again"
        )
        return
    chunks = ChunkSize()
    for start, end in chunks.spans(len(missing)):
        with db.atomic():
            began = time.perf_counter()
            for _, record_id in missing[start:end]:
                if tombstone(db, "services", record_id, source):
                    report.deleted += 1
            chunks.took(end - start, time.perf_counter() - began)


def _fetcher(feed: Feed, validators: dict):
    conditional = {}
    if feed.format in SINGLE_DOCUMENT_FORMATS and (validators.get("etag") or validators.get("last_modified")):
        conditional = {feed.url: (validators.get("etag"), validators.get("last_modified"))}
    inner = make_fetcher(allow_private=feed.allow_private, conditional=conditional, deadline_seconds=fetch_deadline())

    def fetch(url: str) -> FetchResult:
        result = inner(url)
        if url == feed.url:
            if result.not_modified:
                raise NotModified()
            validators["new"] = (result.etag, result.last_modified)
        return result

    return fetch


def fetch_deadline() -> float:
    """Seconds one fetch may take in all; HARBOUR_FETCH_DEADLINE shortens it (tests, slow links lengthen it)."""
    return float(os.environ.get("HARBOUR_FETCH_DEADLINE", "60"))


def _validators(private: sqlite_utils.Database, feed: Feed) -> dict:
    row = private.execute(
        "SELECT etag, last_modified FROM feed_validators WHERE feed_name = ? AND url = ?", [feed.name, feed.url]
    ).fetchone()
    return {"etag": row[0], "last_modified": row[1]} if row else {}


def _save_validators(private: sqlite_utils.Database, feed: Feed, validators: dict) -> None:
    if feed.format not in SINGLE_DOCUMENT_FORMATS or "new" not in validators:
        return
    etag, last_modified = validators["new"]
    private.execute(
        "INSERT INTO feed_validators (feed_name, url, etag, last_modified) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (feed_name, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified",
        [feed.name, feed.url, etag, last_modified],
    )

