"""The `oruk` format: Open Referral UK v1 pages (0- or 1-based, lying totals) into HSDS 3.0 services."""

from __future__ import annotations

import copy
import json

import pytest

from directory.sync.formats import FORMATS, oruk
from directory.sync.formats.base import FormatOptions
from directory.sync.formats.errors import FormatError
from tests.sync.feed_server import FeedServer, json_body, raw
from tests.sync.fixtures.formats import (
    FIXTURES,
    asked_pages,
    complete,
    paged,
    read_all,
    records,
    rejected,
    schema_errors,
)

read = oruk.read
SAMPLE = json.loads((FIXTURES / "oruk_service.json").read_text())


def oruk_service(n: int) -> dict:
    record = copy.deepcopy(SAMPLE)
    record["id"] = f"{1000 + n}"
    record["name"] = f"{SAMPLE['name']} {n}"
    return record


def oruk_page(items: list[dict], number: int, total_pages: int, last: bool) -> dict:
    return {"totalElements": 99, "totalPages": total_pages, "number": number, "size": len(items),
            "first": number in (0, 1), "last": last, "content": items}  # fmt: skip


def spring_pages(first: int, total_pages: int, last_on: int) -> dict:
    """Three pages numbered from `first`, each claiming `total_pages`; page `last_on` (0-2) says last."""
    pages = {}
    for index in range(3):
        number = first + index
        items = [oruk_service(2 * index + 1), oruk_service(2 * index + 2)]
        pages[str(number)] = oruk_page(items, number, total_pages, last=index == last_on)
    pages[None] = pages[str(first)]
    return pages


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def test_a_zero_based_listing_whose_total_pages_says_one_is_read_to_its_last_page(server):
    server.route("/services", paged(spring_pages(first=0, total_pages=1, last_on=2)))
    parsed = read_all(read, server.url + "/services")
    assert [r["id"] for r in records(parsed)] == [f"{1000 + n}" for n in range(1, 7)]
    assert asked_pages(server, "/services") == [None, "1", "2"]
    assert complete(parsed)


def test_a_one_based_listing_is_detected_from_the_first_page_number(server):
    server.route("/services", paged(spring_pages(first=1, total_pages=1, last_on=2)))
    parsed = read_all(read, server.url + "/services")
    assert len(records(parsed)) == 6
    assert asked_pages(server, "/services") == [None, "2", "3"]


def test_a_listing_whose_total_pages_says_ten_stops_at_the_page_marked_last(server):
    server.route("/services", paged(spring_pages(first=0, total_pages=10, last_on=1)))
    parsed = read_all(read, server.url + "/services")
    assert len(records(parsed)) == 4
    assert asked_pages(server, "/services") == [None, "1"]


def test_an_empty_page_ends_the_listing(server):
    pages = spring_pages(first=0, total_pages=10, last_on=-1)
    pages["3"] = oruk_page([], 3, 10, last=False)
    server.route("/services", paged(pages))
    parsed = read_all(read, server.url + "/services")
    assert len(records(parsed)) == 6 and complete(parsed)
    assert asked_pages(server, "/services") == [None, "1", "2", "3"]


def test_the_page_cap_stops_the_walk_and_marks_the_listing_incomplete(server):
    server.route(
        "/services",
        lambda request: json_body(
            oruk_page([oruk_service(int(request.query.get("page", ["0"])[0]))], 0, 1, last=False)
        )(request),
    )
    parsed = read_all(read, server.url + "/services", FormatOptions(page_cap=3))
    assert len(asked_pages(server, "/services")) == 3 and len(records(parsed)) == 3
    assert not complete(parsed)


def test_the_page_size_is_asked_for_under_both_names(server):
    server.route("/services", json_body(oruk_page([oruk_service(1)], 0, 1, last=True)))
    read_all(read, server.url + "/services?taxonomy_id=42")
    query = server.requests[0].query
    assert query["per_page"] == query["size"] == [str(oruk.PER_PAGE)] and query["taxonomy_id"] == ["42"]


def test_an_oruk_service_becomes_a_valid_hsds_3_service_with_its_ids_as_sent(server):
    server.route("/services", json_body(oruk_page([copy.deepcopy(SAMPLE)], 0, 1, last=True)))
    [service] = records(read_all(read, server.url + "/services"))
    assert schema_errors(service) == []
    assert service["id"] == "1042" and service["organization"]["id"] == "org-17"
    assert service["organization"]["website"] == "https://advice.kingsmere.example"
    assert service["fees_description"] == "Free"
    assert service["eligibility_description"] == "Adults, People living in Kingsmere"
    assert service["minimum_age"] == 18 and "maximum_age" not in service
    assert [lang["name"] for lang in service["languages"]] == ["English", "Arabic"]
    [contact] = service["contacts"]
    assert contact["phones"][0]["number"] == "01632 960 555"
    assert [lang["name"] for lang in contact["phones"][0]["languages"]] == ["English", "Arabic"]
    assert service["funding"] == [{"id": "f-1", "source": "Kingsmere Borough Council"}]
    assert service["service_areas"][0]["name"] == "Kingsmere"


def test_regular_and_holiday_schedules_become_schedules_with_the_weekday_as_sent(server):
    server.route("/services", json_body(oruk_page([copy.deepcopy(SAMPLE)], 0, 1, last=True)))
    [service] = records(read_all(read, server.url + "/services"))
    weekly = [(s["id"], s["freq"], s["byday"], s["opens_at"]) for s in service["schedules"] if "byday" in s]
    assert weekly == [("rs-1", "WEEKLY", "Monday", "10:00"), ("rs-2", "WEEKLY", "Thursday", "14:00")]
    [holiday] = [s for s in service["schedules"] if "valid_from" in s]
    assert (holiday["valid_from"], holiday["valid_to"]) == ("2025-12-24", "2026-01-02")
    assert holiday["description"].startswith("Closed")
    at = service["service_at_locations"][0]
    assert [s["byday"] for s in at["schedules"]] == ["Monday"]


def test_locations_keep_their_addresses_and_accessibility(server):
    server.route("/services", json_body(oruk_page([copy.deepcopy(SAMPLE)], 0, 1, last=True)))
    [service] = records(read_all(read, server.url + "/services"))
    location = service["service_at_locations"][0]["location"]
    assert (location["id"], location["location_type"], location["latitude"]) == ("loc-3", "physical", 51.4821)
    [address] = location["addresses"]
    assert (address["id"], address["address_type"], address["postal_code"]) == ("pa-3", "physical", "KM2 4QT")
    assert location["accessibility"] == [{"id": "acc-3", "description": "Step-free access"}]


def test_service_taxonomys_become_category_attributes_in_their_vocabulary(server):
    server.route("/services", json_body(oruk_page([copy.deepcopy(SAMPLE)], 0, 1, last=True)))
    [service] = records(read_all(read, server.url + "/services"))
    terms = [(a["id"], a["link_type"], a["taxonomy_term"]["code"], a["taxonomy_term"]["name"],
              a["taxonomy_term"]["taxonomy"]) for a in service["attributes"]]  # fmt: skip
    assert terms == [
        ("st-1", "category", "bccsource:legal-advice", "Legal advice", "BCCSources"),
        ("st-2", "category", "immigration-advice", "Immigration advice", "Open Eligibility"),
    ]


def test_scripts_in_descriptions_are_passed_on_as_sent(server):
    server.route("/services", json_body(oruk_page([copy.deepcopy(SAMPLE)], 0, 1, last=True)))
    [service] = records(read_all(read, server.url + "/services"))
    assert service["description"] == SAMPLE["description"]


def test_services_missing_required_fields_are_rejected_with_reasons_and_the_rest_kept(server):
    no_name = oruk_service(2)
    del no_name["name"]
    bad_taxonomy = oruk_service(3)
    bad_taxonomy["service_taxonomys"] = [{"id": "st-9", "taxonomy": None}]
    no_id_address = oruk_service(4)
    del no_id_address["service_at_locations"][0]["location"]["physical_addresses"][0]["id"]
    items = [oruk_service(1), no_name, bad_taxonomy, no_id_address, "not a service"]
    server.route("/services", json_body(oruk_page(items, 0, 1, last=True)))
    parsed = read_all(read, server.url + "/services")
    assert [r["id"] for r in records(parsed)] == ["1001", "1004"]  # an address without an id is given one later
    reasons = {r.source_id: r.reasons for r in rejected(parsed)}
    assert reasons["1002"] == ["'name' is missing: every service needs a name"]
    assert reasons["1003"] == ["service_taxonomys item st-9 has no taxonomy with an id or name"]
    assert "1004" not in reasons
    assert reasons[None] == ["a service must be an object, not text"]


def test_an_html_page_instead_of_json_is_a_format_error(server):
    server.route(
        "/services", raw("<!DOCTYPE html><html>Service Unavailable</html>", content_type="text/html")
    )
    with pytest.raises(FormatError, match=r"/services.*HTML page"):
        read_all(read, server.url + "/services")


def test_a_json_answer_that_is_not_a_page_is_a_format_error(server):
    server.route("/services", json_body({"status": 500, "error": "Internal Server Error"}))
    with pytest.raises(FormatError, match="expected an Open Referral UK page"):
        read_all(read, server.url + "/services")


def test_the_registry_names_this_reader():
    assert FORMATS["oruk"] is oruk.read
