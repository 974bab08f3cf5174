"""`harbour import` and `harbour export hsds`: the official examples, round trips, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from directory.db import open_directory
from directory.export import export_datapackage
from directory.hsds.tables import hsds_tables
from directory.imports import ImportFailed, import_path
from tests.conftest import HSDS_DIR

EXAMPLES = HSDS_DIR / "examples"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def harbour(*args: str, data_dir=None, stdin: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "directory", *args]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, input=stdin, timeout=300)


def content(db) -> list[str]:
    """Everything a database holds, as SQL text: equal lists mean equal content."""
    return list(db.conn.iterdump())


def rows(db, table: str) -> list[tuple]:
    return sorted((tuple(r) for r in db.execute(f"SELECT * FROM [{table}]").fetchall()), key=repr)


@pytest.fixture
def db(tmp_path):
    return open_directory(tmp_path / "directory.db")


def test_the_official_full_service_example_imports(db):
    report = import_path(db, EXAMPLES / "service_full.json")
    assert report.counts["created"] == 1
    assert db.execute("SELECT name FROM services WHERE id = ?", [SERVICE_ID]).fetchone()[0] == "Community Counselling"
    assert db.execute("SELECT count(*) FROM schedules").fetchone()[0] == 1


def test_a_page_of_services_imports_and_leaves_children_it_does_not_list(db):
    import_path(db, EXAMPLES / "service_full.json")
    report = import_path(db, EXAMPLES / "service_list.json")
    assert sum(report.counts.values()) == 1
    assert db.execute("SELECT count(*) FROM phones WHERE service_id = ?", [SERVICE_ID]).fetchone()[0] == 1


def test_the_official_csv_datapackage_imports_every_table(db):
    report = import_path(db, EXAMPLES / "csv")
    assert report.counts["created"] == 1
    for table in ("services", "organizations", "locations", "addresses", "phones", "schedules", "attributes"):
        assert db[table].count >= 1, table
    # The example points at records it does not ship: the links are dropped, and said so.
    assert any("taxonomy_id" in note for note in report.notes)


def test_export_then_import_gives_back_the_same_records(tmp_path, db):
    import_path(db, EXAMPLES / "csv")
    import_path(db, EXAMPLES / "service_full.json")
    out = tmp_path / "export"
    counts = export_datapackage(db, out)
    assert counts["services"] == 1 and (out / "datapackage.json").exists()
    again = open_directory(tmp_path / "again.db")
    import_path(again, out)
    for table in hsds_tables():
        if table != "metadata":  # metadata records each database's own history
            assert rows(again, table) == rows(db, table), table


def test_a_bad_import_changes_nothing_and_names_file_record_and_field(tmp_path, db):
    import_path(db, EXAMPLES / "service_full.json")
    before = content(db)
    services = json.loads((EXAMPLES / "service_full.json").read_text())
    good = dict(services, id="7d7c3a52-2d55-4d1d-8bd6-2f2b0a9a0001", name="Legal advice drop-in", phones=[])
    bad = dict(services, id="7d7c3a52-2d55-4d1d-8bd6-2f2b0a9a0002", phones=[{"id": "p-1", "type": "voice"}])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([good, bad]))
    with pytest.raises(ImportFailed) as failure:
        import_path(db, path)
    message = str(failure.value)
    assert "broken.json" in message and bad["id"] in message and "'number'" in message
    assert content(db) == before


def test_garbage_instead_of_json_is_refused_in_one_line(tmp_path, db):
    path = tmp_path / "feed.json"
    path.write_text("<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ImportFailed, match="feed.json: not valid JSON"):
        import_path(db, path)


def test_a_csv_with_a_text_where_a_number_belongs_is_refused_naming_line_and_field(tmp_path, db):
    folder = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", folder)
    schedules = (folder / "schedules.csv").read_text().splitlines()
    header = schedules[0].split(",")
    fields = schedules[1].split(",")
    fields[header.index("interval")] = "fortnightly"
    (folder / "schedules.csv").write_text("\n".join([schedules[0], ",".join(fields)]) + "\n")
    before = content(db)
    with pytest.raises(ImportFailed, match=r"schedules.csv: line 2.*'interval' must be a number"):
        import_path(db, folder)
    assert content(db) == before


def test_cli_import_lands_the_good_records_and_sets_the_bad_one_aside_with_its_reason(tmp_path):
    # `harbour import` is a one-off sync: one bad record no longer costs the file (it did before).
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    open_directory(data_dir / "directory.db").close()
    ok = harbour("import", str(EXAMPLES / "service_full.json"), "--json", data_dir=data_dir)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["created"] == 1 and json.loads(ok.stdout)["result"] == "ok"
    services = json.loads((EXAMPLES / "service_full.json").read_text())
    good = dict(services, id="4f4c3a52-2d55-4d1d-8bd6-2f2b0a9a0004", name="Legal advice drop-in")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([good, {"id": "4f4c3a52-2d55-4d1d-8bd6-2f2b0a9a0003", "status": "active"}]))
    data_dir = tmp_path / "fresh"  # where nothing is a duplicate of the good record
    data_dir.mkdir()
    open_directory(data_dir / "directory.db").close()
    run = harbour("import", str(broken), "--json", data_dir=data_dir)
    assert run.returncode == 0, run.stderr  # as for sync: only a run that failed as a whole exits non-zero
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["result"] == "ok_with_problems"
    assert summary["created"] == 1 and summary["quarantined"] == 1
    (example,) = summary["set_aside"]["examples"]
    assert example["record"] == "4f4c3a52-2d55-4d1d-8bd6-2f2b0a9a0003" and "name" in example["what"]
    db = open_directory(data_dir / "directory.db")
    assert db.execute("SELECT name FROM services WHERE id = ?", [good["id"]]).fetchone()[0] == "Legal advice drop-in"
    assert db.execute("SELECT count(*) FROM services WHERE id = '4f4c3a52-2d55-4d1d-8bd6-2f2b0a9a0003'").fetchone()[0] == 0


def test_cli_import_of_garbage_exits_non_zero_with_one_line_and_leaves_the_data(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    open_directory(data_dir / "directory.db").close()
    garbage = tmp_path / "feed.json"
    garbage.write_text("<html><body>502 Bad Gateway</body></html>")
    before = content(open_directory(data_dir / "directory.db"))
    failed = harbour("import", str(garbage), data_dir=data_dir)
    assert failed.returncode != 0
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "feed.json" in lines[0] and "HTML" in lines[0]
    after = open_directory(data_dir / "directory.db")
    assert [line for line in content(after) if "sync_runs" not in line] == [
        line for line in before if "sync_runs" not in line
    ]


def test_cli_export_writes_a_datapackage_that_import_reads(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    open_directory(data_dir / "directory.db").close()
    assert harbour("import", str(EXAMPLES / "csv"), data_dir=data_dir).returncode == 0
    out = tmp_path / "out"
    result = harbour("export", "hsds", str(out), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    header = (out / "services.csv").read_text().splitlines()[0].split(",")
    assert header == hsds_tables()["services"].columns


def test_the_official_tabular_json_example_imports_like_the_csv(tmp_path, db):
    import_path(db, EXAMPLES / "tabular.json")
    from_csv = open_directory(tmp_path / "csv.db")
    import_path(from_csv, EXAMPLES / "csv")
    for table in ("services", "organizations", "locations", "phones", "schedules", "addresses"):
        assert rows(db, table) == rows(from_csv, table), table
