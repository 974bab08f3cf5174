"""Opening hours: HSDS schedule records from the compact form the service tables use, with
their description in words.

A table writes hours as (byday, opens, closes[, note]):
  ("MO,WE", "09:00", "12:30")       every Monday and Wednesday
  ("1MO,3MO", "10:00", "13:00")     first and third Monday of the month (freq MONTHLY)
  ("TH/2", "18:00", "20:00")        every other Thursday (interval 2, anchored by dtstart)
  ("24/7",)                         day and night
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
             "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
WEEK = list(DAY_NAMES)


def clock(hhmm: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    if (h, m) == (12, 0):
        return "12 noon"
    if (h, m) in ((0, 0), (23, 59), (24, 0)):
        return "midnight"
    suffix = "am" if h < 12 else "pm"
    h12 = h % 12 or 12
    return f"{h12}{suffix}" if m == 0 else f"{h12}:{m:02d}{suffix}"


ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


def days_in_words(byday: str) -> str:
    """'MO,WE' -> 'Mondays and Wednesdays'; '1MO,3MO' -> 'First and third Monday of the month'."""
    days = byday.split(",")
    if any(d[:-2] for d in days):  # monthly, with an ordinal before each day
        parts = [f"{ORDINALS[d[:-2]]} {DAY_NAMES[d[-2:]]}" for d in days]
        if len({d[-2:] for d in days}) == 1 and len(days) > 1:
            parts = [ORDINALS[d[:-2]] for d in days[:-1]] + [parts[-1]]
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return text[0].upper() + text[1:] + " of the month"
    if len(days) == 7:
        return "Every day"
    idx = [WEEK.index(d) for d in days]
    if len(days) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    names = [DAY_NAMES[d] + "s" for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def schedule_records(spec, sid: str, did: Callable[..., str]) -> list[dict]:
    """Weekly opening hours; '1MO,3MO' style days make a monthly rule, 'TH/2' every other week."""
    out = []
    for n, h in enumerate(spec.hours):
        interval = 1
        if h[0] == "24/7":
            byday, opens, closes, words = ",".join(WEEK), "00:00", "23:59", "Open 24 hours a day, every day."
            note = h[1] if len(h) > 1 else None
        else:
            byday, opens, closes = h[0], h[1], h[2]
            note = h[3] if len(h) > 3 else None
            if "/" in byday:
                byday, every = byday.split("/")
                interval = int(every)
            when = days_in_words(byday) if interval == 1 else f"Every other {DAY_NAMES[byday]}"
            words = f"{when}, {clock(opens)} to {clock(closes)}."
        monthly = any(d[:-2] for d in byday.split(","))
        rec = {"id": did("schedule", spec.slug, str(n)), "service_id": sid,
               "freq": "MONTHLY" if monthly else "WEEKLY", "wkst": "MO", "interval": interval,
               "byday": byday, "opens_at": opens, "closes_at": closes,
               "description": words if not note else f"{words} {note}"}
        if interval > 1:  # anchor "every other week" on the first such day of 2026
            first = date(2026, 1, 1)
            rec["dtstart"] = (first + timedelta(days=(WEEK.index(byday) - first.weekday()) % 7)).isoformat()
        if "remote" in spec.attrs and h[0] == "24/7":
            rec["attending_type"] = "phone"
        out.append(rec)
    return out
