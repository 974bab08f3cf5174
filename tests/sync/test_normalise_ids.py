"""Ids: every feed id becomes one UUID wherever it is mentioned, the same on every run."""

from __future__ import annotations

import uuid

from directory.ids import stable_id
from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper


def _ctx(feed: str = "id-feed") -> NormaliseContext:
    return NormaliseContext(feed, "GB", "Europe/London", CategoryMapper([]))


def _record() -> dict:
    return {
        "id": "svc-1",
        "name": "Advice",
        "status": "active",
        "organization_id": "org-1",
        "organization": {
            "id": "org-1",
            "name": "Org",
            "description": "D",
            "locations": [{"id": "loc-1", "location_type": "physical", "name": "Hall"}],
        },
        "service_at_locations": [
            {"id": "sal-1", "location_id": "loc-1", "location": {"id": "loc-1", "location_type": "physical"}}
        ],
        "phones": [{"id": "ph-1", "number": "111"}],
        "languages": [{"id": "lang-1", "code": "ar", "phone_id": "ph-1"}],
        "contacts": [{"id": "c-1", "name": "Ann", "phones": [{"id": "ph-1", "number": "111"}]}],
    }


def test_a_feed_id_becomes_the_stable_id_of_its_entity_and_the_original_is_returned():
    result = normalise_service(_record(), _ctx())
    assert result.record["id"] == stable_id("id-feed", "service:svc-1")
    assert result.source_id == "svc-1"


def test_a_record_and_every_reference_to_it_share_one_uuid():
    clean = normalise_service(_record(), _ctx()).record
    org = stable_id("id-feed", "organization:org-1")
    loc = stable_id("id-feed", "location:loc-1")
    phone = stable_id("id-feed", "phone:ph-1")
    assert clean["organization_id"] == clean["organization"]["id"] == org
    assert clean["organization"]["locations"][0]["id"] == loc
    sal = clean["service_at_locations"][0]
    assert sal["location_id"] == sal["location"]["id"] == loc
    assert clean["phones"][0]["id"] == clean["contacts"][0]["phones"][0]["id"] == phone
    assert clean["languages"][0]["phone_id"] == phone


def test_children_carry_the_id_of_the_record_they_belong_to():
    clean = normalise_service(_record(), _ctx()).record
    assert clean["phones"][0]["service_id"] == clean["id"]
    assert clean["service_at_locations"][0]["service_id"] == clean["id"]
    assert clean["contacts"][0]["phones"][0]["contact_id"] == clean["contacts"][0]["id"]
    assert clean["organization"]["locations"][0]["organization_id"] == clean["organization"]["id"]


def test_uuids_from_the_feed_are_kept_in_canonical_form():
    record = _record() | {"id": "AC148810-D857-441C-9679-408F346DE14B"}
    result = normalise_service(record, _ctx())
    assert result.record["id"] == "ac148810-d857-441c-9679-408f346de14b"
    assert result.source_id == "AC148810-D857-441C-9679-408F346DE14B"


def test_numeric_ids_are_read_as_text():
    record = _record() | {"id": 42}
    assert normalise_service(record, _ctx()).record["id"] == stable_id("id-feed", "service:42")


def test_the_same_feed_ids_in_another_feed_give_other_uuids():
    assert (
        normalise_service(_record(), _ctx("a")).record["id"]
        != normalise_service(_record(), _ctx("b")).record["id"]
    )


def test_children_without_ids_get_the_same_ids_on_every_run():
    record = _record() | {"schedules": [{"byday": "MO", "opens_at": "9"}, {"byday": "TU", "opens_at": "10"}]}
    first = normalise_service(record, _ctx()).record["schedules"]
    second = normalise_service(record, _ctx()).record["schedules"]
    assert [s["id"] for s in first] == [s["id"] for s in second]
    assert len({s["id"] for s in first}) == 2
    assert all(uuid.UUID(s["id"]) for s in first)


def test_children_without_ids_keep_their_ids_when_the_feed_reorders_them():
    schedules = [{"byday": "MO", "opens_at": "9"}, {"byday": "TU", "opens_at": "10"}]
    forward = normalise_service(_record() | {"schedules": schedules}, _ctx()).record["schedules"]
    backward = normalise_service(_record() | {"schedules": schedules[::-1]}, _ctx()).record["schedules"]
    assert {s["byday"]: s["id"] for s in forward} == {s["byday"]: s["id"] for s in backward}


def test_identical_children_without_ids_still_get_distinct_ids():
    record = _record() | {"required_documents": [{"document": "Passport"}, {"document": "Passport"}]}
    documents = normalise_service(record, _ctx()).record["required_documents"]
    assert len({d["id"] for d in documents}) == 2


def test_the_same_child_content_under_two_parents_gets_two_ids():
    record = _record()
    record["contacts"] = [
        {"id": "c-1", "phones": [{"number": "111"}]},
        {"id": "c-2", "phones": [{"number": "111"}]},
    ]
    contacts = normalise_service(record, _ctx()).record["contacts"]
    assert contacts[0]["phones"][0]["id"] != contacts[1]["phones"][0]["id"]


def test_an_organization_without_id_is_identified_by_its_name_across_services():
    def service(sid: str) -> dict:
        return {
            "id": sid,
            "name": "S",
            "status": "active",
            "organization": {"name": "Kingsmere  Pantry ", "description": "D"},
        }

    first = normalise_service(service("s1"), _ctx()).record
    second = normalise_service(
        service("s2") | {"organization": {"name": "kingsmere pantry", "description": "D"}}, _ctx()
    ).record
    assert first["organization_id"] == first["organization"]["id"] == second["organization_id"]


def test_a_reference_without_id_takes_the_id_its_referrer_gives():
    record = _record()
    record["service_at_locations"] = [
        {"location_id": "loc-9", "location": {"location_type": "virtual", "url": "https://x.org"}}
    ]
    sal = normalise_service(record, _ctx()).record["service_at_locations"][0]
    assert sal["location"]["id"] == sal["location_id"] == stable_id("id-feed", "location:loc-9")


def test_a_service_without_id_gets_one_from_its_organization_and_name_with_a_warning():
    record = _record()
    del record["id"]
    first = normalise_service(record, _ctx())
    changed = normalise_service(record | {"description": "Now with a description"}, _ctx())
    assert first.record["id"] == changed.record["id"]
    assert first.source_id is None
    assert "service: no id; gave it one derived from its organization and name" in first.warnings


def test_a_nested_id_differing_from_the_reference_uses_the_nested_one_with_a_warning():
    record = _record() | {"organization_id": "org-other"}
    result = normalise_service(record, _ctx())
    assert result.record["organization_id"] == stable_id("id-feed", "organization:org-1")
    assert (
        "service: organization_id differs from the id of the nested organization; used the nested one"
        in result.warnings
    )


def test_attribute_ids_come_from_their_record_and_harbour_term():
    from directory.taxonomy.load import read_taxonomy

    ctx = NormaliseContext("id-feed", "GB", "Europe/London", CategoryMapper.from_taxonomy(read_taxonomy()))
    record = _record() | {"attributes": [{"id": "x1", "taxonomy_term": {"code": "free", "taxonomy": "feed"}}]}
    other = _record() | {"attributes": [{"id": "x2", "taxonomy_term": {"code": "free", "taxonomy": "feed"}}]}
    first = normalise_service(record, ctx).record["attributes"][0]
    assert first["id"] == normalise_service(other, ctx).record["attributes"][0]["id"]
    assert uuid.UUID(first["id"])


def test_a_child_without_an_id_changed_in_place_keeps_its_id_and_another_number_is_another_phone():
    def ids(phone: dict, closes_at: str = "12") -> tuple[str, str]:
        schedule = {"byday": "MO", "opens_at": "9", "closes_at": closes_at}
        clean = normalise_service(_record() | {"phones": [phone], "schedules": [schedule]}, _ctx()).record
        return clean["phones"][0]["id"], clean["schedules"][0]["id"]

    first = ids({"number": "01632 960000"})
    assert ids({"number": "01632 960000", "description": "Reception"}, closes_at="13") == first
    assert ids({"number": "01632 960001"})[0] != first[0]
