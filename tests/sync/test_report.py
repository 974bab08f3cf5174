"""A run's report: ok only when nothing was lost, its problems kept, printed and counted."""

from __future__ import annotations

import json
from contextlib import closing

import pytest

from directory.db.connection import connect
from directory.db.migrations import DIRECTORY_MIGRATIONS, migrate
from directory.sync import problems as problems_module
from directory.sync import report as report_module
from directory.sync.feeds import Feed, add_feed
from directory.sync.problems import KINDS, Problem
from directory.sync.report import RunReport, problem_rows, save_problems
from directory.sync.run import sync_feed
from directory.web.health import health, read_directory
from tests.sync.feed_server import FeedServer
from tests.sync.helpers import serve_services, service
from tests.test_import_export import harbour


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def register(instance, name: str, url: str) -> None:
    with closing(instance.directory()) as db, closing(instance.private()) as private:
        add_feed(db, private, Feed(name=name, url=url, format="hsds-json", allow_private=True))


def test_a_run_that_set_a_record_aside_says_ok_with_problems_and_still_counts_as_a_success(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1), service(2), service(3, name="")]))
    report = sync_feed(empty_instance, "city")
    assert (report.result, report.created, report.quarantined) == ("ok_with_problems", 2, 1)
    assert report.problems.counts["set_aside"] == 1
    with closing(empty_instance.directory()) as db:
        last_result, last_success = db.execute("SELECT last_result, last_success FROM feeds").fetchone()
        assert (last_result, last_success) == ("ok_with_problems", report.finished)
    services, feeds = read_directory(empty_instance)
    assert health(services, feeds, None)["status"] == "ok"  # a feed that landed with problems is not a fault
    serve_services(server, [service(1), service(2)])
    assert sync_feed(empty_instance, "city").result == "ok"  # nothing lost this time


def test_the_problems_are_kept_with_the_run_counts_public_and_rows_private(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1), service(3, name="")]))
    report = sync_feed(empty_instance, "city")
    with closing(empty_instance.directory()) as db:
        counts = json.loads(db.execute("SELECT problems FROM sync_runs WHERE id = ?", [report.run_id]).fetchone()[0])
    assert set(counts) == set(KINDS) and counts["set_aside"] == 1
    with closing(empty_instance.private()) as private:
        rows = problem_rows(private, report.run_id)
    assert [(r["kind"], r["record"]) for r in rows if r["kind"] == "set_aside"] == [("set_aside", "svc-3")]
    assert len(rows) == len(report.problems.all)


def test_problem_rows_are_capped_per_kind_and_the_report_says_so(empty_instance, server, monkeypatch):
    monkeypatch.setattr(problems_module, "ROWS_KEPT_PER_KIND", 2)
    monkeypatch.setattr(report_module, "ROWS_KEPT_PER_KIND", 2)
    register(empty_instance, "city", serve_services(server, [service(n, name="") for n in range(5)]))
    report = sync_feed(empty_instance, "city")
    assert report.quarantined == 5
    kept = report.as_json()["problem_rows"]
    assert (kept["limit_per_kind"], kept["left_out"]) == (2, 3)
    with closing(empty_instance.private()) as private:
        rows = problem_rows(private, report.run_id)
    assert [r["kind"] for r in rows].count("set_aside") == 2 and len(rows) == kept["kept"]
    with closing(empty_instance.directory()) as db:
        assert json.loads(db.execute("SELECT problems FROM sync_runs").fetchone()[0])["set_aside"] == 5


def test_only_the_last_runs_keep_their_problem_rows(empty_instance, server, monkeypatch):
    monkeypatch.setattr(report_module, "RUNS_WITH_PROBLEMS_KEPT", 1)
    register(empty_instance, "city", serve_services(server, [service(1, name="")]))
    first = sync_feed(empty_instance, "city")
    second = sync_feed(empty_instance, "city")
    with closing(empty_instance.private()) as private:
        assert problem_rows(private, first.run_id) == [] and len(problem_rows(private, second.run_id)) >= 1


def test_no_credentials_of_a_url_are_kept_in_a_problem_row(empty_instance):
    report = RunReport(feed="city", run_id=41)
    report.problems.add(Problem("set_aside", "could not read https://u:pw@data.example/x?api_key=s3cret: 500",
                                file="https://u:pw@data.example/services.csv?token=s3cret", line=4))  # fmt: skip
    with closing(empty_instance.private()) as private:
        save_problems(private, report)
        (row,) = problem_rows(private, 41)
    kept = json.dumps(row)
    assert "pw" not in kept and "s3cret" not in kept and "data.example" in kept and row["line"] == 4


def test_an_imports_local_files_are_named_by_their_paths_and_web_addresses_lose_their_secrets():
    text = "file:///srv/data/my%20pkg/phones.csv line 3; see https://u:pw@data.example/x?key=s3cret"
    assert report_module.shown(text) == "/srv/data/my pkg/phones.csv line 3; see https://data.example/x?key=…"


def test_sync_and_import_json_carry_every_kind_of_problem(empty_instance, server, tmp_path):
    register(empty_instance, "city", serve_services(server, [service(1), service(2, name="")]))
    synced = harbour("sync", "city", "--json", data_dir=empty_instance.data_dir)
    assert synced.returncode == 0, synced.stderr
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([service(7), service(8, name="")]))
    imported = harbour("import", str(path), "--json", data_dir=empty_instance.data_dir)
    assert imported.returncode == 0, imported.stderr
    for output in (synced.stdout, imported.stdout):
        summary = json.loads(output.strip().splitlines()[-1])
        for kind in KINDS:
            assert set(summary[kind]) >= {"count", "examples"}, kind
        assert summary["result"] == "ok_with_problems" and summary["set_aside"]["count"] == 1


def test_the_table_says_the_problems_in_plain_words_with_examples(empty_instance, server):
    register(empty_instance, "city", serve_services(server, [service(1), service(3, name="")]))
    result = harbour("sync", "city", data_dir=empty_instance.data_dir)
    assert result.returncode == 0, result.stderr
    assert "ok_with_problems" in result.stdout
    lines = result.stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if "1 set aside" in line)
    assert "record svc-3" in lines[heading + 1] and "set aside" in lines[heading + 1]


def test_an_older_database_keeps_its_runs_and_accepts_the_new_result(tmp_path):
    db = connect(tmp_path / "directory.db")
    before = [m.__name__ for m in DIRECTORY_MIGRATIONS].index("create_run_reports")
    migrate(db, DIRECTORY_MIGRATIONS, target=before)
    db.execute("INSERT INTO feeds (name, format, added) VALUES ('city', 'hsds-json', '2026-01-01T00:00:00Z')")
    db.execute("INSERT INTO sync_runs (feed, started, result, created) VALUES ('city', '2026-01-01T00:00:00Z', 'ok', 4)")
    migrate(db, DIRECTORY_MIGRATIONS)
    assert db.execute("SELECT feed, result, created, problems FROM sync_runs").fetchall() == [("city", "ok", 4, None)]
    db.execute("INSERT INTO sync_runs (feed, started, result) VALUES ('import:x.json', '2026-01-02', 'ok_with_problems')")
    with pytest.raises(Exception, match="CHECK"):
        db.execute("INSERT INTO sync_runs (feed, started, result) VALUES ('city', '2026-01-02', 'fine')")
