"""The blocking keys of the listings in directory.db, indexed, so candidates are looked up, not scanned.

`contact_keys` holds, for each row that carries a contact detail, the key `keys`
makes of it: a phone number's last digits, an e-mail address, a website or
e-mail domain, a postcode. It is public data (each key is a normalised copy of
a published field), so it lives in directory.db beside the rows it indexes.

It is kept current lazily, from the change log: every write of a row rolls up to
its record (a phone to its service, an address to its location), so before a
look-up the rows of the records changed since the index last caught up are
indexed again (`refresh`, one query when nothing changed). Keys of rows deleted
since stay behind harmlessly: a look-up reaches services only through live rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import sqlite_utils

from directory.sync.duplicates.keys import (
    domain_of_email,
    domain_of_url,
    normalise_email,
    normalise_postcode,
)

# Numbers are matched on their last digits, whatever the formatting stored; the exact
# E.164 comparison follows in Python (the region decides how a local number reads).
PHONE_SUFFIX_DIGITS = 9
_PHONE_PUNCTUATION = " -().+"
# Past this many records changed since the last catch-up, re-reading every row is quicker.
REBUILD_AFTER = 2_000

Key = tuple[str, str]  # (kind, value)


def phone_keys(number: object) -> list[Key]:
    if not isinstance(number, str):
        return []
    digits = number
    for mark in _PHONE_PUNCTUATION:
        digits = digits.replace(mark, "")
    return [("phone", digits[-PHONE_SUFFIX_DIGITS:])] if digits else []


def email_keys(address: object) -> list[Key]:
    found = []
    if (email := normalise_email(address)) is not None:
        found.append(("email", email))
    if (domain := domain_of_email(address)) is not None:
        found.append(("domain", domain))
    return found


def website_keys(url: object) -> list[Key]:
    domain = domain_of_url(url)
    return [("domain", domain)] if domain is not None else []


def postcode_keys(code: object) -> list[Key]:
    value = normalise_postcode(code)
    return [("postcode", value)] if value is not None else []


# (table, column) → the keys its value gives.
FIELDS: dict[tuple[str, str], Callable[[object], list[Key]]] = {
    ("services", "email"): email_keys,
    ("services", "url"): website_keys,
    ("organizations", "email"): email_keys,
    ("organizations", "website"): website_keys,
    ("phones", "number"): phone_keys,
    ("addresses", "postal_code"): postcode_keys,
}

# For the records in the change log (`:ids`, a JSON list of one table's ids), the rows of each
# indexed table that roll up to them; looked up a batch at a time, not a record at a time.
_IDS = "(SELECT value FROM json_each(:ids))"
_ROWS_OF = {
    "services": [
        ("services", f"id IN {_IDS}"),
        (
            "phones",
            f"service_id IN {_IDS}"
            f" OR service_at_location_id IN (SELECT id FROM service_at_location WHERE service_id IN {_IDS})"
            f" OR contact_id IN (SELECT id FROM contacts WHERE service_id IN {_IDS})",
        ),
    ],
    "organizations": [
        ("organizations", f"id IN {_IDS}"),
        (
            "phones",
            f"organization_id IN {_IDS} OR contact_id IN (SELECT id FROM contacts WHERE organization_id IN {_IDS})",
        ),
    ],
    "locations": [
        ("phones", f"location_id IN {_IDS} OR contact_id IN (SELECT id FROM contacts WHERE location_id IN {_IDS})"),
        ("addresses", f"location_id IN {_IDS}"),
    ],
}
BATCH = 500  # records a look-up


def create_contact_keys(db: sqlite_utils.Database) -> None:
    """The index and how far along the change log it is; filled from the rows already there."""
    db.execute(
        """CREATE TABLE contact_keys (
            kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'domain', 'postcode')),
            value TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            PRIMARY KEY (kind, value, table_name, row_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX idx_contact_keys_row ON contact_keys (table_name, row_id)")
    db.execute("CREATE TABLE contact_keys_seq (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)")
    rebuild(db)


def rebuild(db: sqlite_utils.Database) -> None:
    """Index every row again (a new index, or one far behind)."""
    seq = _latest(db)
    db.execute("DELETE FROM contact_keys")
    for (table, column), keys_of in FIELDS.items():
        rows = db.execute(f"SELECT id, [{column}] FROM [{table}] WHERE [{column}] IS NOT NULL").fetchall()
        _insert(db, table, ((row_id, keys_of(value)) for row_id, value in rows))
    _caught_up(db, seq)


def is_current(db: sqlite_utils.Database) -> bool:
    """Whether every change in the change log is indexed (false before the first `refresh`)."""
    row = db.execute(
        "SELECT (SELECT seq FROM contact_keys_seq WHERE id = 1) IS coalesce((SELECT max(seq) FROM changes), 0)"
    ).fetchone()
    return bool(row[0])


def refresh(db: sqlite_utils.Database) -> None:
    """Index again the rows of every record changed since the last call; one query when none was."""
    row = db.execute("SELECT seq FROM contact_keys_seq WHERE id = 1").fetchone()
    indexed, seq = (row[0] if row else 0), _latest(db)
    if indexed == seq:
        return
    changed = db.execute(
        "SELECT DISTINCT table_name, record_id FROM changes WHERE seq > ? AND table_name IN"
        " ('services', 'organizations', 'locations')",
        [indexed],
    ).fetchall()
    if row is None or len(changed) > REBUILD_AFTER:
        rebuild(db)
        return
    by_root: dict[str, list[str]] = {}
    for root_table, record_id in changed:
        by_root.setdefault(root_table, []).append(record_id)
    for root_table, record_ids in by_root.items():
        for start in range(0, len(record_ids), BATCH):
            _reindex(db, root_table, record_ids[start : start + BATCH])
    _caught_up(db, seq)


def _reindex(db: sqlite_utils.Database, root_table: str, record_ids: list[str]) -> None:
    """Index again the rows that roll up to these records of `root_table`."""
    for table, where in _ROWS_OF[root_table]:
        columns = [column for (t, column) in FIELDS if t == table]
        rows = db.execute(
            f"SELECT id, {', '.join(f'[{c}]' for c in columns)} FROM [{table}] WHERE {where}",
            {"ids": json.dumps(record_ids)},
        ).fetchall()
        ids = {r[0] for r in rows}
        if table in ("services", "organizations"):
            ids |= set(record_ids)  # a deleted record: its keys go too
        db.conn.executemany("DELETE FROM contact_keys WHERE table_name = ? AND row_id = ?", [(table, i) for i in ids])
        _insert(db, table, ((r[0], [k for c, v in zip(columns, r[1:]) for k in FIELDS[(table, c)](v)]) for r in rows))


def _insert(db: sqlite_utils.Database, table: str, keyed: Iterable[tuple[str, list[Key]]]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO contact_keys (kind, value, table_name, row_id) VALUES (?, ?, ?, ?)",
        [(kind, value, table, row_id) for row_id, keys in keyed for kind, value in keys],
    )


def _latest(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def _caught_up(db: sqlite_utils.Database, seq: int) -> None:
    db.execute(
        "INSERT INTO contact_keys_seq (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", [seq]
    )
