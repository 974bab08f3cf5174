"""L7: Datasette does not disclose the data folder's path, its settings, versions, plugins or
threads; its pages carry a CSP, X-Frame-Options and nosniff."""

from __future__ import annotations

import httpx
import pytest

INTROSPECTION = [
    "/data/-/databases", "/data/-/databases.json", "/data/-/settings", "/data/-/settings.json",
    "/data/-/versions", "/data/-/versions.json", "/data/-/plugins", "/data/-/plugins.json",
    "/data/-/metadata", "/data/-/metadata.json", "/data/-/threads.json", "/data/-/actor.json",
    "/data/-/config.json", "/data/-/patterns", "/data/-/messages", "/data/-/allow-debug",
]  # fmt: skip
# Pages, data and errors that might carry the path of directory.db.
ANSWERS = [
    "/data/", "/data/.json", "/data/directory", "/data/directory.json", "/data/directory/services",
    "/data/directory/services.json", "/data/directory/no_such_table", "/data/no_such_database",
    "/data/directory.json?sql=SELECT+*+FROM+pragma_database_list", "/data/directory?sql=SELECT+*+FROM+nowhere",
    "/data/directory.db", "/hsds/", "/hsds/services/no-such-id",
]  # fmt: skip


@pytest.mark.parametrize("path", INTROSPECTION)
def test_introspection_pages_are_not_published(demo_server, path):
    answer = httpx.get(demo_server.url + path, timeout=60, follow_redirects=True)
    assert answer.status_code == 404, f"{path}: {answer.status_code} {answer.text[:200]}"


def test_no_answer_shows_where_the_data_lives(demo_server):
    folder = str(demo_server.data_dir.resolve())
    with httpx.Client(base_url=demo_server.url, timeout=60) as client:
        showing = [path for path in ANSWERS if folder in client.get(path).text]
    assert showing == []


def test_sql_reads_no_file_path_from_pragma_database_list(demo_server):
    answer = httpx.get(demo_server.url + "/data/directory.json",
                       params={"sql": "SELECT name, file FROM pragma_database_list", "_shape": "array"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json() == [{"name": "main", "file": None}]


@pytest.mark.parametrize("path", ["/data/", "/data/directory/services", "/data/directory/services.json",
                                  "/data/directory.csv?sql=SELECT+1"])  # fmt: skip
def test_data_pages_send_a_csp_no_framing_and_nosniff(demo_server, path):
    headers = httpx.get(demo_server.url + path, timeout=60).headers
    csp = headers["content-security-policy"]
    assert "sandbox" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "allow-same-origin" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
