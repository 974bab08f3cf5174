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
    publisher: str | None = None  # the name of the organization that publishes the feed, for placeholders


@dataclass
class Normalised:
    record: dict  # a nested HSDS 3.0 service, ready for `store.save_record(db, "services", …)`
    warnings: list[str] = field(default_factory=list)  # what was fixed or dropped, one line each
    unmapped_terms: set[UnmappedTerm] = field(default_factory=set)  # feed categories Harbour has no term for
    source_id: str | None = None  # the service's id as the feed sent it
    problems: list[Problem] = field(default_factory=list)  # what the report should tell the publisher
    # Organizations the record points at without carrying them: {Harbour id: the reference}. The
    # merge looks them up and puts the record under a placeholder for any the directory lacks.
    organization_references: dict[str, OrganizationReference] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganizationReference:
    reference: str  # the organization id as the feed wrote it
    where: str  # the first place in the record that points at it: "service", "service.…location"
    name: str | None = None  # a name the record gives the organization, if any


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

    def warn(self, path: str, message: str, kind: str = "repaired", field_name: str | None = None) -> None:
        """Something was fixed (`repaired`) or a part dropped (`dropped_children`); the record is kept.

        Every warning is also a problem for the run's report, with the same words.
        """
        line = f"{path}: {message}"
        if line not in self.warnings:
            self.warnings.append(line)
            self.problems.append(Problem(kind, line, field=field_name))

    def dropped(self, path: str, table: str, since: int = 0) -> None:
        """The record at `path` was dropped: the last warning about it (after the first `since`) says why."""
        for problem in reversed(self.problems[since:]):
            if problem.what.startswith(f"{path}: "):
                problem.kind = "dropped_children"
                problem.field = problem.field or table
                return

    def refuse(self, path: str, message: str) -> None:
        line = f"{path}: {message}"
        if line not in self.reasons:
            self.reasons.append(line)


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut short so one bad field cannot flood a report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
