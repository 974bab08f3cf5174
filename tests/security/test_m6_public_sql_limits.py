"""M6: public SQL may not call functions that reach past the data, nor build what the server
cannot hold; Datasette's time limit still stops a long query (directory/web/datasette_guard.py)."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from directory.web.datasette_guard import guard_connection


def run_sql(server, sql: str) -> httpx.Response:
    return httpx.get(server.url + "/data/directory.json", params={"sql": sql, "_shape": "objects"}, timeout=60)


@pytest.mark.parametrize(
    ("sql", "function"),
    [
        ("SELECT fts3_tokenizer('simple') AS pointer", "fts3_tokenizer"),  # leaks a pointer
        ("SELECT fts3_tokenizer('simple', x'0000000000000000') AS pointer", "fts3_tokenizer"),  # overwrites one
        ("SELECT length(randomblob(20000000)) AS size", "randomblob"),
        ("SELECT length(zeroblob(20000000)) AS size", "zeroblob"),
    ],
)
def test_dangerous_functions_are_refused_with_a_4xx_naming_them(demo_server, sql, function):
    answer = run_sql(demo_server, sql)
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()["rows"] == []
    assert function in answer.json()["error"]


def test_a_string_longer_than_the_limit_is_not_built(demo_server):
    answer = run_sql(demo_server, "SELECT length(printf('%.*c', 20000000, 'x')) AS size")
    assert answer.status_code in (200, 400), answer.text[:300]
    assert answer.json()["rows"] in ([], [{"size": None}]), "twenty million characters were built"


def test_a_deeply_nested_expression_is_refused(demo_server):
    answer = run_sql(demo_server, "SELECT " + " + ".join(["1"] * 200) + " AS total")
    assert answer.status_code == 400, answer.text[:300]
    assert "too large" in answer.json()["error"]


def test_datasettes_time_limit_still_stops_a_long_query(demo_server):
    answer = run_sql(
        demo_server,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) AS c FROM n",
    )
    assert answer.status_code == 400
    assert "too long" in answer.json()["error"].lower()


def test_the_ordinary_data_still_answers(demo_server):
    answer = run_sql(demo_server, "SELECT count(*) AS n, max(length(description)) AS longest FROM services")
    assert answer.status_code == 200 and answer.json()["rows"][0]["n"] > 0


def test_the_guard_refuses_a_gigabyte_before_allocating_it(tmp_path):
    conn = sqlite3.connect(tmp_path / "any.db")
    guard_connection(conn)
    with pytest.raises(sqlite3.DatabaseError, match="randomblob"):
        conn.execute("SELECT randomblob(1000000000)")
    # SQLite stops building a string at the length limit and answers NULL.
    assert conn.execute("SELECT printf('%.*c', 1000000000, 'x') IS NULL").fetchone() == (1,)
    assert conn.execute("SELECT length(printf('%.*c', 1000, 'x'))").fetchone() == (1000,)
    conn.close()
