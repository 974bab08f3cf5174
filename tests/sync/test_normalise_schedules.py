"""Schedules: weekdays to byday, times to HH:MM, impossible hours refused, night hours kept."""

from __future__ import annotations

import pytest

from directory.sync.normalise import NormaliseContext, normalise_service
from directory.sync.normalise.categories import CategoryMapper
from directory.sync.normalise.context import Notes
from directory.sync.normalise.schedules import normalise_schedule
from directory.sync.normalise.times import ImpossibleTime, find_hours, parse_days, parse_time

TIMES = [
    ("9am", "09:00"),
    ("9 am", "09:00"),
    ("9:00", "09:00"),
    ("09.00", "09:00"),
    ("9:00 AM", "09:00"),
    ("9.30 a.m.", "09:30"),
    ("5 PM", "17:00"),
    ("5:45pm", "17:45"),
    ("17h", "17:00"),
    ("17h30", "17:30"),
    ("0900", "09:00"),
    ("1730", "17:30"),
    ("10:00:00", "10:00"),
    ("noon", "12:00"),
    ("Midday", "12:00"),
    ("midnight", "00:00"),
    ("12am", "00:00"),
    ("12pm", "12:00"),
    ("24:00", "24:00"),
    (13, "13:00"),
]


@pytest.mark.parametrize("raw, expected", TIMES)
def test_times_written_many_ways_become_hh_mm(raw, expected):
    parsed = parse_time(raw)
    assert parsed is not None and parsed.text == expected


@pytest.mark.parametrize("raw", ["25:00", "9:75", "13pm", "24:30", "99"])
def test_text_written_as_a_time_that_cannot_be_one_is_impossible(raw):
    with pytest.raises(ImpossibleTime):
        parse_time(raw)


@pytest.mark.parametrize("raw", ["whenever", "by appointment", "", 9.5, None, True])
def test_text_that_is_not_written_as_a_time_is_not_a_time(raw):
    assert parse_time(raw) is None


DAYS = [
    ("Monday", ["MO"]),
    ("Mon", ["MO"]),
    ("MO", ["MO"]),
    (1, ["MO"]),
    ("1", ["MO"]),
    (7, ["SU"]),
    (0, ["SU"]),
    ("mon-fri", ["MO", "TU", "WE", "TH", "FR"]),
    ("Monday to Friday", ["MO", "TU", "WE", "TH", "FR"]),
    ("weekdays", ["MO", "TU", "WE", "TH", "FR"]),
    ("weekends", ["SA", "SU"]),
    ("every day", ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
    ("Mon, Wed & Fri", ["MO", "WE", "FR"]),
    ("Tues/Thurs", ["TU", "TH"]),
    ("Mondays and Thursdays", ["MO", "TH"]),
    ("Fri-Mon", ["MO", "FR", "SA", "SU"]),
    ("SU,MO", ["MO", "SU"]),
    ([1, 3, "Sat"], ["MO", "WE", "SA"]),
    ("first monday", ["1MO"]),
    ("last Friday", ["-1FR"]),
    ("-1FR", ["-1FR"]),
]


@pytest.mark.parametrize("raw, expected", DAYS)
def test_weekday_names_numbers_and_ranges_become_rrule_days(raw, expected):
    assert parse_days(raw) == (expected, [])


@pytest.mark.parametrize("raw", ["closed mondays", "every day except Sunday", "funday", 8])
def test_day_text_that_is_not_simply_days_is_reported_not_guessed(raw):
    days, unknown = parse_days(raw)
    assert days == [] and unknown


@pytest.mark.parametrize(
    "text, days, opens, closes",
    [
        ("Mon-Fri 9-5", "MO,TU,WE,TH,FR", "09:00", "17:00"),
        ("Weekdays 9am to 5pm", "MO,TU,WE,TH,FR", "09:00", "17:00"),
        ("Tuesdays 1-4", "TU", "13:00", "16:00"),
        ("Monday to Friday, 9:30am - 4.30pm", "MO,TU,WE,TH,FR", "09:30", "16:30"),
        ("Saturday 10:00-13:00", "SA", "10:00", "13:00"),
    ],
)
def test_simple_hours_in_a_sentence_are_found(text, days, opens, closes):
    found = find_hours(text)
    assert found is not None
    assert (",".join(found[0]), found[1].text, found[2].text) == (days, opens, closes)


@pytest.mark.parametrize(
    "text",
    [
        "Mon 9-12, Wed 2-4",
        "Closed on Mondays 9-5",
        "Sun Street clinic 9-5",
        "Call 0800 111 222",
        "open 2005-01-01 onwards",
    ],
)
def test_sentences_that_are_not_one_simple_range_are_left_alone(text):
    assert find_hours(text) is None


def _schedule(raw: dict, legacy: list | None = None, timezone: str = "Europe/London") -> tuple[dict, Notes]:
    notes = Notes()
    return normalise_schedule(raw, legacy or [], timezone, notes, "s"), notes


def test_a_schedule_gets_byday_with_weekly_frequency_and_hh_mm_times():
    schedule, notes = _schedule({"byday": "Mon-Fri", "opens_at": "9am", "closes_at": "5:30 PM"})
    assert schedule == {
        "byday": "MO,TU,WE,TH,FR",
        "freq": "WEEKLY",
        "opens_at": "09:00",
        "closes_at": "17:30",
    }
    assert notes.warnings == [] and notes.reasons == []


def test_a_day_in_the_older_weekday_field_becomes_byday():
    schedule, _ = _schedule({"opens_at": "10:00", "closes_at": "12:00"}, legacy=["Tuesday"])
    assert schedule["byday"] == "TU" and schedule["freq"] == "WEEKLY"


def test_an_impossible_time_refuses_the_record_with_the_reason():
    _, notes = _schedule({"byday": "MO", "opens_at": "25:00", "closes_at": "17:00"})
    assert notes.reasons == ["s: opens_at is an impossible time: '25:00' is not a time of day"]


def test_closing_before_opening_in_the_same_day_refuses_the_record():
    _, notes = _schedule({"byday": "MO", "opens_at": "10:00", "closes_at": "09:00"})
    assert notes.reasons == ["s: opens at 10:00, after it closes at 09:00"]


def test_opening_and_closing_at_the_same_time_refuses_the_record():
    _, notes = _schedule({"opens_at": "09:00", "closes_at": "9am"})
    assert notes.reasons == ["s: opens and closes at the same time (09:00)"]


def test_hours_crossing_midnight_are_kept_with_a_warning():
    schedule, notes = _schedule({"byday": "FR,SA", "opens_at": "8pm", "closes_at": "8am"})
    assert (schedule["opens_at"], schedule["closes_at"]) == ("20:00", "08:00")
    assert notes.reasons == []
    assert notes.warnings == ["s: open from 20:00 to 08:00 crosses midnight"]


def test_a_bare_closing_hour_before_the_opening_is_read_as_afternoon_with_a_warning():
    schedule, notes = _schedule({"opens_at": "9", "closes_at": "5"})
    assert (schedule["opens_at"], schedule["closes_at"]) == ("09:00", "17:00")
    assert notes.reasons == []
    assert notes.warnings == ["s: closes_at '5' read as 17:00, after opening at 09:00"]


def test_a_range_in_opens_at_is_split_into_opening_and_closing():
    schedule, notes = _schedule({"opens_at": "9am-5pm"})
    assert (schedule["opens_at"], schedule["closes_at"]) == ("09:00", "17:00")
    assert notes.warnings == ["s: opens_at '9am-5pm' is a range; split into opens_at and closes_at"]


def test_a_time_that_is_not_a_time_is_dropped_with_a_warning():
    schedule, notes = _schedule({"opens_at": "by appointment", "closes_at": "17:00"})
    assert "opens_at" not in schedule and schedule["closes_at"] == "17:00"
    assert notes.warnings == ["s: opens_at 'by appointment' is not a time; dropped"]
    assert notes.reasons == []


def test_a_description_with_simple_hours_fills_the_empty_structured_fields():
    schedule, notes = _schedule({"description": "Mon-Fri 9-5"})
    assert schedule == {
        "description": "Mon-Fri 9-5",
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR",
        "opens_at": "09:00",
        "closes_at": "17:00",
    }
    assert notes.warnings == ["s: read MO,TU,WE,TH,FR 09:00-17:00 from the description"]


def test_a_description_does_not_override_structured_fields():
    schedule, _ = _schedule({"description": "Mon-Fri 9-5", "byday": "SA"})
    assert schedule == {"description": "Mon-Fri 9-5", "byday": "SA", "freq": "WEEKLY"}


@pytest.mark.parametrize(
    "freq, expected", [("weekly", "WEEKLY"), ("Monthly", "MONTHLY"), ("WEEKLY", "WEEKLY")]
)
def test_frequencies_are_written_in_capitals(freq, expected):
    assert _schedule({"freq": freq})[0]["freq"] == expected


def test_a_daily_frequency_becomes_weekly_on_every_day():
    schedule, notes = _schedule({"freq": "daily", "opens_at": "8:00", "closes_at": "20:00"})
    assert (schedule["freq"], schedule["byday"]) == ("WEEKLY", "MO,TU,WE,TH,FR,SA,SU")
    assert notes.warnings == ["s: freq DAILY is not in HSDS; written as WEEKLY on every day"]


def test_a_fortnightly_frequency_becomes_weekly_every_two_weeks():
    schedule, _ = _schedule({"freq": "fortnightly", "byday": "WE"})
    assert (schedule["freq"], schedule["interval"]) == ("WEEKLY", 2)


def test_days_of_the_month_make_the_frequency_monthly():
    schedule, _ = _schedule({"byday": "first Monday"})
    assert (schedule["byday"], schedule["freq"]) == ("1MO", "MONTHLY")


def test_a_timezone_name_is_dropped_as_times_are_local_and_an_offset_is_kept():
    assert "timezone" not in _schedule({"timezone": "Europe/London"})[0]
    assert _schedule({"timezone": "+05:30"})[0]["timezone"] == 5.5
    assert _schedule({"timezone": 3})[0]["timezone"] == 3
    schedule, notes = _schedule({"timezone": "America/New_York"})
    assert "timezone" not in schedule
    assert notes.warnings == [
        "s: timezone 'America/New_York' is not a UTC offset; times are read as local times in Europe/London"
    ]


def test_a_utc_offset_on_a_time_outside_the_instance_zone_is_warned_about():
    schedule, notes = _schedule({"opens_at": "10:00+05:00"})
    assert schedule["opens_at"] == "10:00"
    assert notes.warnings == [
        "s: opens_at '10:00+05:00' has a UTC offset that is not Europe/London's; kept the clock time"
    ]
    assert _schedule({"opens_at": "10:00+01:00"})[1].warnings == []


def test_invalid_day_lists_and_week_start_are_dropped_with_warnings():
    schedule, notes = _schedule({"bymonthday": "1,45", "byweekno": [1, 2], "wkst": "funday"})
    assert schedule == {"byweekno": "1,2"}
    assert notes.warnings == [
        "s: bymonthday '1,45' is not a list of whole numbers up to 31; dropped",
        "s: wkst 'funday' is not one weekday; dropped",
    ]


def _ctx() -> NormaliseContext:
    return NormaliseContext("hours-feed", "GB", "Europe/London", CategoryMapper([]))


def test_schedules_under_locations_and_service_at_locations_are_normalised_and_checked():
    record = {
        "id": "s1",
        "name": "Night shelter",
        "status": "active",
        "organization_id": "o1",
        "service_at_locations": [
            {
                "schedules": [{"byday": "daily", "opens_at": "21:00", "closes_at": "7am"}],
                "location": {"id": "L1", "location_type": "physical", "schedules": [{"opens_at": "9:75"}]},
            }
        ],
    }
    result = normalise_service(record, _ctx())
    # A schedule that cannot be is dropped with its reason; the service lands.
    assert (
        "service.service_at_locations[0].location.schedules[0]: opens_at is an impossible time: '9:75' has 75"
        " minutes; schedule dropped" in result.warnings
    )
    assert result.record["service_at_locations"][0]["location"]["schedules"] == []
    assert "service.service_at_locations[0].schedules[0]: open from 21:00 to 07:00 crosses midnight" in result.warnings
