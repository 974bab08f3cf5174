"""A sync run's counts and problems: kept (`sync_runs`, `run_problems`), shown as a table, printed as JSON."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

import sqlite_utils

from directory.clock import now_iso
from directory.sync.problems import KINDS, ROWS_KEPT_PER_KIND, Problem, ProblemLog
from directory.sync.redact import redact_urls

COUNTS = ("fetched", "created", "updated", "unchanged", "deleted", "quarantined", "duplicates", "not_modified", "errors")
# Results a feed's last run may have and still count as a success (last_success, /healthz, staff pages).
SUCCESSES = ("ok", "ok_with_problems", "not_modified", "flagged")
RUNS_WITH_PROBLEMS_KEPT = 10  # a feed's older runs lose their problem rows (their counts stay)


@dataclass
class RunReport:
    feed: str
    started: str = field(default_factory=now_iso)
    finished: str | None = None
    result: str = "running"  # ok | ok_with_problems | not_modified | flagged | failed
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
        data["problem_rows"] = {
            "kept": len(self.problems.all), "left_out": self.problems.rows_left_out, "limit_per_kind": ROWS_KEPT_PER_KIND
        }
        return data

    def note_unmapped_terms(self) -> None:
        """One `unmapped_terms` problem per term the run met (a registered feed's are kept by feed_terms)."""
        for term in sorted(self.unmapped_terms, key=lambda t: tuple(str(p or "") for p in t)):
            shown = " / ".join(str(p) for p in term if p)
            self.problems.add(Problem("unmapped_terms", f"term {shown} maps to no Harbour term", field="attributes"))

    def settle(self) -> None:
        """A run that got through: `ok` only when nothing was lost (flagged stays flagged)."""
        if self.result != "flagged":
            lost = self.quarantined or self.problems.lost_something
            self.result = "ok_with_problems" if lost else "ok"


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
        public_message = redact_urls(report.message, host_only=True)
        report.message = shown(report.message)
    values = {name: getattr(report, name) for name in COUNTS}
    counts = json.dumps({kind: report.problems.counts[kind] for kind in KINDS})
    with db.atomic():
        db.execute(
            f"UPDATE sync_runs SET finished = ?, result = ?, message = ?, problems = ?, "
            f"{', '.join(f'{n} = ?' for n in COUNTS)} WHERE id = ?",
            [report.finished, report.result, public_message, counts, *values.values(), report.run_id],
        )
        succeeded = report.result in SUCCESSES
        db.execute(
            "UPDATE feeds SET last_run = ?, last_result = ?,"
            " last_success = CASE WHEN ? THEN ? ELSE last_success END,"
            " services = (SELECT count(*) FROM provenance WHERE source = ? AND table_name = 'services'"
            "             AND deleted_at IS NULL) WHERE name = ?",
            [report.finished, report.result, succeeded, report.finished, f"feed:{report.feed}", report.feed],
        )


_FILE_URL = re.compile(r"\bfile://(/[^\s'\"<>]*)")


def shown(text: str) -> str:
    """Text for a report: web addresses without credentials, local files (an import's) as plain paths."""
    return redact_urls(_FILE_URL.sub(lambda match: unquote(match.group(1)), text))


def save_problems(private: sqlite_utils.Database, report: RunReport) -> None:
    """Keep the run's problem rows (ROWS_KEPT_PER_KIND of each kind), without credentials in any URL."""
    rows = [
        (report.run_id, seq, report.feed, p.kind, shown(p.what), p.file and shown(p.file), p.line, p.record, p.field)
        for seq, p in enumerate(report.problems.all)
    ]
    with private.atomic():
        private.conn.executemany(
            "INSERT INTO run_problems (run_id, seq, feed, kind, what, file, line, record, field)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        private.execute(
            "DELETE FROM run_problems WHERE feed = ? AND run_id NOT IN"
            " (SELECT DISTINCT run_id FROM run_problems WHERE feed = ? ORDER BY run_id DESC LIMIT ?)",
            [report.feed, report.feed, RUNS_WITH_PROBLEMS_KEPT],
        )


def problem_rows(private: sqlite_utils.Database, run_id: int, limit: int | None = None) -> list[dict]:
    """A run's problem rows, in the order they were met."""
    sql = "SELECT kind, what, file, line, record, field FROM run_problems WHERE run_id = ? ORDER BY seq"
    return list(private.query(sql + (f" LIMIT {int(limit)}" if limit else ""), [run_id]))


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
        lines += problem_lines(r)
    return "\n".join(lines)


KIND_WORDS = {
    "repaired": "repaired and kept",
    "set_aside": "set aside (not in the directory)",
    "placeholders": "placed under a stand-in organization",
    "dropped_children": "parts of records dropped",
    "unmapped_terms": "terms with no Harbour category",
    "uncategorised": "services in no Harbour category",
}


def problem_lines(report: RunReport, examples: int = 3) -> list[str]:
    """The run's problems in plain words: a count per kind, then its first examples."""
    lines = []
    for kind in KINDS:
        count = report.problems.counts[kind]
        if not count:
            continue
        lines.append(f"{report.feed}: {count} {KIND_WORDS[kind]}")
        for problem in report.problems.examples(kind, examples):
            lines.append(f"  - {where(problem.file, problem.line, problem.record, problem.field)}{problem.what}")
    return lines


def where(file: str | None, line: int | None, record: str | None, field: str | None) -> str:
    """"services.csv line 4, record svc-1, phones: " — as much of the place as is known."""
    parts = []
    if file:
        parts.append(shown(file) + (f" line {line}" if line else ""))
    if record:
        parts.append(f"record {record}")
    if field:
        parts.append(field)
    return ", ".join(parts) + ": " if parts else ""
