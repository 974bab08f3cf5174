"""The council's notices on the server pages, chosen as the phone chooses them (pwa/notices.js).

Current by the server's clock: started, not ended (a bare date means that whole
day in the directory's time zone). Urgent first, then the newest.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from directory.web.pages.catalogue import Catalogue

SEVERITY_RANK = {"urgent": 0, "warning": 1, "info": 2}
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _moment(text: str, zone, day_end: bool = False) -> datetime | None:
    """A notice's starts/ends as an aware instant; a bare date is the start (or end) of that day."""
    try:
        if DATE_ONLY.match(text):
            day = datetime.fromisoformat(text).replace(tzinfo=zone or UTC)
            return day + timedelta(days=1) if day_end else day
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None  # unreadable: the phone treats it as no limit, and so do we
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def active_notices(bundle: dict, now: datetime | None = None) -> list[dict]:
    now = now or datetime.now(UTC)
    zone = _zone(bundle.get("timezone"))
    current = []
    for position, notice in enumerate(bundle.get("notices") or []):
        if not notice.get("title"):
            continue
        starts = _moment(notice["starts"], zone) if notice.get("starts") else None
        ends = _moment(notice["ends"], zone, day_end=True) if notice.get("ends") else None
        if (starts is None or starts <= now) and (ends is None or now < ends):
            current.append((position, notice))
    current.sort(key=lambda item: item[0])
    current.sort(key=lambda item: str(item[1].get("starts", "")), reverse=True)
    current.sort(key=lambda item: SEVERITY_RANK.get(item[1].get("severity", "info"), 2))
    return [notice for _, notice in current]


def _lineage(catalogue: Catalogue, category_id: str) -> set[str]:
    """The category and every category above it."""
    found = set()
    category = catalogue.categories.get(category_id)
    while category is not None and category["id"] not in found:
        found.add(category["id"])
        category = catalogue.parent(category)
    return found


def for_list(catalogue: Catalogue, category: dict | None = None) -> list[dict]:
    """Every urgent notice, and the others meant for everyone or for the category shown (or one above it)."""
    shown = _lineage(catalogue, category["id"]) if category else set()
    return [
        n
        for n in active_notices(catalogue.bundle)
        if n.get("severity") == "urgent" or (not n.get("service") and (not n.get("category") or n["category"] in shown))
    ]


def for_service(catalogue: Catalogue, service: dict) -> list[dict]:
    """Notices about the service, or about one of its categories or a category above them."""
    mine = set().union(*(_lineage(catalogue, c) for c in service.get("categories", [])))
    return [
        n
        for n in active_notices(catalogue.bundle)
        if n.get("service") == service["id"] or (n.get("category") and n["category"] in mine)
    ]
