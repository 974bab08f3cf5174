"""A sync run's counts: kept as a row in `sync_runs`, shown as a table, printed as JSON."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field

import sqlite_utils

from directory.clock import now_iso
from directory.sync.problems import ProblemLog
from directory.sync.redact import redact_urls

COUNTS = ("fetched", "created", "updated", "unchanged", "deleted", "quarantined", "duplicates", "not_modified", "errors")


@dataclass
class RunReport:
    feed: str
    started: str = field(default_factory=now_iso)
    finished: str | None = None
    result: str = "running"  # ok | not_modified | flagged | failed
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    not_modified: int = 0
    errors: int = 0
    message: str | None = None
    unmapped_terms: set = field(default_factory=set)
    run_id: int | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)
    # {service id: its unmapped (scheme, code, label)} for each service saved: kept by taxonomy/feed_terms.py
    term_uses: dict = field(default_factory=dict, repr=False)

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("problems")
        data.pop("term_uses")
        terms = sorted(" / ".join(str(p) for p in term if p) for term in self.unmapped_terms)
        data.update(self.problems.as_json())  # one key per kind of problem: {"count", "examples"}
        data["unmapped_terms"]["terms"] = terms
        return data


def start_run(db: sqlite_utils.Database, report: RunReport) -> int:
    # A run still "running" from before was killed: say so rather than leave it hanging.
    db.execute(
        "UPDATE sync_runs SET result = 'failed', message = 'interrupted before it finished', errors = errors + 1"
        " WHERE feed = ? AND result = 'running'",
        [report.feed],
    )
    cursor = db.execute(
        "INSERT INTO sync_runs (feed, started, result) VALUES (?, ?, 'running')", [report.feed, report.started]
    )
    report.run_id = cursor.lastrowid
    return report.run_id


def finish_run(db: sqlite_utils.Database, report: RunReport) -> None:
    """Record the outcome; a failed run keeps the whole records it had landed (see run.py).

    `sync_runs` is public (directory.db, /data/): its message names no URL beyond its host,
    whatever error text it was made of. The report itself keeps paths, without credentials.
    """
    report.finished = now_iso()
    public_message = None
    if report.message:
        report.message = redact_urls(report.message)
        public_message = redact_urls(report.message, host_only=True)
    values = {name: getattr(report, name) for name in COUNTS}
    with db.atomic():
        db.execute(
            f"UPDATE sync_runs SET finished = ?, result = ?, message = ?, "
            f"{', '.join(f'{n} = ?' for n in COUNTS)} WHERE id = ?",
            [report.finished, report.result, public_message, *values.values(), report.run_id],
        )
        succeeded = report.result in ("ok", "not_modified", "flagged")
        db.execute(
            "UPDATE feeds SET last_run = ?, last_result = ?,"
            " last_success = CASE WHEN ? THEN ? ELSE last_success END,"
            " services = (SELECT count(*) FROM provenance WHERE source = ? AND table_name = 'services'"
            "             AND deleted_at IS NULL) WHERE name = ?",
            [report.finished, report.result, succeeded, report.finished, f"feed:{report.feed}", report.feed],
        )


class Progress:
    """A one-line progress count on an interactive terminal; silent otherwise."""

    def __init__(self, feed: str, stream=sys.stderr):
        self.feed, self.stream = feed, stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty()

    def update(self, report: RunReport) -> None:
        if self.enabled and report.fetched % 50 == 0:
            self.stream.write(
                f"\r{self.feed}: {report.fetched} records · {report.created} new · {report.updated} changed"
                f" · {report.quarantined} quarantined"
            )
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def summary_table(reports: list[RunReport]) -> str:
    headers = ["feed", "result", *[c.replace("_", " ") for c in COUNTS]]
    rows = [[r.feed, r.result, *[str(getattr(r, c)) for c in COUNTS]] for r in reports]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in rows]
    for r in reports:
        if r.message:
            lines.append(f"{r.feed}: {r.message}")
    return "\n".join(lines)
