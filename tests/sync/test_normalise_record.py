"""A whole record: fixed and warned about when it can be, refused with every reason when not."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from directory.hsds.nested import flatten
from directory.instance import init_instance
from directory.store import Source, save_record
from directory.sync.normalise import CategoryMapper, InvalidRecord, NormaliseContext, normalise_service
from directory.taxonomy.load import read_taxonomy

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "examples" / "service_full.json"


def _ctx(region: str = "GB") -> NormaliseContext:
    return NormaliseContext(
        "rec-feed", region, "Europe/London", CategoryMapper.from_taxonomy(read_taxonomy())
    )


def _official_example(fix_coordinates: bool = True) -> dict:
    record = json.loads(EXAMPLE.read_text())
    if fix_coordinates:
        for location in (
            record["organization"]["locations"][0],
            record["service_at_locations"][0]["location"],
        ):
            location["latitude"], location["longitude"] = 52.4, -1.06
    return record


def _address(**extra) -> dict:
    address = {
        "address_1": "1 Main St",
        "city": "Kingsmere",
        "state_province": "Kingsmereshire",
        "postal_code": "KM1 1AA",
        "country": "GB",
        "address_type": "physical",
    }
    return {k: v for k, v in (address | extra).items() if v is not None}


def test_the_official_example_keeps_its_service_and_drops_its_latitude_of_100_in_both_places():
    result = normalise_service(_official_example(fix_coordinates=False), _ctx())
    out_of_range = [w for w in result.warnings if "out of range" in w]
    assert [w.split(":")[0] for w in out_of_range] == [
        "service.organization.locations[0]",
        "service.service_at_locations[0].location",
    ]
    assert "latitude" not in result.record["service_at_locations"][0]["location"]
    assert result.source_id == "ac148810-d857-441c-9679-408f346de14b"


def test_the_official_example_with_real_coordinates_is_accepted_and_flattens_for_the_store():
    result = normalise_service(_official_example(), _ctx())
    assert result.record["phones"][0]["number"] == "+441234234567"
    assert result.record["schedules"][0]["opens_at"] == "10:00"
    assert result.unmapped_terms == {("taxonomy", "code", "name")}
    flat = flatten("services", result.record)
    assert {row.table for row in flat.rows} >= {
        "services",
        "organizations",
        "locations",
        "phones",
        "schedules",
    }


def test_every_reason_a_record_cannot_be_stored_is_listed_at_once_and_only_its_own_fields_refuse_it():
    record = {
        "id": "bad-1",
        "status": "sort of",
        "organization": {"id": "o1", "description": "No name"},
        "phones": [{"id": "p1"}],
        "service_at_locations": [
            {
                "location": {
                    "id": "L1",
                    "location_type": "physical",
                    "latitude": 95,
                    "longitude": 1,
                    "addresses": [_address(city=None, postal_code=None)],
                }
            }
        ],
        "schedules": [{"byday": "MO", "opens_at": "25:00"}],
    }
    with pytest.raises(InvalidRecord) as error:
        normalise_service(record, _ctx())
    # The bad organization, phone, address and schedule would each be dropped; the service's own
    # fields are what refuse it.
    assert error.value.reasons == [
        "service: status 'sort of' is not one of active, inactive, defunct, temporarily closed",
        "service: name is required by HSDS but missing",
    ]


def test_a_service_without_any_organization_is_refused():
    with pytest.raises(InvalidRecord) as error:
        normalise_service({"id": "s", "name": "Orphan", "status": "active"}, _ctx())
    assert error.value.reasons == [
        "service: has no organization (neither an 'organization' nor an 'organization_id')"
    ]


def test_an_organization_with_only_a_name_gets_the_name_as_its_required_description_with_a_warning():
    record = {
        "id": "s",
        "name": "S",
        "status": "active",
        "organization": {"id": "o", "name": "Riverside Law Centre"},
    }
    result = normalise_service(record, _ctx())
    assert result.record["organization"]["description"] == "Riverside Law Centre"
    assert result.warnings == ["service.organization: no description; used its name"]


def test_an_organization_with_neither_name_nor_description_is_dropped_and_its_id_kept_as_a_reference():
    record = {"id": "s", "name": "S", "status": "active", "organization": {"id": "o", "email": "a@b.org"}}
    result = normalise_service(record, _ctx())
    assert "organization" not in result.record
    assert result.warnings == [
        "service.organization: name, description are required by HSDS but missing; organization dropped"
    ]
    [(organization_id, reference)] = result.organization_references.items()
    assert result.record["organization_id"] == organization_id and reference.reference == "o"


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidRecord) as error:
        normalise_service(["not", "a", "service"], _ctx())  # type: ignore[arg-type]
    assert error.value.reasons == ["service: must be an object, not list"]


def _service(**extra) -> dict:
    return {"id": "s1", "name": "Advice", "status": "active", "organization_id": "o1"} | extra


def test_fixable_problems_are_fixed_and_warned_about_not_refused():
    record = _service(
        status="Open",
        email="nobody",
        minimum_age="18",
        maximum_age="old",
        assured_date="15/03/2024",
        last_modified="yesterday",
        phones={"number": "01632 960123"},
        favourite_colour="blue",
    )
    result = normalise_service(record, _ctx())
    clean = result.record
    assert clean["status"] == "active"
    assert "email" not in clean and "maximum_age" not in clean and "last_modified" not in clean
    assert (clean["minimum_age"], clean["assured_date"]) == (18, "2024-03-15")
    assert clean["phones"][0]["number"] == "+441632960123"
    assert "favourite_colour" not in clean
    assert result.warnings == [
        "service: ignored fields that are not HSDS 3.0: favourite_colour",
        "service: email: 'nobody' is not an e-mail address; dropped",
        "service: maximum_age 'old' is not a number; dropped",
        "service: last_modified 'yesterday' is not an ISO 8601 date and time; dropped",
        "service.phones: must be a list; read the single object as one item",
        "service.phones: 1 without an id; each given a stable one derived from its service and what it is",
    ]


@pytest.mark.parametrize(
    "status, expected",
    [
        ("ACTIVE", "active"),
        ("temporarily_closed", "temporarily closed"),
        ("Suspended", "temporarily closed"),
        ("closed", "inactive"),
        ("discontinued", "defunct"),
    ],
)
def test_service_status_words_become_the_hsds_ones(status, expected):
    assert normalise_service(_service(status=status), _ctx()).record["status"] == expected


def test_a_missing_status_is_taken_as_active_with_a_warning():
    record = _service()
    del record["status"]
    result = normalise_service(record, _ctx())
    assert result.record["status"] == "active"
    assert result.warnings == ["service: no status; taken as active"]


def test_an_unknown_status_refuses_the_record():
    with pytest.raises(InvalidRecord) as error:
        normalise_service(_service(status="maybe"), _ctx())
    assert error.value.reasons == [
        "service: status 'maybe' is not one of active, inactive, defunct, temporarily closed"
    ]


def _with_address(region: str = "GB", location_type: str | None = "physical", **address) -> dict:
    location = {"id": "L1", "addresses": [_address(**address)]}
    if location_type:
        location["location_type"] = location_type
    record = _service(service_at_locations=[{"location": location}])
    return normalise_service(record, _ctx(region)).__dict__


def test_an_address_without_country_gets_the_instance_country_with_a_warning():
    result = _with_address(country=None)
    assert result["record"]["service_at_locations"][0]["location"]["addresses"][0]["country"] == "GB"
    assert (
        "service.service_at_locations[0].location.addresses[0]: no country; taken as GB" in result["warnings"]
    )


@pytest.mark.parametrize(
    "country, expected",
    [("United Kingdom", "GB"), ("uk", "GB"), ("England", "GB"), ("fr", "FR"), ("GBR", "GB")],
)
def test_country_names_become_iso_codes(country, expected):
    result = _with_address(country=country)
    assert result["record"]["service_at_locations"][0]["location"]["addresses"][0]["country"] == expected


def test_missing_location_and_address_types_are_filled_with_warnings():
    result = _with_address(location_type=None, address_type=None)
    location = result["record"]["service_at_locations"][0]["location"]
    assert (location["location_type"], location["addresses"][0]["address_type"]) == ("physical", "physical")
    assert result["warnings"] == [
        "service.service_at_locations[0].location: no location_type; taken as physical",
        "service.service_at_locations[0].location.addresses[0]: no address_type; taken as physical",
        "service.service_at_locations[0].location.addresses: 1 without an id; each given a stable one derived"
        " from its location and what it is",
        "service.service_at_locations: 1 without an id; each given a stable one derived from its service and"
        " what it is",
    ]


def test_the_input_record_is_never_changed():
    record = _official_example()
    before = copy.deepcopy(record)
    normalise_service(record, _ctx())
    assert record == before


def test_incoming_metadata_is_left_out_silently():
    result = normalise_service(_service(metadata=[{"id": "m1", "resource_type": "service"}]), _ctx())
    assert "metadata" not in result.record
    assert result.warnings == []


def test_empty_values_are_left_out_so_the_store_clears_them():
    result = normalise_service(
        _service(description="   ", email="", url=None, alert="<script>x</script>"), _ctx()
    )
    assert not {"description", "email", "url", "alert"} & set(result.record)


def test_a_normalised_record_is_saved_by_the_store_and_an_unchanged_second_sync_changes_nothing(tmp_path):
    db = init_instance(tmp_path / "instance").directory()
    try:
        result = normalise_service(_official_example(), _ctx())
        source = Source("feed:rec-feed")
        with db.atomic():
            first = save_record(db, "services", result.record, source, result.source_id)
        again = normalise_service(_official_example(), _ctx())
        with db.atomic():
            second = save_record(db, "services", again.record, source, again.source_id)
        assert (first.value, second.value) == ("created", "unchanged")
        (number,) = db.execute(
            "SELECT number FROM phones WHERE service_id = ?", [result.record["id"]]
        ).fetchone()
        assert number == "+441234234567"
    finally:
        db.close()
