"""What one sync run knows of the services other sources list: looked up once a key, kept current.

A run asks, for each new record, which services of other sources share one of its
keys. Asked of directory.db every time, a key the feed's own services share (its
domain, the postcode of a building it uses) reaches every service the run has
written so far, only to leave them out as its own: n records, n² look-ups. Here
each key's answer (services of other sources only) is worked out once a run and
remembered, with the listings it leads to, so the run pays once for each key it
sees and each listing it compares.

Nothing it remembers goes stale unseen. Before answering it reads the change log:
when anything changed a service of another source (a staff edit, another source's
run) or its organisation or location, it forgets everything. The run's own writes
leave it be: they reach only its own services, never candidates. And the few
candidates of each answer are checked again against directory.db (still there,
not withdrawn, not linked to this source meanwhile), exactly as `candidate_ids`
checks them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import sqlite_utils

from directory.sync.duplicates.candidates import candidate_ids, listing_from_db, still_candidates
from directory.sync.duplicates.index import PHONE_SUFFIX_DIGITS
from directory.sync.duplicates.keys import Keys
from directory.sync.duplicates.score import Listing

# The services (by id) that a change since `:since` may have altered, with the rows that roll up to them.
_CHANGED_SERVICES = """
    SELECT record_id AS id FROM changes WHERE seq > :since AND table_name = 'services'
    UNION SELECT s.id FROM changes c JOIN services s ON s.organization_id = c.record_id
          WHERE c.seq > :since AND c.table_name = 'organizations'
    UNION SELECT sal.service_id FROM changes c JOIN service_at_location sal ON sal.location_id = c.record_id
          WHERE c.seq > :since AND c.table_name = 'locations'
"""


class Neighbours:
    """The services of sources other than `source` that share keys with what a run brings."""

    def __init__(self, db: sqlite_utils.Database, source: str, region: str) -> None:
        self.db, self.source, self.region = db, source, region
        self.seq: int | None = None  # the change log as far as what is remembered reflects it
        self.by_key: dict[tuple[str, str], frozenset[str]] = {}
        self.listings: dict[str, Listing | None] = {}

    def candidates(self, keys: Keys, exclude_id: object = None) -> list[tuple[str, Listing | None]]:
        """(service id, its listing) of each candidate, as `candidate_ids` would find them, by id."""
        self._catch_up()
        found: set[str] = set()
        for key, single in _each_key(keys):
            ids = self.by_key.get(key)
            if ids is None:
                ids = self.by_key[key] = frozenset(candidate_ids(self.db, single(), self.source))
            found |= ids
        found.discard(exclude_id)
        return [(service_id, self._listing(service_id))
                for service_id in still_candidates(self.db, sorted(found), self.source)]  # fmt: skip

    def _listing(self, service_id: str) -> Listing | None:
        if service_id not in self.listings:
            self.listings[service_id] = listing_from_db(self.db, service_id, self.region)
        return self.listings[service_id]

    def _catch_up(self) -> None:
        seq = self.db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
        if seq == self.seq:
            return
        if self.seq is not None and self._others_changed_since(self.seq):
            self.by_key.clear()
            self.listings.clear()
        self.seq = seq

    def _others_changed_since(self, since: int) -> bool:
        row = self.db.execute(
            f"SELECT 1 FROM ({_CHANGED_SERVICES}) changed WHERE NOT EXISTS (SELECT 1 FROM provenance p"
            " WHERE p.table_name = 'services' AND p.record_id = changed.id AND p.source = :source) LIMIT 1",
            {"since": since, "source": self.source},
        ).fetchone()
        return row is not None


def _each_key(keys: Keys) -> Iterator[tuple[tuple[str, str], object]]:
    """(what a key is remembered by, a maker of the Keys holding it alone) for each blocking key.

    Numbers are looked up by their last digits, so two that end alike share one answer."""
    for number in keys.phones:
        yield ("phones", number[-PHONE_SUFFIX_DIGITS:]), lambda n=number: Keys(phones=frozenset({n}))
    for kind in ("emails", "domains", "postcodes"):
        for value in getattr(keys, kind):
            yield (kind, value), lambda k=kind, v=value: Keys(**{k: frozenset({v})})


_RUNS: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[tuple[str, str], Neighbours]] = (
    weakref.WeakKeyDictionary()
)


def neighbours_of(db: sqlite_utils.Database, source: str, region: str) -> Neighbours:
    """The `Neighbours` of `source` on this connection: one per run, as a run has a connection of its own."""
    per_source = _RUNS.setdefault(db, {})
    if (source, region) not in per_source:
        per_source[(source, region)] = Neighbours(db, source, region)
    return per_source[(source, region)]
