"""Schedules: weekdays to RRULE `byday`, times to "HH:MM", and opening hours that make sense.

"Monday", "Mon", "MO", 1, "mon-fri" and "weekdays" become `byday` with `freq`
WEEKLY; "9am", "09.00", "17h" and "noon" become "HH:MM". A time that cannot be
("25:00") refuses the record; so does closing before opening, unless the hours
cross midnight (a night shelter open 20:00 to 08:00), which is kept with a warning.
A schedule with only a description such as "Mon-Fri 9-5" gets its fields from it.
Times are local to the instance's timezone.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from directory.sync.normalise.context import Notes, shown
from directory.sync.normalise.fields import to_number
from directory.sync.normalise.times import (
    ClockTime,
    ImpossibleTime,
    find_hours,
    parse_days,
    parse_range,
    parse_time,
)

# Columns this module reads itself, before any generic type coercion.
OWN_COLUMNS = frozenset(
    {"opens_at", "closes_at", "timezone", "byday", "byweekno", "bymonthday", "byyearday", "freq", "wkst"}
)
LIST_COLUMNS = frozenset({"byday", "byweekno", "bymonthday", "byyearday"})
# Keys older layouts (HSDS 1.x, ORUK regular_schedules) use for the day.
LEGACY_DAY_KEYS = ("weekday", "weekdays", "days", "day")

_FREQ = {
    "weekly": "WEEKLY",
    "every week": "WEEKLY",
    "monthly": "MONTHLY",
    "every month": "MONTHLY",
    "daily": "DAILY",
    "every day": "DAILY",
    "fortnightly": "FORTNIGHTLY",
    "biweekly": "FORTNIGHTLY",
    "every two weeks": "FORTNIGHTLY",
    "every other week": "FORTNIGHTLY",
}
_NUMBER_LISTS = {"byweekno": 53, "bymonthday": 31, "byyearday": 366}


def normalise_schedule(schedule: dict, legacy_days: list, timezone: str, notes: Notes, path: str) -> dict:
    schedule = dict(schedule)
    _days(schedule, legacy_days, notes, path)
    _frequency(schedule, notes, path)
    for column, limit in _NUMBER_LISTS.items():
        _number_list(schedule, column, limit, notes, path)
    _wkst(schedule, notes, path)
    _interval(schedule, notes, path)
    _timezone(schedule, timezone, notes, path)
    _times(schedule, timezone, notes, path)
    _from_description(schedule, notes, path)
    return schedule


def _days(schedule: dict, legacy_days: list, notes: Notes, path: str) -> None:
    values = [v for v in [schedule.get("byday"), *legacy_days] if v is not None and v != ""]
    if not values:
        schedule.pop("byday", None)
        return
    days, unknown = parse_days(values if len(values) > 1 else values[0])
    if unknown:
        notes.warn(path, f"ignored day(s) that are not weekdays: {', '.join(shown(u) for u in unknown)}")
    if days:
        schedule["byday"] = ",".join(days)
    else:
        schedule.pop("byday", None)


def _frequency(schedule: dict, notes: Notes, path: str) -> None:
    freq = schedule.get("freq")
    ordinal = any(re.match(r"^[+-]?\d", d) for d in (schedule.get("byday") or "").split(",") if d)
    if isinstance(freq, str) and freq.strip():
        key = freq.strip().casefold()
        found = _FREQ.get(key) or (key.upper() if key.upper() in ("WEEKLY", "MONTHLY") else None)
        if found == "DAILY":
            found = "WEEKLY"
            if not schedule.get("byday"):
                schedule["byday"] = "MO,TU,WE,TH,FR,SA,SU"
            notes.warn(path, "freq DAILY is not in HSDS; written as WEEKLY on every day")
        elif found == "FORTNIGHTLY":
            found = "WEEKLY"
            if schedule.get("interval") in (None, 1):
                schedule["interval"] = 2
            notes.warn(path, f"freq {shown(freq)} written as WEEKLY with interval {schedule['interval']}")
        if found is None:
            notes.warn(path, f"freq {shown(freq)} is not WEEKLY or MONTHLY; dropped")
            schedule.pop("freq")
        else:
            schedule["freq"] = found
    elif freq is not None:
        notes.warn(path, f"freq {shown(freq)} is not WEEKLY or MONTHLY; dropped")
        schedule.pop("freq")
    if schedule.get("byday") and "freq" not in schedule:
        schedule["freq"] = "MONTHLY" if ordinal else "WEEKLY"
    if ordinal and schedule.get("freq") == "WEEKLY":
        schedule["freq"] = "MONTHLY"
        notes.warn(path, f"byday {schedule['byday']} names weeks of the month; freq set to MONTHLY")


def _number_list(schedule: dict, column: str, limit: int, notes: Notes, path: str) -> None:
    value = schedule.get(column)
    if value is None:
        return
    items = value if isinstance(value, list) else re.split(r"[\s,;]+", str(value).strip())
    numbers = []
    for item in items:
        number = to_number(item)
        if not isinstance(number, int) or not 1 <= abs(number) <= limit:
            notes.warn(path, f"{column} {shown(value)} is not a list of whole numbers up to {limit}; dropped")
            schedule.pop(column)
            return
        numbers.append(str(number))
    if numbers:
        schedule[column] = ",".join(numbers)
    else:
        schedule.pop(column)


def _wkst(schedule: dict, notes: Notes, path: str) -> None:
    value = schedule.get("wkst")
    if value is None:
        return
    days, unknown = parse_days(value)
    if len(days) == 1 and not unknown and len(days[0]) == 2:
        schedule["wkst"] = days[0]
    else:
        notes.warn(path, f"wkst {shown(value)} is not one weekday; dropped")
        schedule.pop("wkst")


def _interval(schedule: dict, notes: Notes, path: str) -> None:
    for column in ("interval", "count"):
        value = schedule.get(column)
        if value is not None and not (isinstance(value, int) and value >= 1):
            notes.warn(path, f"{column} {shown(value)} is not a whole number of at least 1; dropped")
            schedule.pop(column)


def _timezone(schedule: dict, timezone: str, notes: Notes, path: str) -> None:
    """HSDS `timezone` is a UTC offset in hours; a zone name is dropped (times are local)."""
    value = schedule.get("timezone")
    if value is None:
        return
    number = to_number(value)
    if number is None and isinstance(value, str):
        offset = re.fullmatch(r"(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", value.strip().casefold())
        if offset:
            number = (int(offset.group(2)) + int(offset.group(3) or 0) / 60) * (
                -1 if offset.group(1) == "-" else 1
            )
            number = int(number) if float(number).is_integer() else number
    if number is not None and not isinstance(number, bool) and -12 <= number <= 14:
        schedule["timezone"] = number
        return
    schedule.pop("timezone")
    if isinstance(value, str) and value.strip() == timezone:
        return
    notes.warn(
        path, f"timezone {shown(value)} is not a UTC offset; times are read as local times in {timezone}"
    )


def _times(schedule: dict, timezone: str, notes: Notes, path: str) -> None:
    opens_raw, closes_raw = schedule.get("opens_at"), schedule.get("closes_at")
    if isinstance(opens_raw, str) and closes_raw is None and (pair := parse_range(opens_raw)):
        notes.warn(path, f"opens_at {shown(opens_raw)} is a range; split into opens_at and closes_at")
        opens, closes = pair
    else:
        opens = _time(schedule, "opens_at", notes, path)
        closes = _time(schedule, "closes_at", notes, path)
    offsets = _zone_offsets(timezone)
    for column, time in (("opens_at", opens), ("closes_at", closes)):
        if time is None:
            schedule.pop(column, None)
            continue
        if time.offset_minutes is not None and offsets and time.offset_minutes not in offsets:
            notes.warn(
                path,
                f"{column} {shown(schedule.get(column))} has a UTC offset that is not {timezone}'s; kept the clock time",
            )
        schedule[column] = time.text
    if opens is None or closes is None:
        return
    if closes.bare and closes.minutes < opens.minutes < closes.minutes + 720:
        closes = closes.plus_twelve_hours()
        schedule["closes_at"] = closes.text
        notes.warn(
            path, f"closes_at {shown(closes_raw)} read as {closes.text}, after opening at {opens.text}"
        )
    if opens.text == "24:00":
        schedule["opens_at"] = "00:00"
        opens = ClockTime("00:00")
    if opens.minutes == closes.minutes and opens.minutes != 0:
        notes.refuse(path, f"opens and closes at the same time ({opens.text})")
    elif opens.minutes > closes.minutes:
        if opens.minutes >= 12 * 60 and closes.minutes <= 12 * 60:
            notes.warn(path, f"open from {opens.text} to {closes.text} crosses midnight")
        else:
            notes.refuse(path, f"opens at {opens.text}, after it closes at {closes.text}")


def _time(schedule: dict, column: str, notes: Notes, path: str) -> ClockTime | None:
    value = schedule.get(column)
    if value is None:
        return None
    try:
        time = parse_time(value)
    except ImpossibleTime as error:
        notes.refuse(path, f"{column} is an impossible time: {error}")
        return None
    if time is None:
        notes.warn(path, f"{column} {shown(value)} is not a time; dropped")
    return time


def _from_description(schedule: dict, notes: Notes, path: str) -> None:
    description = schedule.get("description")
    if not isinstance(description, str) or any(
        schedule.get(c) for c in ("byday", "opens_at", "closes_at", "freq")
    ):
        return
    found = find_hours(description)
    if found is None:
        return
    days, opens, closes = found
    schedule.update(freq="WEEKLY", byday=",".join(days), opens_at=opens.text, closes_at=closes.text)
    if any(re.match(r"^[+-]?\d", d) for d in days):
        schedule["freq"] = "MONTHLY"
    notes.warn(path, f"read {schedule['byday']} {opens.text}-{closes.text} from the description")


@functools.lru_cache(maxsize=64)
def _zone_offsets(timezone: str) -> frozenset[int]:
    """The UTC offsets (minutes) the zone uses in winter and summer; empty if unknown."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return frozenset()
    found = set()
    for month in (1, 7):
        offset = datetime(2025, month, 1, 12, tzinfo=zone).utcoffset()
        if offset is not None:
            found.add(int(offset.total_seconds() // 60))
    return frozenset(found)
