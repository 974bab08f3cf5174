"""Row-level writes: insert or update one row, delete a row and what hangs from it."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from directory.hsds.nested import RecordError, is_link_column
from directory.hsds.tables import hsds_tables


def write_row(
    db: sqlite_utils.Database, table: str, row: dict, notes: list[str] | None = None, likely_new: bool = False
) -> tuple[str | None, dict[str, tuple]]:
    """Insert or update `row`; return ("insert" | "update" | None, {column: (before, after)}).

    Data columns absent from `row` are cleared (the record as given is the truth);
    link columns absent are kept, since another parent may have set them. An
    optional link to a record that does not exist is dropped with a note (feeds,
    the official examples among them, point at records they never publish); a
    required one is an error. `likely_new` (a row of a record never seen before)
    tries the INSERT first and skips the look-up, which halves the work of a first sync.
    """
    try:
        return _write_row(db, table, row, likely_new)
    except sqlite3.IntegrityError as error:
        dangling = _dangling_links(db, table, row)
        spec = hsds_tables()[table]
        required = [(c, ref, v) for c, ref, v in dangling if spec.field(c) and spec.field(c).required]
        if required or not dangling:
            column, ref, value = (required or [(None, None, None)])[0]
            if column is None:
                raise RecordError(table, row.get("id"), "(row)", f"breaks a constraint: {error}") from None
            raise RecordError(table, row["id"], column, f"refers to {ref} record {value}, which does not exist") from None
        for column, ref, value in dangling:
            row[column] = None
            if notes is not None:
                notes.append(f"{table} record {row['id']}: dropped link '{column}' to missing {ref} record {value}")
        return _write_row(db, table, row)


def _dangling_links(db: sqlite_utils.Database, table: str, row: dict) -> list[tuple[str, str, object]]:
    """The foreign keys of `row` that point at nothing: SQLite's error does not name them."""
    found = []
    for column, ref in hsds_tables()[table].foreign_keys:
        value = row.get(column)
        if value is not None and db.execute(f"SELECT 1 FROM [{ref}] WHERE id = ?", [value]).fetchone() is None:
            found.append((column, ref, value))
    return found


def _write_row(
    db: sqlite_utils.Database, table: str, row: dict, likely_new: bool = False
) -> tuple[str | None, dict[str, tuple]]:
    columns = hsds_tables()[table].columns
    keys = [c for c in columns if c in row]
    insert = insert_sql(table, keys)
    if likely_new:
        try:
            db.conn.execute(insert, [row[c] for c in keys])
            return "insert", {c: (None, row[c]) for c in keys if row[c] is not None}
        except sqlite3.IntegrityError:
            pass  # it exists after all, or a link is wrong: the careful path below tells which
    existing = db.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row["id"]]).fetchone()
    if existing is None:
        db.conn.execute(insert, [row[c] for c in keys])
        return "insert", {c: (None, row[c]) for c in keys if row[c] is not None}
    changed = row_changes(table, dict(zip(columns, existing)), row)
    if not changed:
        return None, {}
    db.execute(
        f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in changed)} WHERE id = ?",
        [v for _, v in changed.values()] + [row["id"]],
    )
    return "update", changed


def row_changes(table: str, before: dict, row: dict) -> dict[str, tuple]:
    """{column: (before, after)} that writing `row` over the stored `before` would change.

    Data columns absent from `row` are cleared; link columns absent are kept.
    `before` may leave out columns that are NULL.
    """
    return {
        c: (before.get(c), v)
        for c in hsds_tables()[table].columns
        if (c in row or not is_link_column(c)) and not _same(before.get(c), v := row.get(c))
    }


def insert_sql(table: str, keys: tuple[str, ...] | list[str]) -> str:
    return f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in keys)}) VALUES ({', '.join('?' for _ in keys)})"


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def referencing(table: str) -> list[tuple[str, str]]:
    """(table, column) pairs whose foreign key points at `table`."""
    return [(t.name, column) for t in hsds_tables().values() for column, ref in t.foreign_keys if ref == table]


def detach_or_delete(db: sqlite_utils.Database, table: str, fk: str, row_id: str) -> list[tuple[str, str]]:
    """A parent dropped this row: unlink it, or delete it if no other parent holds it
    (or if the link to this parent is required, as a service_at_location's service is).

    Returns the (table, id) pairs deleted.
    """
    if table == "attributes":
        return delete_tree(db, table, row_id)
    spec = hsds_tables()[table]
    owner_columns = [c for c, _ in spec.foreign_keys if c != fk]
    # A required link (service_at_location.service_id) cannot be emptied: the row goes with its parent.
    if owner_columns and not (spec.field(fk) and spec.field(fk).required):
        row = db.execute(
            f"SELECT {', '.join(f'[{c}]' for c in owner_columns)} FROM [{table}] WHERE id = ?", [row_id]
        ).fetchone()
        if row and any(v is not None for v in row):
            db.execute(f"UPDATE [{table}] SET [{fk}] = NULL WHERE id = ?", [row_id])
            return []
    return delete_tree(db, table, row_id)


def delete_tree(db: sqlite_utils.Database, table: str, row_id: str) -> list[tuple[str, str]]:
    """Delete a row after the rows that point at it (children first, for the foreign keys)."""
    deleted: list[tuple[str, str]] = []
    for child_table, column in referencing(table):
        for (child_id,) in db.execute(f"SELECT id FROM [{child_table}] WHERE [{column}] = ?", [row_id]).fetchall():
            deleted += detach_or_delete(db, child_table, column, child_id)
    for (attribute_id,) in db.execute("SELECT id FROM attributes WHERE link_id = ?", [row_id]).fetchall():
        db.execute("DELETE FROM attributes WHERE id = ?", [attribute_id])
        deleted.append(("attributes", attribute_id))
    db.execute(f"DELETE FROM [{table}] WHERE id = ?", [row_id])
    deleted.append((table, row_id))
    return deleted
