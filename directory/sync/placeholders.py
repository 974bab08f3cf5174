"""Placeholder organizations: a service lands even when its feed never sent its organization.

HSDS requires every service to belong to an organization, and real feeds cut their
organization lists short. A record that points at an organization (its own
`organization_id`, or a location's) which the feed did not send and the directory
does not hold lands under a placeholder: one per (feed, reference), with the very id
the real organization will have (so a re-run changes nothing, and when the feed
sends the organization it simply replaces the placeholder's fields). Each
placeholder opens a review item for staff; the report counts a `placeholders`
problem per record placed under one.
"""

from __future__ import annotations

import sqlite_utils

from directory.store import Source, save_record
from directory.store.review import close_review, open_review
from directory.sync.normalise import NormaliseContext
from directory.sync.normalise.context import OrganizationReference
from directory.sync.problems import Problem
from directory.sync.report import RunReport

KIND = "placeholder_organization"
RESOLVED = "the feed sent the organization"


def placeholder_name(reference: OrganizationReference, ctx: NormaliseContext) -> str:
    """The best name the feed gives: its own for the organization, else its publisher's, else the feed's."""
    if reference.name:
        return reference.name
    if ctx.publisher:
        return f"{ctx.publisher} (organisation reference {reference.reference})"
    return f"Organisation of feed {ctx.feed_name} (reference {reference.reference})"


def placeholder_record(organization_id: str, reference: OrganizationReference, ctx: NormaliseContext) -> dict:
    return {
        "id": organization_id,
        "name": placeholder_name(reference, ctx),
        "description": f"Stands in for the organization that feed {ctx.feed_name} calls"
        f" {reference.reference}, which the feed has not published.",
    }


def place(
    db: sqlite_utils.Database,
    private: sqlite_utils.Database,
    landing: list[tuple[dict, dict[str, OrganizationReference], str | None]],
    source: Source,
    ctx: NormaliseContext,
    report: RunReport,
) -> None:
    """Before `landing` ((record, organizations it points at without carrying them, source id)) is saved.

    Writes a placeholder for each organization the directory lacks and counts a problem
    for each record under one (a placeholder of an earlier run included, while its review
    item is open). An organization another of these records carries is written by it:
    its placeholder is only the stand-in that lets the earlier records land first.
    """
    wanted = {i: ref for _, references, _ in landing for i, ref in references.items()}
    if not wanted:
        return
    existing = present(db, "organizations", list(wanted))
    under_review = set(_open_items(private, list(wanted)))
    carried = {i for record, _, _ in landing for i in carried_organizations(record)}
    for organization_id, reference in wanted.items():
        if organization_id in existing:
            continue
        record = placeholder_record(organization_id, reference, ctx)
        save_record(db, "organizations", record, source, reference.reference)
        if organization_id not in carried:
            details = {"source": source.name, "reference": reference.reference, "name": record["name"]}
            open_review(private, KIND, "organizations", organization_id, details)
            under_review.add(organization_id)
    for _, references, source_id in landing:
        for organization_id, reference in references.items():
            if organization_id in under_review:
                report.problems.add(Problem(
                    "placeholders",
                    f"{reference.where}: organization {reference.reference!r} is not in the feed; the record landed"
                    f" under a placeholder organization ({placeholder_name(reference, ctx)}) for staff to review",
                    record=source_id, field="organization_id",
                ))  # fmt: skip


def release(private: sqlite_utils.Database, records: list[dict]) -> None:
    """Organizations these (saved) records carry have replaced their placeholders: close the review items."""
    if private.execute("SELECT 1 FROM review_queue WHERE kind = ? AND closed IS NULL LIMIT 1", [KIND]).fetchone() is None:
        return  # the usual case: nothing to look up
    carried = {i for record in records for i in carried_organizations(record)}
    if carried:
        for item_id in _open_items(private, list(carried)).values():
            close_review(private, item_id, RESOLVED)


def carried_organizations(record: object) -> set[str]:
    """Ids of the organizations nested in a clean record (under `organization`, any depth)."""
    found: set[str] = set()
    if isinstance(record, list):
        for item in record:
            found |= carried_organizations(item)
    elif isinstance(record, dict):
        nested = record.get("organization")
        if isinstance(nested, dict) and isinstance(nested.get("id"), str):
            found.add(nested["id"])
        for value in record.values():
            if isinstance(value, (dict, list)):
                found |= carried_organizations(value)
    return found


def _open_items(private: sqlite_utils.Database, organization_ids: list[str]) -> dict[str, int]:
    """{organization id: review item id} of the open placeholder items among these organizations."""
    found: dict[str, int] = {}
    for start in range(0, len(organization_ids), 500):
        chunk = organization_ids[start : start + 500]
        for item_id, record_id in private.execute(
            f"SELECT id, record_id FROM review_queue WHERE kind = ? AND closed IS NULL"
            f" AND record_id IN ({', '.join('?' for _ in chunk)})",
            [KIND, *chunk],
        ).fetchall():
            found[record_id] = item_id
    return found


def present(db: sqlite_utils.Database, table: str, ids: list[str]) -> set[str]:
    """Those of `ids` that `table` holds."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = f"SELECT id FROM [{table}] WHERE id IN ({', '.join('?' for _ in chunk)})"
        found.update(row[0] for row in db.execute(sql, chunk).fetchall())
    return found
