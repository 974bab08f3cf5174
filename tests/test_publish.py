"""`harbour publish OUT`: a read-only snapshot of directory.db and the offline app as static files
that work from any web host, in a real Chromium, offline."""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import stat
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from directory.bundle.shell import shell_manifest
from directory.hsds.assemble import assemble_service
from directory.store import Source
from directory.store.records import save_record
from tests.pwa_helpers import open_until_offline_ready, wait_until


def harbour(instance, *args):
    return subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def published(demo_template, tmp_path_factory):
    from directory.instance import Instance

    out = tmp_path_factory.mktemp("published") / "out"
    done = harbour(Instance(demo_template), "publish", str(out), "--json")
    assert done.returncode == 0, done.stderr
    return out, json.loads(done.stdout.splitlines()[-1])


def test_the_snapshot_is_the_directory_as_it_was_read_only_and_nothing_private(published, demo_template):
    out, summary = published
    with sqlite3.connect(demo_template / "directory.db") as source, sqlite3.connect(out / "directory.db") as copy:
        for table in ("services", "organizations", "locations", "translations", "changes"):
            assert copy.execute(f"SELECT count(*) FROM {table}").fetchone() == \
                source.execute(f"SELECT count(*) FROM {table}").fetchone(), table
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not tables & {"users", "sessions", "push_subscriptions", "quarantine", "audit_log"}
    assert not (out / "private.db").exists() and not any(out.rglob("vapid*"))
    assert summary["services"] == 228 and len(summary["languages"]) == 9
    for path in out.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0, f"{path} is writable"


def test_a_replicated_directory_publishes_without_litestreams_bookkeeping(demo_instance, tmp_path):
    with sqlite3.connect(demo_instance.directory_path) as live:  # what Litestream adds to a database it replicates
        live.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
        live.execute("CREATE TABLE _litestream_lock (id INTEGER)")
    done = harbour(demo_instance, "publish", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "out" / "directory.db") as copy:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "services" in tables and not tables & {"_litestream_seq", "_litestream_lock"}


def test_every_file_is_listed_with_its_hash_and_compressed_copies_match(published):
    out, _ = published
    record = json.loads((out / "publish.json").read_text(encoding="utf-8"))
    listed = set(record["files"])
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"publish.json"}
    assert listed == on_disk
    for relative, digest in record["files"].items():
        assert hashlib.sha256((out / relative).read_bytes()).hexdigest() == digest, relative
    site = out / "site"
    for shell_url, prefix in shell_manifest().items():
        path = site / ("index.html" if shell_url == "/" else shell_url.lstrip("/"))
        assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(prefix), shell_url
    manifest = json.loads((site / "bundle" / "manifest.json").read_text())
    assert "alerts" not in manifest, "a static site takes no push subscriptions"
    for language, entry in manifest["languages"].items():
        body = (site / entry["url"].lstrip("/")).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
        assert gzip.decompress((site / (entry["url"].lstrip("/") + ".gz")).read_bytes()) == body
        assert brotli.decompress((site / (entry["url"].lstrip("/") + ".br")).read_bytes()) == body
        assert json.loads(body)["language"] == language


def test_publishing_into_a_folder_that_has_files_is_refused_and_leaves_it_alone(demo_instance, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = harbour(demo_instance, "publish", str(out))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "not an empty folder" in done.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not list(tmp_path.glob(".out.publishing-*")), "nothing half-written is left beside it"


class StaticHost:
    """A plain web server over a folder (which may be switched), with no HTTP caching: a static host."""

    def __init__(self, root):
        self.root = root
        host = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(host.root), **kwargs)

            def log_message(self, *args):
                pass

            def end_headers(self):  # the worker must not get from the HTTP cache what it should hold
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def static_phone(browser):
    """(host, page): a phone that opened the app from `host` and stored it for offline use."""
    made = []

    def open_(root, locale):
        host = StaticHost(root)
        context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
        made.append((host, context))
        return host, open_until_offline_ready(context, host.url)

    yield open_
    for host, context in made:
        context.close()
        host.close()


def test_the_static_site_works_offline_from_a_plain_web_server(published, static_phone):
    out, _ = published
    _, page = static_phone(out / "site", "uk")
    assert page.evaluate("() => document.documentElement.lang") == "uk"
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#results li a")
    assert page.locator("#results li").count() > 0
    assert page.locator("#alerts-button").is_hidden(), "no alerts offered where nobody can send them"


def test_a_phone_on_a_static_site_takes_the_next_publication_whole(demo_instance, tmp_path, static_phone):
    """No deltas on a static host: the worker fetches the new bundle instead."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert harbour(demo_instance, "publish", str(first)).returncode == 0
    host, page = static_phone(first / "site", "en-GB")
    pointer = "async () => (await (await caches.open('harbour-data-v1')).match('/bundle/local/en')).json()"
    before = page.evaluate(pointer)["version"]

    db = demo_instance.directory()
    try:
        service_id = db.execute("SELECT id FROM services WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
        record = assemble_service(db, service_id)
        with db.atomic():
            save_record(db, "services", {**record, "name": "Harbourside Night Shelter"}, Source("staff:editor"))
    finally:
        db.close()
    assert harbour(demo_instance, "publish", str(second)).returncode == 0
    host.root = second / "site"

    page.reload()  # opening the app checks for news
    wait_until(page, f"async () => ({pointer})().then(p => p.version > {before})", "the new publication")
    page.get_by_role("searchbox").fill("harbourside night")
    page.locator(f"#results a[href='#/service/{service_id}']").wait_for()
