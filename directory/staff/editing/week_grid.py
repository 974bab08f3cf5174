"""Opening hours as a week grid: seven days, up to two sessions a day, and a note.

HSDS keeps hours as schedules (`byday` + `opens_at`/`closes_at`). The grid groups
the days that share a session into one schedule ("MO,TU,WE 09:00–13:00"), so a
week usually needs two or three rows. Schedules the grid cannot show (monthly,
every other week, seasonal, a third session) are kept exactly as they are and
listed beside the grid; free text from the schedules becomes the note. Pure
functions: form fields in, schedules out, and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from directory.sync.normalise.times import DAYS, ImpossibleTime, parse_time

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
SESSIONS = 2
NOTE_FIELD = "hours-note"
# Columns that make a schedule more than "these days, these hours, every week".
_BEYOND_GRID = ("valid_from", "valid_to", "dtstart", "until", "count", "byweekno", "bymonthday", "byyearday")

Session = tuple[str, str]  # ("09:00", "13:00")


@dataclass
class WeekGrid:
    days: dict[str, list[Session]] = field(default_factory=lambda: {d: [] for d in DAYS})
    note: str = ""
    kept: list[dict] = field(default_factory=list)  # schedules outside the grid, untouched


def field_name(day: str, session: int, end: str) -> str:
    """The form field of one time: `hours-MO-1-opens`."""
    return f"hours-{day}-{session}-{end}"


def fits_grid(schedule: dict) -> bool:
    days = [d for d in str(schedule.get("byday") or "").split(",") if d]
    return (
        schedule.get("freq") in (None, "WEEKLY")
        and schedule.get("interval") in (None, 1)
        and not any(schedule.get(c) not in (None, "") for c in _BEYOND_GRID)
        and bool(days)
        and all(d in DAYS for d in days)
        and bool(schedule.get("opens_at"))
        and bool(schedule.get("closes_at"))
    )


def is_note_only(schedule: dict) -> bool:
    """A schedule that only says something in words ("closed on bank holidays")."""
    return bool(schedule.get("description")) and not any(
        schedule.get(c) not in (None, "") for c in ("byday", "opens_at", "closes_at", "freq", *_BEYOND_GRID)
    )


def grid_from_schedules(schedules: list[dict]) -> WeekGrid:
    grid = WeekGrid()
    notes: list[str] = []
    for schedule in schedules:
        days = str(schedule.get("byday") or "").split(",")
        session = (_hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at")))
        if fits_grid(schedule) and all(len(grid.days[d]) < SESSIONS for d in days if session not in grid.days[d]):
            for day in days:
                if session not in grid.days[day]:
                    grid.days[day].append(session)
        elif not is_note_only(schedule):
            grid.kept.append(schedule)
            continue
        description = str(schedule.get("description") or "").strip()
        if description and description not in notes:
            notes.append(description)
    for day in DAYS:
        grid.days[day].sort()
    grid.note = "\n".join(notes)
    return grid


def schedules_from_grid(grid: WeekGrid, existing: list[dict]) -> list[dict]:
    """Schedules for the grid, then the kept ones.

    A stored schedule whose days all still have its session is kept as it is (its
    id, its other columns, its translations); the sessions left over are grouped
    into new schedules, one per distinct session. While the note is as it was, each
    schedule keeps its own words ("Sunday evening langar") and the words of a
    schedule that went move to the first one; an edited note replaces them all, on
    the first schedule.
    """
    remaining = {(day, session) for day in DAYS for session in grid.days[day]}
    note = grid.note.strip()
    note_as_was = note == grid_from_schedules(existing).note.strip()
    result: list[dict] = []
    for stored in existing:
        if not (fits_grid(stored) and stored.get("id")):
            continue
        session = (_hhmm(stored.get("opens_at")), _hhmm(stored.get("closes_at")))
        claimed = {(day, session) for day in str(stored["byday"]).split(",")}
        if claimed <= remaining:
            remaining -= claimed
            result.append({k: v for k, v in stored.items() if k != "description" or note_as_was})
    by_session: dict[Session, list[str]] = {}
    for day in DAYS:
        for session in grid.days[day]:
            if (day, session) in remaining:
                by_session.setdefault(session, []).append(day)
    for (opens, closes), days in by_session.items():
        result.append({"freq": "WEEKLY", "byday": ",".join(days), "opens_at": opens, "closes_at": closes})
    result.sort(key=lambda s: (DAYS.index(s["byday"].split(",")[0]), _hhmm(s["opens_at"])))
    note_only = [s for s in existing if is_note_only(s) and s.get("id")]
    if note_as_was:
        said = {s.get("description") for s in result}
        lost = [str(s["description"]) for s in existing if s.get("description") and fits_grid(s) and s["description"] not in said]
        if lost and result:
            result[0]["description"] = "\n".join(d for d in [result[0].get("description"), *lost] if d)
        elif lost:
            result.append({"description": "\n".join(lost)})
        return result + note_only + list(grid.kept)
    if note:
        if result:
            result[0]["description"] = note
        else:
            result.append({**({"id": note_only[0]["id"]} if note_only else {}), "description": note})
    return result + list(grid.kept)


def grid_from_form(form: Mapping[str, str], kept: list[dict]) -> tuple[WeekGrid, dict[str, str]]:
    """The grid the form describes, and {field name: problem} for times that cannot be."""
    grid = WeekGrid(kept=list(kept), note=str(form.get(NOTE_FIELD) or "").strip())
    errors: dict[str, str] = {}
    for day in DAYS:
        for session in range(1, SESSIONS + 1):
            opens_name, closes_name = field_name(day, session, "opens"), field_name(day, session, "closes")
            opens = _form_time(form.get(opens_name), opens_name, errors)
            closes = _form_time(form.get(closes_name), closes_name, errors)
            if opens is None and closes is None:
                continue
            if opens is None or closes is None:
                missing = opens_name if opens is None else closes_name
                errors.setdefault(missing, f"{DAY_NAMES[day]}: give both the opening and the closing time")
                continue
            problem = _session_problem(opens, closes)
            if problem:
                errors[closes_name] = f"{DAY_NAMES[day]}: {problem}"
                continue
            if (opens, closes) not in grid.days[day]:
                grid.days[day].append((opens, closes))
        grid.days[day].sort()
    return grid, errors


def grid_form_values(grid: WeekGrid) -> dict[str, str]:
    """Form field values for a grid (the inverse of grid_from_form)."""
    values = {NOTE_FIELD: grid.note}
    for day in DAYS:
        for index, (opens, closes) in enumerate(grid.days[day][:SESSIONS], start=1):
            values[field_name(day, index, "opens")] = opens
            values[field_name(day, index, "closes")] = closes
    return values


def describe_schedule(schedule: dict) -> str:
    """One line for a kept schedule, so staff can see what the grid leaves alone."""
    days = ", ".join(DAY_NAMES.get(d, d) for d in str(schedule.get("byday") or "").split(",") if d)
    parts = [
        str(schedule.get("freq") or "").lower(),
        f"every {schedule['interval']}" if schedule.get("interval") not in (None, 1) else "",
        days,
        "–".join(t for t in (_hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at"))) if t),
        f"from {schedule['valid_from']}" if schedule.get("valid_from") else "",
        f"until {schedule['valid_to']}" if schedule.get("valid_to") else "",
        str(schedule.get("description") or ""),
    ]
    return " · ".join(p for p in parts if p)


def _form_time(value: object, name: str, errors: dict[str, str]) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        time = parse_time(text)
    except ImpossibleTime:
        time = None
    if time is None or time.minutes > 24 * 60:
        errors[name] = f"“{text}” is not a time of day (write it like 09:30)"
        return None
    return "00:00" if time.text == "24:00" and name.endswith("opens") else time.text


def _session_problem(opens: str, closes: str) -> str | None:
    start, end = _minutes(opens), _minutes(closes)
    if start == end:
        return f"opens and closes at the same time ({opens})"
    if end < start and not (start >= 12 * 60 and end <= 12 * 60):
        return f"closes at {closes}, before it opens at {opens}"
    return None


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(value: object) -> str:
    text = str(value or "").strip()
    return text[:5] if len(text) >= 5 and text[2] == ":" else text
