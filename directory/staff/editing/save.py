"""One staff edit, from a nested record to the store: the same steps for forms and the API.

Under the write lock: compare versions (a stale one is refused with what changed
meanwhile), clean the record like a feed's, check every row belongs to the
actor, and save it through the single write path with a source that names a
role, never a person. Then, in private.db: the audit row (with the person), an
override for each field a feed also sends (so the next sync keeps the staff
value), and the new version for later comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from directory.config import Settings
from directory.hsds.nested import RecordError
from directory.staff import audit
from directory.staff.auth import Actor
from directory.staff.editing import ownership
from directory.staff.editing.clean import clean_record, edit_context, keep_unchanged
from directory.staff.editing.versions import (
    changed_fields,
    load_record,
    recall,
    remember,
    version_of,
    write_lock,
)
from directory.store import Source, save_record
from directory.store.overrides import record_edit_overrides
from directory.store.records import content_hash
from directory.sync.normalise import InvalidRecord

# Sources that send the record again on their own: a staff value must survive them.
FEED_SOURCE_PREFIXES = ("feed:", "publisher:")


@dataclass
class EditResult:
    status: str  # saved | unchanged | stale | invalid
    record: dict | None = None  # the record as it is now
    version: str = ""  # its version
    changed: list[str] = field(default_factory=list)  # fields this save changed
    meanwhile: list[str] = field(default_factory=list)  # stale: fields someone else changed
    base: dict | None = None  # stale: the record as the editor saw it, when remembered
    problems: list[str] = field(default_factory=list)  # invalid: every reason
    warnings: list[str] = field(default_factory=list)  # saved: what the cleaning fixed


class Stale(Exception):
    def __init__(self, result: EditResult):
        self.result = result


def save_edit(
    db: sqlite_utils.Database,
    private: sqlite_utils.Database,
    settings: Settings,
    actor: Actor,
    table: str,
    record: dict,
    base_version: str | None,
) -> EditResult:
    """Save `record` (nested, as edited) if `base_version` is still current (None: a new record)."""
    record_id = record["id"]
    try:
        with write_lock(db):
            before = load_record(db, table, record_id)
            _check_version(private, table, before, record, base_version)
            try:
                clean, warnings = clean_record(table, record, edit_context(db, settings))
            except InvalidRecord as error:
                return EditResult("invalid", before, version_of(before) if before else "", problems=error.reasons)
            clean = keep_unchanged(record, clean, before)
            ownership.check_record(db, actor, table, clean)
            # The base version in the digest: the same content saved on a newer base is a new write.
            digest = content_hash({"record": clean, "base": base_version})
            save_record(db, table, clean, Source(actor.label), digest=digest)
            after = load_record(db, table, record_id)
    except Stale as stale:
        return stale.result
    except RecordError as error:
        return EditResult("invalid", before, version_of(before) if before else "", problems=[str(error)])
    assert after is not None
    changed = changed_fields(before or {}, after)
    with private.atomic():
        audit.record_change(private, actor, table, record_id, before, after)
        if before is not None and changed:
            _record_overrides(db, private, table, before, after, changed)
    version = remember(private, table, after)
    return EditResult("saved" if changed else "unchanged", after, version, changed, warnings=warnings)


def _check_version(
    private: sqlite_utils.Database, table: str, before: dict | None, record: dict, base_version: str | None
) -> None:
    if before is None:
        if base_version not in (None, ""):
            raise Stale(EditResult("stale", None, "", meanwhile=["(the record was removed)"]))
        return
    current = version_of(before)
    if base_version in ("*", current):
        return
    base = recall(private, table, before["id"], base_version) if base_version else None
    # Without the base we cannot tell theirs from yours: show every field that differs from yours.
    meanwhile = (
        changed_fields(base, before)
        if base is not None
        else [f for f in changed_fields(record, before) if f in record]
    )
    raise Stale(EditResult("stale", before, current, meanwhile=meanwhile, base=base))


def _record_overrides(db, private, table: str, before: dict, after: dict, changed: list[str]) -> None:
    """Fields a feed also sends keep the staff value on the feed's next run."""
    fed = db.execute(
        "SELECT 1 FROM provenance WHERE table_name = ? AND record_id = ? AND deleted_at IS NULL AND ("
        + " OR ".join("source LIKE ?" for _ in FEED_SOURCE_PREFIXES)
        + ") LIMIT 1",
        [table, before["id"], *(f"{p}%" for p in FEED_SOURCE_PREFIXES)],
    ).fetchone()
    if not fed:
        return
    record_edit_overrides(private, table, before, after, changed)
