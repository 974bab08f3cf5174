"""The `hsds-json` format: official examples, API roots, paging that lies, summaries, bad documents."""

from __future__ import annotations

import copy
import json

import pytest

from directory.sync.errors import FetchError
from directory.sync.formats import FORMATS, hsds_json
from directory.sync.formats.base import FormatOptions
from directory.sync.formats.errors import FormatError
from tests.sync.feed_server import FeedServer, json_body, raw
from tests.sync.fixtures.formats import (
    EXAMPLES,
    asked_pages,
    complete,
    paged,
    read_all,
    records,
    rejected,
    schema_errors,
)
from tests.sync.helpers import page, service

read = hsds_json.read


def three_pages(total_pages: int, lie_last_on: int | None = None) -> dict:
    """Pages 1-3 of services svc-1..svc-6, all claiming `total_pages`; only page 3 says it is last."""
    pages = {}
    for number in (1, 2, 3):
        items = [service(2 * number - 1), service(2 * number)]
        last = number == 3 or number == lie_last_on
        pages[str(number)] = page(items, number=number, total_pages=total_pages, last=last)
    pages[None] = pages["1"]
    return pages


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def test_the_official_full_service_example_parses_into_one_valid_record(server):
    document = json.loads((EXAMPLES / "service_full.json").read_text())
    server.route("/service_full.json", json_body(document))
    parsed = read_all(read, server.url + "/service_full.json")
    assert [r["id"] for r in records(parsed)] == [document["id"]]
    assert records(parsed)[0] == document  # passed on exactly as sent
    assert schema_errors(records(parsed)[0]) == []
    assert rejected(parsed) == [] and complete(parsed)


def test_the_official_service_list_file_parses_and_is_marked_partial_because_more_pages_exist(server):
    document = json.loads((EXAMPLES / "service_list.json").read_text())
    server.route("/service_list.json", json_body(document))
    parsed = read_all(read, server.url + "/service_list.json")
    assert [r["name"] for r in records(parsed)] == ["Community Counselling"]
    assert all(schema_errors(r) == [] for r in records(parsed))
    assert not complete(parsed)  # it says last_page: false, so absences prove nothing


def test_an_api_root_leads_to_its_services_listing_asked_full_and_paged(server):
    server.route("/api", json_body({"version": "3.0", "profile": "https://example.org/profile"}))
    server.route("/api/services", json_body(page([service(1), service(2)])))
    parsed = read_all(read, server.url + "/api")
    assert [r["id"] for r in records(parsed)] == ["svc-1", "svc-2"]
    listing = [r for r in server.requests if r.path == "/api/services"][0]
    assert listing.query["full"] == ["true"] and listing.query["per_page"] == [str(hsds_json.PER_PAGE)]


def test_a_listing_whose_total_pages_says_one_is_still_read_to_its_last_page(server):
    server.route("/services", paged(three_pages(total_pages=1)))
    parsed = read_all(read, server.url + "/services")
    assert [r["id"] for r in records(parsed)] == [f"svc-{n}" for n in range(1, 7)]
    assert asked_pages(server, "/services") == [None, "2", "3"]
    assert complete(parsed)


def test_a_listing_whose_total_pages_says_ten_stops_at_the_page_that_says_it_is_last(server):
    server.route("/services", paged(three_pages(total_pages=10, lie_last_on=2)))
    parsed = read_all(read, server.url + "/services")
    assert [r["id"] for r in records(parsed)] == [f"svc-{n}" for n in range(1, 5)]
    assert asked_pages(server, "/services") == [None, "2"]


def test_an_empty_page_ends_a_listing_that_never_says_last(server):
    pages = {key: {**value, "last_page": False} for key, value in three_pages(total_pages=10).items()}
    pages["4"] = page([], number=4, total_pages=10, last=False)
    server.route("/services", paged(pages))
    parsed = read_all(read, server.url + "/services")
    assert len(records(parsed)) == 6
    assert asked_pages(server, "/services") == [None, "2", "3", "4"]
    assert complete(parsed)


def test_the_page_cap_stops_an_endless_listing_and_marks_it_incomplete(server):
    server.route(
        "/services",
        lambda request: json_body(
            page([service(int(request.query.get("page", ["1"])[0]))], total_pages=1, last=False)
        )(request),
    )
    parsed = read_all(read, server.url + "/services", FormatOptions(page_cap=4))
    assert len(asked_pages(server, "/services")) == 4
    assert len(records(parsed)) == 4
    assert parsed[-1].complete is False and all(p.complete for p in parsed[:-1])


def test_a_server_that_ignores_the_page_parameter_is_not_read_forever(server):
    server.route("/services", json_body(page([service(1), service(2)], total_pages=5, last=False)))
    parsed = read_all(read, server.url + "/services", FormatOptions(page_cap=50))
    assert len(asked_pages(server, "/services")) == 2
    assert [r["id"] for r in records(parsed)] == ["svc-1", "svc-2"]
    assert not complete(parsed)


def test_list_items_without_children_are_fetched_whole_by_id(server):
    full = [service(1), service(2)]
    summaries = [{k: v for k, v in s.items() if k not in ("phones", "languages", "schedules")} for s in full]
    server.route("/hsds/services", json_body(page(summaries)))
    for record in full:
        server.route(f"/hsds/services/{record['id']}", json_body(record))
    parsed = read_all(read, server.url + "/hsds/services")
    assert records(parsed) == full
    assert sorted(r.path for r in server.requests) == [
        "/hsds/services",
        "/hsds/services/svc-1",
        "/hsds/services/svc-2",
    ]


def test_a_summary_whose_whole_record_is_not_a_service_is_rejected_with_the_reason(server):
    summary = {"id": "svc-9", "name": "Drop-in", "status": "active"}
    server.route("/services", json_body(page([summary, service(1)])))
    server.route("/services/svc-9", raw("<html><body>Server error</body></html>", content_type="text/html"))
    parsed = read_all(read, server.url + "/services")
    assert [r["id"] for r in records(parsed)] == ["svc-1"]
    [bad] = rejected(parsed)
    assert bad.source_id == "svc-9" and bad.raw == summary and "HTML" in bad.reasons[0]


def test_modified_after_is_asked_for_and_makes_the_listing_partial(server):
    server.route("/services", json_body(page([service(1)])))
    parsed = read_all(read, server.url + "/services", FormatOptions(modified_after="2025-01-01T00:00:00Z"))
    assert server.requests[0].query["modified_after"] == ["2025-01-01T00:00:00Z"]
    assert len(records(parsed)) == 1 and not complete(parsed)


def test_an_html_error_page_instead_of_json_is_a_format_error_naming_the_url(server):
    server.route(
        "/feed.json", raw("<!DOCTYPE html><html><body>Please log in</body></html>", content_type="text/html")
    )
    with pytest.raises(FormatError, match=r"/feed.json: expected HSDS JSON but got an HTML page"):
        read_all(read, server.url + "/feed.json")


def test_an_html_page_where_a_services_page_belongs_is_a_format_error(server):
    server.route("/services", raw("<html><head></head><body>502 Bad Gateway</body></html>"))
    with pytest.raises(FormatError, match="HTML page"):
        read_all(read, server.url + "/services")


def test_truncated_json_is_a_format_error(server):
    server.route("/feed.json", raw(json.dumps([service(1)])[:-20], content_type="application/json"))
    with pytest.raises(FormatError, match="not valid JSON"):
        read_all(read, server.url + "/feed.json")


def test_a_json_object_that_is_no_service_list_or_page_is_a_format_error(server):
    server.route("/feed.json", json_body({"error": "quota exceeded"}))
    with pytest.raises(FormatError, match="expected an HSDS service"):
        read_all(read, server.url + "/feed.json")


def test_a_fetch_failure_is_not_swallowed(server):
    server.route("/services", json_body({"error": "down"}, status=503))
    with pytest.raises(FetchError):
        read_all(read, server.url + "/services")


def test_services_missing_an_id_or_a_name_are_rejected_with_every_reason_and_the_rest_kept(server):
    # A child without an id is not a reason: the normaliser gives it a stable one.
    no_name = service(2)
    del no_name["name"]
    no_id = service(3)
    del no_id["id"]
    bad_phone = service(4, phones=[{"number": "01632 960000"}])
    server.route("/feed.json", json_body([service(1), no_name, no_id, bad_phone]))
    parsed = read_all(read, server.url + "/feed.json")
    assert [r["id"] for r in records(parsed)] == ["svc-1", "svc-4"]
    reasons = {r.source_id: r.reasons for r in rejected(parsed)}
    assert reasons["svc-2"] == ["'name' is missing: every service needs a name"]
    assert reasons[None] == ["service: 'id' is missing"]
    assert "svc-4" not in reasons
    assert {json.dumps(r.raw, sort_keys=True) for r in rejected(parsed)} == {
        json.dumps(x, sort_keys=True) for x in (no_name, no_id)
    }


def test_a_wrongly_shaped_child_is_rejected_not_crashed_on(server):
    odd = service(1, phones="01632 960000", organization=["Riverside"], minimum_age="twelve")
    server.route("/feed.json", json_body(odd))
    [bad] = rejected(read_all(read, server.url + "/feed.json"))
    assert set(bad.reasons) == {
        "service.phones must be a list, not text",
        "organization must be an object, not a list",
        "service.minimum_age must be a number, got 'twelve'",
    }


def test_scripts_in_descriptions_and_non_uuid_ids_are_passed_on_as_sent(server):
    record = service(7, description='<script>alert("x")</script><b>Free</b> advice')
    server.route("/feed.json", json_body({"services": [record]}))
    [out] = records(read_all(read, server.url + "/feed.json"))
    assert out["description"] == '<script>alert("x")</script><b>Free</b> advice'
    assert out["id"] == "svc-7" and out["organization"]["id"] == "org-1" and out["phones"][0]["id"] == "ph-7"


def test_not_modified_is_reported_without_records(server):
    server.route("/feed.json", lambda request: raw(b"", status=304)(request))
    [parsed] = read_all(read, server.url + "/feed.json")
    assert parsed.not_modified and parsed.records == []


def test_a_large_single_file_is_yielded_in_batches(server):
    many = [service(n) for n in range(1, 1202)]
    server.route("/all.json", json_body(many))
    parsed = read_all(read, server.url + "/all.json")
    assert [len(p.records) for p in parsed] == [500, 500, 201]


def test_the_registry_names_this_reader():
    assert FORMATS["hsds-json"] is hsds_json.read


def test_the_import_functions_still_read_a_page_as_before():
    document = json.loads((EXAMPLES / "service_list.json").read_text())
    assert hsds_json.services_in(copy.deepcopy(document)) is not None
    assert [s["id"] for s in hsds_json.parse_services(json.dumps(document))] == [
        document["contents"][0]["id"]
    ]
