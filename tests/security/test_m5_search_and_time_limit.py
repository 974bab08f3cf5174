"""M5: `search` has a cap on words and length, and every HSDS API request a time limit, so no
request can hold one of Datasette's few threads for seconds."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from directory.hsds.api_params import MAX_SEARCH_CHARS, MAX_SEARCH_WORDS
from directory.paths import PLUGINS_DIR
from tests.conftest import PROJECT_ROOT, free_port
from tests.test_datasette import wait_until_up

SEARCHABLE = ("services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms")


@pytest.mark.parametrize("collection", SEARCHABLE)
def test_thousands_of_search_words_are_refused_400_naming_search(demo_server, collection):
    answer = httpx.get(f"{demo_server.url}/hsds/{collection}", params={"search": " ".join(["a"] * 6000)},
                       timeout=60)
    assert answer.status_code == 400, answer.text[:200]
    assert answer.json()["parameter"] == "search"
    assert f"at most {MAX_SEARCH_CHARS} characters" in answer.json()["error"]


def test_too_many_words_within_the_length_are_refused_naming_the_cap(demo_server):
    words = " ".join(["a"] * (MAX_SEARCH_WORDS + 1))
    answer = httpx.get(f"{demo_server.url}/hsds/services", params={"search": words}, timeout=60)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": f"parameter 'search' must be at most {MAX_SEARCH_WORDS} words, not {MAX_SEARCH_WORDS + 1}",
        "status": 400,
        "parameter": "search",
    }


def test_a_search_a_reader_would_type_still_finds_services(demo_server):
    words = " ".join(["legal"] + ["a"] * (MAX_SEARCH_WORDS - 1))
    answer = httpx.get(f"{demo_server.url}/hsds/services", params={"search": words}, timeout=60)
    assert answer.status_code == 200 and answer.json()["total_items"] > 0


@pytest.fixture
def strict_datasette(demo_server):
    """The standalone publication with Datasette's query limit at 1 ms: any real page runs out."""
    port = free_port()
    command = [
        sys.executable, "-m", "datasette", str(demo_server.data_dir / "directory.db"),
        "--plugins-dir", str(PLUGINS_DIR), "--setting", "sql_time_limit_ms", "1", "--port", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, url + "/.json")  # /-/ pages are not published
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_request_that_runs_out_of_time_is_answered_503_and_frees_its_thread(strict_datasette):
    # A full page of nested services makes hundreds of queries: far more than 10 ms of them.
    pages = [httpx.get(f"{strict_datasette}/hsds/services", params={"per_page": 500, "full": "true"}, timeout=60)
             for _ in range(4)]  # more than Datasette's three threads: none stays held
    for answer in pages:
        assert answer.status_code == 503, answer.text[:200]
        assert answer.json()["error"].startswith("the request took longer than this server allows (1 ms a query")
    assert httpx.get(f"{strict_datasette}/hsds/", timeout=60).json()["version"] == "3.0"
