"""harbour backup and restore: consistent while a sync writes, refused into a used folder or from a damaged copy."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import closing

from directory.staff.accounts.secret import KEY_FILE as ACCOUNT_KEY_FILE
from directory.staff.accounts.secret import instance_key
from directory.sync.feeds import Feed, add_feed
from tests.backup.helpers import Editor, harbour, integrity, wait_for
from tests.sync.feed_server import FeedServer, json_body
from tests.sync.helpers import page, service


def test_a_backup_taken_mid_sync_restores_whole_with_every_write_acknowledged_before_it(
    demo_instance, server_for, tmp_path
):
    editor = Editor(demo_instance)
    server = server_for(demo_instance)
    editor.rename(server, "Evening clinic, renamed before the backup")
    release = threading.Event()
    first, second = [service(n) for n in range(1, 21)], [service(n) for n in range(21, 41)]

    def pages(request):
        if request.query.get("page", ["1"])[0] == "1":
            return json_body(page(first, 1, 2, last=False))(request)
        release.wait(120)  # the sync stays in the middle of its run until the backup is taken
        return json_body(page(second, 2, 2, last=True))(request)

    with FeedServer() as feed:
        feed.route("/services", pages)
        with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
            add_feed(db, private, Feed("city", feed.url + "/services", "hsds-json", allow_private=True))
        data_dir = str(demo_instance.data_dir)
        results = []
        sync = threading.Thread(target=lambda: results.append(harbour("sync", "city", "--data-dir", data_dir)))
        sync.start()
        try:
            wait_for(lambda: any(r.query.get("page") == ["2"] for r in feed.requests), "the sync to ask for page 2")
            backup = harbour("backup", str(tmp_path / "backup"), "--data-dir", data_dir, "--json")
        finally:
            release.set()
            sync.join(120)
    assert backup.returncode == 0, backup.stderr
    assert results[0].returncode == 0, results[0].stderr  # the sync went on and finished after the backup

    restore = harbour("restore", "--from", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "restored"))
    assert restore.returncode == 0, restore.stderr
    restored = tmp_path / "restored"
    assert integrity(restored / "directory.db") == "ok" and integrity(restored / "private.db") == "ok"
    assert editor.name_in(restored) == "Evening clinic, renamed before the backup"
    assert any("renamed before the backup" in (after or "") for after in editor.audited_names_in(restored))
    with closing(sqlite3.connect(restored / "directory.db")) as db:
        # The run had started (its row committed) but not finished: what it had landed of page 1 is
        # there whole (a sync commits in short transactions), nothing of page 2, nothing withdrawn.
        assert db.execute("SELECT result FROM sync_runs WHERE feed = 'city'").fetchall() == [("running",)]
        landed = [row[0] for row in db.execute(
            "SELECT record_id FROM provenance WHERE source = 'feed:city' AND table_name = 'services'")]
        assert len(landed) <= 20
        assert db.execute("SELECT count(*) FROM services s JOIN provenance p ON p.record_id = s.id"
                          " WHERE p.source = 'feed:city' AND p.table_name = 'services' AND NOT EXISTS"
                          " (SELECT 1 FROM phones WHERE phones.service_id = s.id)").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM provenance WHERE deleted_at IS NOT NULL").fetchone()[0] == 0
    with closing(demo_instance.directory()) as live:  # while the live directory has the whole run
        assert live.execute("SELECT count(*) FROM provenance WHERE source = 'feed:city' AND table_name = 'services'"
                            ).fetchone()[0] == 40
    manifest = json.loads(backup.stdout)
    assert {f["name"] for f in manifest["files"]} == {"directory.db", "private.db", "harbour.toml", "vapid_private.pem"}
    key = restored / "vapid_private.pem"
    assert key.read_bytes() == (demo_instance.data_dir / "vapid_private.pem").read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600


def test_the_account_key_travels_with_a_backup_so_remembered_browsers_stay_remembered(demo_instance, tmp_path):
    key = instance_key(demo_instance.data_dir)  # made at the first staff sign-in
    assert harbour("backup", str(tmp_path / "backup"), "--data-dir", str(demo_instance.data_dir)).returncode == 0
    done = harbour("restore", "--from", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "restored"))
    assert done.returncode == 0, done.stderr
    restored = tmp_path / "restored" / ACCOUNT_KEY_FILE
    assert restored.read_bytes() == key and restored.stat().st_mode & 0o777 == 0o600


def test_restore_refuses_a_folder_that_is_not_empty_and_leaves_it_as_it_was(demo_instance, tmp_path):
    assert harbour("backup", str(tmp_path / "backup"), "--data-dir", str(demo_instance.data_dir)).returncode == 0
    target = tmp_path / "in-use"
    target.mkdir()
    (target / "notes.txt").write_text("the only copy of something")
    done = harbour("restore", "--from", str(tmp_path / "backup"), "--data-dir", str(target))
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "not an empty folder" in done.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "the only copy of something"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "demo", "in-use"]  # nothing staged left over


def test_a_backup_with_a_changed_byte_is_refused_with_one_line_and_restores_nothing(demo_instance, tmp_path):
    backup = tmp_path / "backup"
    assert harbour("backup", str(backup), "--data-dir", str(demo_instance.data_dir)).returncode == 0
    copy = backup / "directory.db"
    body = bytearray(copy.read_bytes())
    body[len(body) // 2] ^= 0xFF
    copy.write_bytes(bytes(body))
    done = harbour("restore", "--from", str(backup), "--data-dir", str(tmp_path / "restored"))
    assert done.returncode != 0
    assert done.stderr.strip() == (
        f"harbour restore: backup {backup} is damaged: directory.db does not match its sha256 in manifest.json"
    )
    assert not (tmp_path / "restored").exists()


def test_a_damaged_database_is_refused_by_the_integrity_check_even_when_its_hash_was_rewritten(
    demo_instance, tmp_path
):
    backup = tmp_path / "backup"
    assert harbour("backup", str(backup), "--data-dir", str(demo_instance.data_dir)).returncode == 0
    copy = backup / "directory.db"
    body = bytearray(copy.read_bytes())
    page_size = int.from_bytes(body[16:18], "big")
    for number in range(3, 40):  # scribble over the cells of some b-tree pages, keeping the header sane
        start = number * page_size + 200
        body[start:start + 400] = bytes(range(200)) * 2
    copy.write_bytes(bytes(body))
    manifest = json.loads((backup / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["name"] == "directory.db":
            entry["sha256"] = hashlib.sha256(bytes(body)).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))
    done = harbour("restore", "--from", str(backup), "--data-dir", str(tmp_path / "restored"))
    assert done.returncode != 0
    assert done.stderr.startswith(f"harbour restore: backup {backup}: directory.db ")
    assert "integrity" in done.stderr or "not a readable SQLite database" in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert not (tmp_path / "restored").exists()


def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(demo_instance, tmp_path):
    data_dir = str(demo_instance.data_dir)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    half = tmp_path / "half"  # a data dir whose private.db is gone
    half.mkdir()
    (half / "directory.db").write_bytes((demo_instance.data_dir / "directory.db").read_bytes())
    cases = [
        (("backup", str(tmp_path / "out"), "--data-dir", str(half)), "cannot copy the databases of"),
        (("backup", str(tmp_path / "used"), "--data-dir", data_dir), "not an empty folder"),
        (("backup", str(tmp_path / "out"), "--data-dir", str(tmp_path / "nowhere")), "no directory at"),
        (("restore", "--from", str(tmp_path / "nothing"), "--data-dir", str(tmp_path / "r")), "is not a folder"),
        (("restore", "--from", str(tmp_path / "used"), "--data-dir", str(tmp_path / "r")), "not a Harbour backup"),
        (("restore", "--from", "ftp://example.org/x", "--data-dir", str(tmp_path / "r")), "file:///PATH or s3://"),
        (("restore", "--from", str(tmp_path / "used"), "--data-dir", data_dir), "not an empty folder"),
    ]
    for args, words in cases:
        done = harbour(*args)
        assert done.returncode == 1, args
        assert words in done.stderr and done.stderr.strip().count("\n") == 0, (args, done.stderr)
    assert not (tmp_path / "r").exists() and not (tmp_path / "out").exists()
