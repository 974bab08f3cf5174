"""Info: a no-JavaScript search is the reader's own; no shared cache (nor its log) keeps it."""

from __future__ import annotations


def test_a_search_or_filter_is_private_and_the_plain_list_stays_cacheable(client):
    plain = client.get("/services")
    assert plain.status_code == 200 and plain.headers["cache-control"].startswith("public")
    assert client.get("/services?lang=ar&page=2").headers["cache-control"].startswith("public")
    for query in ("?q=asylum+lawyer", "?q=clinic&lang=ar", "?category=health", "?q=x&page=2"):
        answer = client.get("/services" + query)
        assert answer.status_code == 200, query
        assert answer.headers["cache-control"] == "private, no-store", query
