"""What a run repaired, set aside or could not place: the publisher's to-do list.

Every stage of a run (a format reading files, the normaliser walking a record, the
merge landing it) says what it did about imperfect input as a `Problem`. A run
collects them in a `ProblemLog`: counts by kind and a few examples of each for the
summary, every row for the CSV a publisher downloads.

Kinds — what happened to the data, not where:
- `repaired`: something was fixed and kept (an id given to an id-less row, a resource
  found beside its declared path, a missing region filled in).
- `set_aside`: a whole row or record did not land (a line that is not a row, a record
  HSDS cannot hold); the rest of its table did.
- `placeholders`: a record landed under a stand-in for a parent the feed never sent
  (an organization missing from organizations.csv), flagged for staff review.
- `dropped_children`: part of a record did not land (a phone with no number, an address
  without the fields HSDS requires, a row whose parent is absent); the record did.
- `unmapped_terms`: a feed's category or attribute Harbour has no term for.
- `uncategorised`: a service that landed in no Harbour category (the phone's category
  buttons will not find it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

KINDS = ("repaired", "set_aside", "placeholders", "dropped_children", "unmapped_terms", "uncategorised")
# A run is "ok" only when nothing was lost; these kinds mean something was.
LOSSES = ("set_aside", "dropped_children")
EXAMPLES_PER_KIND = 5
# Rows kept per kind for the CSV: a big messy feed can repair a field in every record, and
# that must neither fill the memory of a run nor crowd out the few rows it set aside.
ROWS_KEPT_PER_KIND = 2_000


@dataclass
class Problem:
    kind: str  # one of KINDS
    what: str  # what was found and what was done, one sentence: "no id; gave it a stable one"
    file: str | None = None  # the file (or URL, or page) it came from
    line: int | None = None  # the line of that file, when it has lines
    record: str | None = None  # the id (as the feed sent it) or name of the record concerned
    field: str | None = None  # the field or table concerned: "phones", "addresses.postal_code"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown problem kind {self.kind!r}")

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ProblemLog:
    """Counts by kind, the first few examples of each, and the rows for the CSV (ROWS_KEPT_PER_KIND each)."""

    counts: Counter = field(default_factory=Counter)
    all: list[Problem] = field(default_factory=list)  # the rows kept, in the order they came
    capture: list[Problem] | None = None  # while set, every problem added is also put here (merge.land_records)

    def add(self, problem: Problem) -> None:
        self.counts[problem.kind] += 1
        if self.capture is not None:
            self.capture.append(problem)
        if self.counts[problem.kind] <= ROWS_KEPT_PER_KIND:
            self.all.append(problem)

    @property
    def rows_left_out(self) -> int:
        return sum(max(0, n - ROWS_KEPT_PER_KIND) for n in self.counts.values())

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def examples(self, kind: str, limit: int = EXAMPLES_PER_KIND) -> list[Problem]:
        return [p for p in self.all if p.kind == kind][:limit]

    @property
    def lost_something(self) -> bool:
        return any(self.counts[kind] for kind in LOSSES)

    def as_json(self) -> dict:
        """{kind: {"count": n, "examples": [...]}} for every kind, zero counts included."""
        return {
            kind: {"count": self.counts[kind], "examples": [p.as_json() for p in self.examples(kind)]}
            for kind in KINDS
        }
