"""Reading clock times and weekdays the many ways people write them.

`parse_time("9am")` is "09:00"; so are "9:00", "09.00", "9:00 AM", "0900", "9h";
"17h30" is "17:30", "noon" "12:00". `parse_days("Mon-Fri")` is MO…FR, as are
"weekdays" and "monday to friday"; 1 is Monday and 7 (or 0) Sunday.
`find_hours("Mon-Fri 9-5")` finds days and hours written in a sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_WORDS = {
    "MO": ("monday", "mon", "mo"),
    "TU": ("tuesday", "tue", "tues", "tu"),
    "WE": ("wednesday", "wed", "weds", "we"),
    "TH": ("thursday", "thu", "thur", "thurs", "th"),
    "FR": ("friday", "fri", "fr"),
    "SA": ("saturday", "sat", "sa"),
    "SU": ("sunday", "sun", "su"),
}
DAY_OF_WORD = {word: day for day, words in _DAY_WORDS.items() for word in words}
DAY_OF_WORD.update({f"{words[0]}s": day for day, words in _DAY_WORDS.items()})  # "mondays"
_GROUPS = {
    "weekdays": DAYS[:5],
    "weekday": DAYS[:5],
    "workdays": DAYS[:5],
    "weekends": DAYS[5:],
    "weekend": DAYS[5:],
    "daily": DAYS,
    "everyday": DAYS,
    "m-f": DAYS[:5],
}
_PHRASES = (
    (r"\b(?:7|seven) days(?: a| per) week\b", "daily"),
    (r"\b(?:7|seven) days\b", "daily"),
    (r"\bevery ?day\b", "daily"),
    (r"\ball week\b", "daily"),
    (r"\bweek ?days\b", "weekdays"),
    (r"\bworking ?days\b", "weekdays"),
    (r"\bweek ?ends\b", "weekends"),
)
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
}
_FILLER = {
    "on",
    "every",
    "each",
    "and",
    "from",
    "the",
    "of",
    "in",
    "a",
    "month",
    "week",
    "only",
    "open",
    "s",
    "per",
}
_NEGATION = {"closed", "except", "not", "excluding", "apart", "no", "without"}
_RANGE_WORDS = r"\s+(?:to|through|thru|till|til|until)\s+"


def parse_days(value: object) -> tuple[list[str], list[str]]:
    """(days as RRULE BYDAY tokens in week order, parts that were not days)."""
    items = value if isinstance(value, list) else [value]
    plain: set[str] = set()
    ordinal: list[str] = []
    unknown: list[str] = []
    for item in items:
        if isinstance(item, bool) or item is None:
            unknown.append(str(item))
        elif isinstance(item, (int, float)):
            day = _day_of_number(item)
            (plain.add(day) if day else unknown.append(str(item)))
        elif isinstance(item, str):
            days, ords, bad = _parse_day_text(item)
            plain.update(days)
            ordinal.extend(o for o in ords if o not in ordinal)
            unknown.extend(bad)
        else:
            unknown.append(str(item))
    return [d for d in DAYS if d in plain] + ordinal, unknown


def _day_of_number(number: float) -> str | None:
    if float(number).is_integer() and 0 <= number <= 7:
        return DAYS[(int(number) - 1) % 7]
    return None


@functools.lru_cache(maxsize=4096)
def _parse_day_text(text: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(days, ordinal days, parts that are not days) of one text; remembered, as feeds repeat a few."""
    days, ordinal, unknown = _read_day_text(text)
    return frozenset(days), tuple(ordinal), tuple(unknown)


def _read_day_text(text: str) -> tuple[set[str], list[str], list[str]]:
    key = text.casefold().replace("–", "-").replace("—", "-").replace(".", " ")
    for pattern, word in _PHRASES:
        key = re.sub(pattern, word, key)
    key = re.sub(_RANGE_WORDS, "-", key)
    key = re.sub(r"\s*-\s*", "-", key)
    tokens = [t for t in re.split(r"[\s,;/&+|]+|\band\b", key) if t]
    if any(t in _NEGATION for t in tokens):
        return set(), [], [text]
    days: set[str] = set()
    ordinal: list[str] = []
    unknown: list[str] = []
    pending: int | None = None
    for token in tokens:
        if token in _ORDINALS:
            pending = _ORDINALS[token]
            continue
        prefixed = re.fullmatch(r"([+-]?[1-5])(mo|tu|we|th|fr|sa|su)", token)
        if prefixed:
            ordinal.append(f"{int(prefixed.group(1))}{prefixed.group(2).upper()}")
            continue
        found = _token_days(token)
        if found is None:
            if token not in _FILLER:
                unknown.append(token)
            continue
        if pending is not None and len(found) == 1:
            ordinal.append(f"{pending}{found[0]}")
        else:
            days.update(found)
        pending = None
    return days, ordinal, unknown


def _token_days(token: str) -> tuple[str, ...] | None:
    if token in _GROUPS:
        return _GROUPS[token]
    if token in DAY_OF_WORD:
        return (DAY_OF_WORD[token],)
    if re.fullmatch(r"\d", token):
        day = _day_of_number(int(token))
        return (day,) if day else None
    if "-" in token:
        start, _, end = token.partition("-")
        first, last = _token_days(start), _token_days(end)
        if first and last and len(first) == 1 and len(last) == 1:
            i, j = DAYS.index(first[0]), DAYS.index(last[0])
            return tuple(DAYS[(i + k) % 7] for k in range((j - i) % 7 + 1))
    return None


class ImpossibleTime(ValueError):
    """Text that is written as a time but cannot be one ("25:00", "9:75", "13pm")."""


@dataclass(frozen=True)
class ClockTime:
    text: str  # "HH:MM"
    bare: bool = False  # written as an hour alone ("5"), so it may mean 5pm
    offset_minutes: int | None = None  # a UTC offset written after it ("Z", "+01:00")

    @property
    def minutes(self) -> int:
        hours, minutes = self.text.split(":")
        return int(hours) * 60 + int(minutes)

    def plus_twelve_hours(self) -> ClockTime:
        hours, minutes = self.text.split(":")
        return ClockTime(f"{int(hours) + 12:02d}:{minutes}", False, self.offset_minutes)


_MERIDIEM = r"(?P<ampm>a\.?\s?m\.?|p\.?\s?m\.?)"
_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:(?:[:.]|\s?h\s?)(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?|(?P<hh>\s?h))?\s*"
    + _MERIDIEM
    + r"?"
    r"\s*(?P<tz>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$"
)
_COMPACT = re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})\s*" + _MERIDIEM + r"?$")
_WORDS = {"noon": "12:00", "midday": "12:00", "12 noon": "12:00", "12 midday": "12:00", "midnight": "00:00"}


def parse_time(value: object) -> ClockTime | None:
    """The clock time written in `value`; None when it is not written as a time at all.

    Raises ImpossibleTime when it is written as a time that cannot be.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if not float(value).is_integer():
            return None
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = value.strip().casefold()
    if text in _WORDS:
        return ClockTime(_WORDS[text])
    match = _TIME.match(text)
    compact = None if match else _COMPACT.match(text)
    if match is None and compact is None:
        return None
    found = match or compact
    assert found is not None
    hours = int(found.group("h"))
    minutes = int(found.group("m") or 0)
    ampm = (found.group("ampm") or "").replace(".", "").replace(" ", "")
    offset = _offset_minutes(match.group("tz")) if match else None
    if minutes > 59:
        raise ImpossibleTime(f"{value!r} has {minutes} minutes")
    if ampm:
        if hours > 12:
            raise ImpossibleTime(f"{value!r}: {hours} is not an hour on a 12-hour clock")
        hours = hours % 12 + (12 if ampm == "pm" else 0)
    elif hours > 24 or (hours == 24 and minutes):
        raise ImpossibleTime(f"{value!r} is not a time of day")
    bare = bool(match) and not ampm and not found.group("m") and not match.group("hh") and hours <= 12
    return ClockTime(f"{hours:02d}:{minutes:02d}", bare, offset)


def _offset_minutes(tz: str | None) -> int | None:
    if not tz:
        return None
    if tz in ("z", "utc", "gmt"):
        return 0
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


_TIME_IN_TEXT = r"(?:noon|midday|midnight|\d{1,2}(?:[:.]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?|h)?)"
_RANGE_IN_TEXT = re.compile(
    r"(?<![\w:./-])(?P<a>"
    + _TIME_IN_TEXT
    + r")\s*(?:-|–|—|to|until|till|til)\s*(?P<b>"
    + _TIME_IN_TEXT
    + r")(?![\w:/]|\.\d)",
    re.I,
)
_DAY_STEM = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_DAYS_IN_TEXT = re.compile(
    r"\b" + _DAY_STEM + r"(?:\s*(?:-|–|—|to|through|thru|until|till)\s*" + _DAY_STEM + r")?\b"
    r"|\bweek ?days?\b|\bweek ?ends?\b|\bdaily\b|\bevery ?day\b|\b(?:7|seven) days\b",
    re.I,
)


def parse_range(text: str) -> tuple[ClockTime, ClockTime] | None:
    """("9am", "5pm") as clock times for text that is one time range and nothing else."""
    match = _RANGE_IN_TEXT.fullmatch(text.strip())
    return _range_of(match) if match else None


def find_hours(text: str) -> tuple[list[str], ClockTime, ClockTime] | None:
    """Days and one time range from a short sentence ("Mon-Fri 9-5"), when that is all it says."""
    words = set(re.findall(r"[a-z]+", text.casefold()))
    if words & _NEGATION:
        return None
    ranges = list(_RANGE_IN_TEXT.finditer(text))
    day_phrases = [m.group(0) for m in _DAYS_IN_TEXT.finditer(text)]
    if len(ranges) != 1 or not day_phrases:
        return None
    if len(day_phrases) == 1 and re.fullmatch(
        r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)", day_phrases[0], re.I
    ):
        return None  # a lone "Sun" or "Sat" in a sentence may be a street or a word, not a day
    days, unknown = parse_days(", ".join(day_phrases))
    if unknown or not days:
        return None
    times = _range_of(ranges[0])
    return (days, *times) if times else None


def _range_of(match: re.Match) -> tuple[ClockTime, ClockTime] | None:
    try:
        opens, closes = parse_time(match.group("a")), parse_time(match.group("b"))
    except ImpossibleTime:
        return None
    if opens is None or closes is None:
        return None
    if opens.bare and closes.bare and 1 <= opens.minutes // 60 <= 6 and closes.minutes > opens.minutes:
        opens, closes = opens.plus_twelve_hours(), closes.plus_twelve_hours()  # "1-4" is an afternoon
    if closes.bare and closes.minutes <= opens.minutes and closes.minutes + 720 > opens.minutes:
        closes = closes.plus_twelve_hours()  # "9-5" closes at 17:00
    return opens, closes
