"""L8: a notice that starts later is nowhere public (SQL at /data/, the bundles, the pages) until it starts."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import closing

from directory.push.dispatch import deliver_due_notices
from directory.store.changes import latest_change
from tests.bundle_helpers import TestClient, served_version

TITLE = "Raid warning for Mill Road on Friday"


def public_mentions(instance, text: str) -> list[str]:
    """Where the public side shows `text`: Datasette's SQL and tables, every bundle, the no-JS pages."""
    from directory.web.app import create_app

    client = TestClient(create_app(instance))
    found = []
    sql = client.get("/data/directory.json", params={"sql": "select * from notices union all select"
                     " table_name, record_id, field, language, text, status, updated, '', '', '', '', ''"
                     " from translations", "_shape": "array"})  # fmt: skip
    assert sql.status_code == 200, sql.text
    if text in sql.text:
        found.append("/data/ SQL")
    if text in client.get("/data/directory/notices.json?_shape=array").text:
        found.append("/data/ table")
    with closing(instance.directory()) as db:  # bundles and pages are rebuilt aside: wait for this version
        served_version(client, latest_change(db))
    manifest = client.get("/bundle/manifest.json").json()
    for language, entry in manifest["languages"].items():
        if text in json.dumps(client.get(entry["url"]).json(), ensure_ascii=False):
            found.append(f"bundle {language}")
    if text in client.get("/services").text:
        found.append("/services")
    return found


def harbour(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_scheduled_notice_is_private_until_it_starts_then_published_where_it_is_pushed(demo_instance):
    added = harbour(demo_instance, "notices", "add", "--title", TITLE, "--body", "Stay away from Mill Road.",
                    "--starts", "2099-01-01T09:00", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    notice_id = json.loads(added.stdout.splitlines()[-1])["id"]
    with closing(demo_instance.directory()) as db:
        assert db.execute("SELECT count(*) FROM notices WHERE id = ?", [notice_id]).fetchone()[0] == 0
    assert public_mentions(demo_instance, TITLE) == []
    listed = harbour(demo_instance, "notices", "list", "--json")
    assert [n["id"] for n in json.loads(listed.stdout)["upcoming"]] == [notice_id], "staff still see it"

    with closing(demo_instance.private()) as private:  # its start comes
        private.execute("UPDATE scheduled_notices SET starts = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute')"
                        " WHERE id = ?", [notice_id])  # fmt: skip
    deliver_due_notices(demo_instance)  # what `harbour serve` runs every few seconds
    with closing(demo_instance.directory()) as db, closing(demo_instance.private()) as private:
        assert db.execute("SELECT title FROM notices WHERE id = ?", [notice_id]).fetchone() == (TITLE,)
        assert db.execute("SELECT operation FROM changes WHERE record_id = ?", [notice_id]).fetchall() == [("insert",)]
        assert private.execute("SELECT count(*) FROM scheduled_notices").fetchone()[0] == 0
    assert {"/data/ SQL", "/data/ table", "bundle en", "/services"} <= set(public_mentions(demo_instance, TITLE))

    # Without a start, or with one past, a notice is public at once (and pushed by the command itself).
    for starts in ([], ["--starts", "2020-01-01"]):
        added = harbour(demo_instance, "notices", "add", "--title", f"Now {len(starts)}", "--body", "B", *starts)
        assert added.returncode == 0, added.stderr
    with closing(demo_instance.directory()) as db:
        assert db.execute("SELECT count(*) FROM notices WHERE title LIKE 'Now %'").fetchone()[0] == 2


def test_a_scheduled_notice_withdrawn_before_its_start_never_becomes_public(demo_instance):
    added = harbour(demo_instance, "notices", "add", "--title", TITLE, "--body", "B", "--starts", "2099-01-01", "--json")
    notice_id = json.loads(added.stdout.splitlines()[-1])["id"]
    assert harbour(demo_instance, "notices", "withdraw", notice_id).returncode == 0
    with closing(demo_instance.private()) as private:
        private.execute("UPDATE scheduled_notices SET starts = '2020-01-01T00:00:00Z' WHERE id = ?", [notice_id])
    deliver_due_notices(demo_instance)
    assert public_mentions(demo_instance, TITLE) == []
