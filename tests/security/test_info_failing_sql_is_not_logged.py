"""Info: a failing public query is not written to the server's log with its parameters
(what a reader typed is theirs; they see the error on the page)."""

from __future__ import annotations

import httpx


def test_a_failing_query_leaves_its_parameters_out_of_the_log(demo_instance, server_for):
    server = server_for(demo_instance)
    answer = httpx.get(server.url + "/data/directory.json",
                       params={"sql": "SELECT * FROM no_such_table WHERE name = :who", "who": "Amira Haddad"})  # fmt: skip
    assert answer.status_code == 400 and "no_such_table" in answer.json()["error"]
    slow = httpx.get(server.url + "/data/directory.json", timeout=60, params={
        "sql": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*), :who FROM n",
        "who": "Yusuf Karimi"})  # fmt: skip
    assert slow.status_code == 400 and "too long" in slow.json()["error"]
    server.stop()
    log = server.output()
    assert "Harbour for" in log, "this is the server's own output"
    assert "Amira Haddad" not in log
    assert "no_such_table" not in log
    assert "Yusuf Karimi" not in log and "RECURSIVE" not in log
