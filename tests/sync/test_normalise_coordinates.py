"""Coordinates: in range, never (0, 0), swapped back when a feed swapped them."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.context import Notes
from directory.sync.normalise.coordinates import normalise_coordinates


def _coords(lat, lon, region="GB") -> tuple[dict, Notes]:
    notes = Notes()
    return normalise_coordinates({"latitude": lat, "longitude": lon}, region, notes, "loc"), notes


@pytest.mark.parametrize(
    "lat, lon, region, expected",
    [
        (52.415514, -1.066588, "GB", (52.415514, -1.066588)),
        ("52.4155", "-1.0666", "GB", (52.4155, -1.0666)),
        ("52,4155", "-1,0666", "GB", (52.4155, -1.0666)),
        (48.8566, 2.3522, "FR", (48.8566, 2.3522)),
        (40.7128, -74.006, "GB", (40.7128, -74.006)),  # outside the region but not swapped: kept
        (-33.86, 151.21, "ZZ", (-33.86, 151.21)),
    ],
)
def test_coordinates_in_range_are_kept_as_numbers(lat, lon, region, expected):
    location, notes = _coords(lat, lon, region)
    assert (location["latitude"], location["longitude"]) == expected
    assert notes.warnings == [] and notes.reasons == []


@pytest.mark.parametrize(
    "lat, lon, region, expected",
    [
        (-1.06, 52.4, "GB", (52.4, -1.06)),
        (2.3522, 48.8566, "FR", (48.8566, 2.3522)),
        (-74.006, 40.7128, "US", (40.7128, -74.006)),
        (151.21, -33.86, "AU", (-33.86, 151.21)),
    ],
)
def test_swapped_coordinates_inside_the_region_once_swapped_back_are_swapped_back(lat, lon, region, expected):
    location, notes = _coords(lat, lon, region)
    assert (location["latitude"], location["longitude"]) == expected
    assert notes.warnings == [f"loc: latitude {lat} and longitude {lon} were swapped; swapped back"]


def test_a_pair_that_only_swapping_would_bring_in_range_is_dropped_without_a_known_region():
    location, notes = _coords(151.21, -33.86, "ZZ")
    assert location == {} and notes.reasons == []
    assert notes.warnings == ["loc: coordinates (151.21, -33.86) are out of range"
                              " (latitude -90 to 90, longitude -180 to 180); dropped"]


def test_zero_zero_is_a_placeholder_and_is_dropped_with_a_warning():
    location, notes = _coords(0, 0)
    assert location == {}
    assert notes.warnings == ["loc: coordinates (0, 0) are a placeholder; dropped"]


@pytest.mark.parametrize(
    "lat, lon",
    [(100, -1.0), (52.4, 181), (-91, 0.5)],
)
def test_coordinates_out_of_range_are_dropped_with_a_warning_and_the_record_kept(lat, lon):
    location, notes = _coords(lat, lon)
    assert location == {} and notes.reasons == []
    assert len(notes.warnings) == 1 and "out of range" in notes.warnings[0]


@pytest.mark.parametrize("lat, lon", [("north", -1.0), (52.4, None), (float("nan"), 1.0), ("inf", 2.0)])
def test_a_coordinate_that_is_not_a_number_drops_the_pair_with_a_warning(lat, lon):
    location, notes = _coords(lat, lon)
    assert location == {}
    assert len(notes.warnings) == 1 and "coordinates dropped" in notes.warnings[0]
    assert notes.reasons == []


def test_the_official_example_location_with_latitude_100_keeps_its_place_without_a_pin():
    record = {
        "id": "s1",
        "name": "Counselling",
        "status": "active",
        "organization_id": "o1",
        "service_at_locations": [
            {"location": {"id": "L1", "location_type": "physical", "latitude": 100, "longitude": 101}}
        ],
    }
    ctx = NormaliseContext("geo-feed", "GB", "Europe/London", CategoryMapper([]))
    result = normalise_service(record, ctx)
    location = result.record["service_at_locations"][0]["location"]
    assert "latitude" not in location and "longitude" not in location
    assert any(w.startswith("service.service_at_locations[0].location: coordinates (100, 101)") for w in result.warnings)
