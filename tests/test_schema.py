"""directory.db and private.db: HSDS tables as the datapackage shapes them, migrations, separation."""

from __future__ import annotations

import json

from directory.db import open_directory, open_private
from directory.db.connection import connect
from directory.db.migrations import DIRECTORY_MIGRATIONS, current_version, migrate
from tests.conftest import HSDS_DIR

PRIVATE_TABLES = {"users", "sessions", "api_tokens", "push_subscriptions", "audit_log", "quarantine", "feed_secrets"}


def _official_tables() -> dict[str, list[str]]:
    package = json.loads((HSDS_DIR / "datapackage.json").read_text())
    return {r["path"].removesuffix(".csv"): [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}


def test_every_hsds_table_has_the_official_csv_columns_in_order(tmp_path):
    db = open_directory(tmp_path / "directory.db")
    for table, columns in _official_tables().items():
        assert table in db.table_names(), table
        assert [c.name for c in db[table].columns] == columns, table
        assert db[table].pks == ["id"], table


def test_every_foreign_key_is_declared_and_indexed(tmp_path):
    db = open_directory(tmp_path / "directory.db")
    package = json.loads((HSDS_DIR / "datapackage.json").read_text())
    table_of = {r["name"]: r["path"].removesuffix(".csv") for r in package["resources"]}
    checked = 0
    for resource in package["resources"]:
        table = table_of[resource["name"]]
        declared = {(fk.column, fk.other_table) for fk in db[table].foreign_keys}
        indexed = {tuple(index.columns) for index in db[table].indexes}
        for fk in resource["schema"].get("foreignKeys", []):
            assert (fk["fields"], table_of[fk["reference"]["resource"]]) in declared, (table, fk)
            assert (fk["fields"],) in indexed, (table, fk["fields"])
            checked += 1
    assert checked > 20


def test_connection_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    db = open_directory(tmp_path / "directory.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_an_old_database_upgrades_itself_and_keeps_its_rows(tmp_path):
    path = tmp_path / "directory.db"
    old = connect(path)
    migrate(old, DIRECTORY_MIGRATIONS, target=1)  # the first shipped schema: HSDS tables only
    assert "translations" not in old.table_names()
    old.execute("INSERT INTO organizations (id, name, description) VALUES ('o1', 'Kingsmere Law Centre', 'Legal aid')")
    old.execute(
        "INSERT INTO services (id, organization_id, name, description, status)"
        " VALUES ('s1', 'o1', 'Asylum advice clinic', 'Free advice on asylum claims', 'active')"
    )
    old.close()

    db = open_directory(path)
    assert current_version(db) == len(DIRECTORY_MIGRATIONS)
    assert {"translations", "provenance", "changes", "services_fts"} <= set(db.table_names())
    assert db.execute("SELECT name FROM services WHERE id = 's1'").fetchone()[0] == "Asylum advice clinic"
    hits = db.execute(
        "SELECT s.id FROM services s JOIN services_fts f ON f.rowid = s.rowid WHERE services_fts MATCH 'asylum'"
    ).fetchall()
    assert hits == [("s1",)]


def test_opening_twice_does_not_migrate_again(tmp_path):
    open_directory(tmp_path / "directory.db").close()
    db = open_directory(tmp_path / "directory.db")
    assert current_version(db) == len(DIRECTORY_MIGRATIONS)


def test_private_tables_live_only_in_private_db(tmp_path):
    public = open_directory(tmp_path / "directory.db")
    private = open_private(tmp_path / "private.db")
    assert PRIVATE_TABLES <= set(private.table_names())
    assert not PRIVATE_TABLES & set(public.table_names())
    for table in public.table_names():
        columns = {c.name for c in public[table].columns}
        assert not columns & {"password_hash", "token_hash", "p256dh", "auth", "credentials"}, table


def test_private_db_opens_while_another_connection_removes_its_wal(tmp_path, monkeypatch):
    """SQLite deletes `-wal` when the last connection elsewhere closes: that may happen mid-open."""
    import os

    from directory.db import connection

    path = tmp_path / "private.db"
    open_private(path).close()
    real_stat = os.stat

    def stat_after_removal(name, *args, **kwargs):
        if str(name).endswith("-wal"):
            raise FileNotFoundError(2, "No such file or directory", str(name))  # gone since it was listed
        return real_stat(name, *args, **kwargs)

    monkeypatch.setattr(connection.os.path, "exists", lambda name: True)  # it was there a moment ago
    monkeypatch.setattr(connection.os, "stat", stat_after_removal)
    private = open_private(path)
    assert "users" in private.table_names()
    private.close()
