"""Single values: numbers and dates as HSDS types, or nothing when they are not one."""

from __future__ import annotations

import pytest

from directory.sync.normalise.fields import to_date, to_datetime, to_number


@pytest.mark.parametrize(
    "raw, expected",
    [
        (12, 12),
        ("12", 12),
        (" 7.5 ", 7.5),
        (12.0, 12),
        ("52,4153", 52.4153),
        ("-1,0665", -1.0665),
        ("1e3", 1000),
        ("+3", 3),
    ],
)
def test_numbers_and_numeric_text_become_numbers_whole_ones_as_int(raw, expected):
    number = to_number(raw)
    assert number == expected and type(number) is type(expected)


@pytest.mark.parametrize(
    "raw", ["twelve", "1,000", "nan", "inf", "1e400", float("nan"), float("inf"), True, None, "0x10", "", [1]]
)
def test_values_that_are_not_finite_unambiguous_numbers_are_not_numbers(raw):
    assert to_number(raw) is None


@pytest.mark.parametrize(
    "raw, region, expected",
    [
        ("2023-03-15", "GB", "2023-03-15"),
        ("2023-3-5", "GB", "2023-03-05"),
        ("2023-03-15T10:30:00Z", "GB", "2023-03-15"),
        ("15/03/2023", "GB", "2023-03-15"),
        ("15.03.2023", "DE", "2023-03-15"),
        ("03/15/2023", "US", "2023-03-15"),
    ],
)
def test_dates_become_iso_dates_reading_day_and_month_in_the_regions_order(raw, region, expected):
    assert to_date(raw, region) == expected


@pytest.mark.parametrize("raw", ["31/02/2023", "2023-13-01", "yesterday", "15/03/23", 20230315])
def test_impossible_or_unreadable_dates_are_not_dates(raw):
    assert to_date(raw, "GB") is None


@pytest.mark.parametrize("raw", ["2023-03-15T10:30:45.123Z", "2023-03-15T10:30:45+01:00", "2023-03-15"])
def test_iso_date_times_are_kept_as_written(raw):
    assert to_datetime(raw) == raw


@pytest.mark.parametrize("raw", ["10:30", "15/03/2023 10:30", "soon", 1678876245])
def test_other_date_times_are_not_date_times(raw):
    assert to_datetime(raw) is None
