"""A feed's terms that map to no Harbour term: kept after each run, mapped by staff in one step.

A run hands over, for each service it saved, the feed terms that did not map
(`RunReport.term_uses`); `settle_terms` keeps them per service, counts each term over
the feed's live services with a suggestion (normalise/suggest.py), and tells the
run's report: one `unmapped_terms` problem per distinct term, one `uncategorised`
problem per live service in no Harbour category.

`map_term` adds the mapping (for every feed using that vocabulary from then on) and
gives the services already synced that carry the term its Harbour term at once,
through the store's row writes and the change log, so bundles, deltas and the
phone's category buttons see it without waiting for the feed to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from directory.hsds.tables import hsds_tables
from directory.store.changes import log_change, write_metadata
from directory.store.records import Source
from directory.store.rows import write_row
from directory.store.search_index import refresh_service_search
from directory.sync.normalise.categories import AIRS, CategoryMapper, Term, is_airs_code
from directory.sync.normalise.ids import derived_id
from directory.sync.normalise.suggest import Suggester
from directory.sync.problems import Problem

BATCH = 500  # ids per statement, well under SQLite's variable limit
STAFF = Source("staff")  # who a mapping's change is public as: a role, never a person


@dataclass(frozen=True)
class FeedTerm:
    feed: str
    scheme: str
    code: str
    label: str
    services: int
    suggested: Term | None

    @property
    def shown(self) -> str:
        """The term as the feed knows it: `BD-1800.2000-620 "Brown Bag Food Programs" (kingsmere-211)`."""
        parts = [self.code] if self.code else []
        if self.label and self.label != self.code:
            parts.append(f"“{self.label}”")
        return " ".join(parts) + f" ({self.scheme})"

    def as_json(self) -> dict:
        return {
            "feed": self.feed, "scheme": self.scheme, "code": self.code, "label": self.label,
            "services": self.services,
            "suggested": self.suggested.code if self.suggested else None,
            "suggested_name": self.suggested.name if self.suggested else None,
        }  # fmt: skip


class TermError(ValueError):
    """A term or Harbour code that cannot be mapped; the message is one sentence for staff."""


def settle_terms(db: sqlite_utils.Database, feed: str, report) -> None:
    """After a run: keep which services carry which unmapped terms, refresh the counts, report both."""
    mapper = CategoryMapper.from_db(db)
    with db.atomic():
        _record_uses(db, feed, report.term_uses)
        terms = _refresh(db, feed, mapper)
    for term in terms:
        suggestion = f"; suggested: {term.suggested.name} ({term.suggested.code})" if term.suggested else ""
        report.problems.add(
            Problem(
                "unmapped_terms",
                f"term {term.shown} maps to no Harbour term; {term.services} service"
                f"{'' if term.services == 1 else 's'} carry it{suggestion}",
                field="attributes",
            )
        )
    for source_id, name in uncategorised(db, feed):
        report.problems.add(
            Problem("uncategorised", f"service “{name}” is in no Harbour category", record=source_id, field="attributes")
        )


def uncategorised(db: sqlite_utils.Database, feed: str) -> list[tuple[str, str]]:
    """(source id, name) of the feed's live services that no Harbour category lists."""
    return db.execute(
        "SELECT p.source_id, s.name FROM provenance p JOIN services s ON s.id = p.record_id"
        " WHERE p.source = ? AND p.table_name = 'services' AND p.deleted_at IS NULL AND NOT EXISTS ("
        "   SELECT 1 FROM attributes a JOIN term_details d ON d.term_id = a.taxonomy_term_id"
        "   WHERE a.link_id = s.id AND d.kind = 'category')"
        " ORDER BY p.source_id",
        [f"feed:{feed}"],
    ).fetchall()


def unmapped_terms(db: sqlite_utils.Database, feed: str | None = None) -> list[FeedTerm]:
    """The feeds' (or one feed's) unmapped terms, most used first."""
    mapper = CategoryMapper.from_db(db)
    rows = db.execute(
        "SELECT feed, scheme, code, label, services, suggested_term_id FROM feed_terms"
        " WHERE (? IS NULL OR feed = ?) ORDER BY feed, services DESC, scheme, code, label",
        [feed, feed],
    ).fetchall()
    return [FeedTerm(f, s, c, lb, n, mapper.term(sid) if sid else None) for f, s, c, lb, n, sid in rows]


def find_terms(db: sqlite_utils.Database, text: str, feed: str | None = None, scheme: str | None = None) -> list[FeedTerm]:
    """The unmapped terms whose code or label is `text` (ignoring case)."""
    wanted = text.strip().casefold()
    return [
        t
        for t in unmapped_terms(db, feed)
        if wanted in (t.code.casefold(), t.label.casefold()) and (scheme is None or t.scheme == scheme)
    ]


def map_term(
    db: sqlite_utils.Database,
    scheme: str,
    code: str,
    label: str,
    harbour_code: str,
    feed: str | None = None,
    source: Source = STAFF,
) -> int:
    """Map a feed term onto a Harbour term; return how many synced services got it at once."""
    mapper = CategoryMapper.from_db(db)
    target = mapper.by_code(harbour_code)
    if target is None:
        raise TermError(f"{harbour_code!r} is not a Harbour category or attribute code (see 'harbour terms list')")
    key = code or label
    if not key:
        raise TermError("the term has neither a code nor a label")
    # An AIRS code is AIRS in every feed, whatever each calls its copy of the vocabulary.
    mapped_scheme = AIRS if code and is_airs_code(code) else scheme
    with db.atomic():
        db.execute(
            "INSERT INTO taxonomy_mappings (scheme, code, label, term_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scheme, code) DO UPDATE SET label = excluded.label, term_id = excluded.term_id",
            [mapped_scheme, key, label or None, target.id],
        )
        uses = db.execute(
            "SELECT feed, service_id FROM feed_term_services WHERE scheme = ? AND code = ? AND label = ?"
            " AND (? IS NULL OR feed = ?)",
            [scheme, code, label, feed, feed],
        ).fetchall()
        changed = sum(_give_term(db, name, service_id, target, source) for name, service_id in uses)
        db.execute(
            "DELETE FROM feed_term_services WHERE scheme = ? AND code = ? AND label = ? AND (? IS NULL OR feed = ?)",
            [scheme, code, label, feed, feed],
        )
        for name in {name for name, _ in uses} | ({feed} if feed else set()):
            _refresh(db, name, mapper)
    return changed


def _give_term(db: sqlite_utils.Database, feed: str, service_id: str, term: Term, source: Source) -> bool:
    """Link a live service to a Harbour term as its next sync would; False if it has it or is gone."""
    live = db.execute(
        "SELECT 1 FROM provenance WHERE source = ? AND table_name = 'services' AND record_id = ? AND deleted_at IS NULL",
        [f"feed:{feed}", service_id],
    ).fetchone()
    if live is None:
        return False
    # The id the normaliser gives this link (record.py), so the feed's next change keeps the row.
    row = {
        "id": derived_id(feed, hsds_tables()["attributes"].entity, service_id, term.id),
        "link_id": service_id,
        "link_type": term.kind,
        "link_entity": "service",
        "taxonomy_term_id": term.id,
    }
    operation, _ = write_row(db, "attributes", row)
    if operation is None:
        return False
    log_change(db, "services", service_id, "update")
    write_metadata(db, "services", service_id, "update", source.name, {"attributes": ("", "changed")})
    refresh_service_search(db, service_id)
    return True


def _record_uses(db: sqlite_utils.Database, feed: str, uses: dict) -> None:
    ids = list(uses)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        db.execute(
            f"DELETE FROM feed_term_services WHERE feed = ? AND service_id IN ({', '.join('?' * len(chunk))})",
            [feed, *chunk],
        )
    db.conn.executemany(
        "INSERT OR IGNORE INTO feed_term_services (feed, scheme, code, label, service_id) VALUES (?, ?, ?, ?, ?)",
        [(feed, scheme, code or "", label or "", service_id) for service_id, terms in uses.items() for scheme, code, label in terms],
    )


def _refresh(db: sqlite_utils.Database, feed: str, mapper: CategoryMapper) -> list[FeedTerm]:
    """Recount the feed's unmapped terms over its live services, with a suggestion for each."""
    suggester = Suggester(mapper)
    rows = db.execute(
        "SELECT u.scheme, u.code, u.label, count(DISTINCT u.service_id) FROM feed_term_services u"
        " JOIN provenance p ON p.record_id = u.service_id AND p.source = ? AND p.table_name = 'services'"
        " AND p.deleted_at IS NULL WHERE u.feed = ? GROUP BY u.scheme, u.code, u.label"
        " ORDER BY count(DISTINCT u.service_id) DESC, u.scheme, u.code, u.label",
        [f"feed:{feed}", feed],
    ).fetchall()
    terms = [
        FeedTerm(feed, scheme, code, label, count, suggester.suggest(label or code))
        for scheme, code, label, count in rows
    ]
    db.execute("DELETE FROM feed_terms WHERE feed = ?", [feed])
    db.conn.executemany(
        "INSERT INTO feed_terms (feed, scheme, code, label, services, suggested_term_id) VALUES (?, ?, ?, ?, ?, ?)",
        [(t.feed, t.scheme, t.code, t.label, t.services, t.suggested.id if t.suggested else None) for t in terms],
    )
    return terms


def accept_suggestions(db: sqlite_utils.Database, feed: str | None = None, source: Source = STAFF) -> tuple[int, int]:
    """Map every unmapped term (of one feed) onto its suggestion; return (terms mapped, services changed)."""
    accepted = changed = 0
    done: set[tuple[str, str, str]] = set()
    for term in unmapped_terms(db, feed):
        key = (term.scheme, term.code, term.label)
        if term.suggested is None or key in done:
            continue
        done.add(key)
        changed += map_term(db, *key, term.suggested.code, feed, source)
        accepted += 1
    return accepted, changed
