"""What a normalisation run is given and what it gives back.

`NormaliseContext` is built once per sync run; `Normalised` is one clean record with
what was fixed on the way; `InvalidRecord` lists every reason a record cannot be
stored, so the run can quarantine it and go on. `Notes` collects both while a record
is walked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.sync.problems import Problem

if TYPE_CHECKING:
    from directory.sync.normalise.categories import CategoryMapper

UnmappedTerm = tuple[str, str, str]  # (scheme, code, label), "" where the feed sent nothing


@dataclass(frozen=True)
class NormaliseContext:
    feed_name: str  # the source of derived ids: stable_id(feed_name, "entity:id")
    region: str  # ISO 3166 alpha-2: the default region for phone numbers, the country of addresses
    timezone: str  # IANA name; opening times are local times there
    categories: CategoryMapper


@dataclass
class Normalised:
    record: dict  # a nested HSDS 3.0 service, ready for `store.save_record(db, "services", …)`
    warnings: list[str] = field(default_factory=list)  # what was fixed or dropped, one line each
    unmapped_terms: set[UnmappedTerm] = field(default_factory=set)  # feed categories Harbour has no term for
    source_id: str | None = None  # the service's id as the feed sent it
    problems: list[Problem] = field(default_factory=list)  # what the report should tell the publisher


class InvalidRecord(ValueError):
    """A record that cannot be stored; `reasons` names every problem, each with where it is."""

    def __init__(
        self,
        reasons: list[str],
        *,
        warnings: list[str] | None = None,
        source_id: str | None = None,
        problems: list[Problem] | None = None,
    ):
        self.reasons = list(reasons) or ["the record was refused"]
        self.warnings = list(warnings or [])
        self.source_id = source_id
        self.problems = list(problems or [])
        super().__init__("; ".join(self.reasons))


@dataclass
class Notes:
    """Warnings (fixed, record kept), reasons (record refused) and unmapped terms of one record."""

    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unmapped: set[UnmappedTerm] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, kind: str, path: str, what: str, field_name: str | None = None) -> None:
        """Tell the run's report (problems.py); `path` is where in the record, as in warnings."""
        self.problems.append(Problem(kind, f"{path}: {what}", field=field_name))

    def warn(self, path: str, message: str) -> None:
        line = f"{path}: {message}"
        if line not in self.warnings:
            self.warnings.append(line)

    def refuse(self, path: str, message: str) -> None:
        line = f"{path}: {message}"
        if line not in self.reasons:
            self.reasons.append(line)


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut short so one bad field cannot flood a report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
