"""M1: the shell cache is keyed on real files, not on how a URL was spelt."""

from __future__ import annotations

from directory.bundle.shell import ShellFiles
from tests.security.raw_requests import raw_get
from tests.security.shell_app import pwa_app

BROTLI = {"Accept-Encoding": "br"}


def test_300_spellings_of_one_file_leave_one_cache_entry_and_are_refused(empty_instance):
    app, shell = pwa_app(empty_instance)
    status, _, body = raw_get(app, "/i18n/uk.json", BROTLI)
    assert status == 200 and body
    for i in range(300):
        status, headers, _ = raw_get(app, f"/r{i}x/../i18n/uk.json", BROTLI)
        assert status == 404, i
        assert headers["content-type"].startswith("text/html")  # the friendly page, not a file
    assert list(shell.files) == ["i18n/uk.json"]


def test_other_spellings_of_shell_files_are_refused(empty_instance):
    app, shell = pwa_app(empty_instance)
    for path in ["/./app.js", "/i18n//uk.json", "/i18n/uk.json/", "/%2e/app.js", "/i18n/./uk.json",
                 "/../pwa/app.js", "/index.html/.", "/package.json", "/.hidden"]:  # fmt: skip
        assert raw_get(app, path)[0] == 404, path
    assert shell.files == {}


def test_the_page_and_index_html_share_one_entry_and_the_cache_stays_bounded(tmp_path):
    pwa = tmp_path / "pwa"
    pwa.mkdir()
    (pwa / "index.html").write_text("<!doctype html><title>t</title>")
    for n in range(5):
        (pwa / f"f{n}.js").write_text(f"// {n}")
    shell = ShellFiles(pwa, kept=3)
    assert shell.get("/", None) and shell.get("/index.html", "br")
    assert list(shell.files) == ["index.html"]
    for n in range(5):
        assert shell.get(f"/f{n}.js", "gzip") is not None
    assert list(shell.files) == ["f2.js", "f3.js", "f4.js"]  # the least recently used went
