"""The words of a push, in the subscriber's language, and how the push service should treat it.

A payload is JSON the service worker shows as a notification:

    {"kind": "notice"|"changes", "title": …, "body": …, "url": "/#/…", "tag": …,
     "lang": "ar", "dir": "rtl", "fallback": true when some text is not in that language}

Push services refuse more than 3,993 bytes of plaintext: the body is shortened to fit.
`Topic` lets a push service keep only the latest message per topic for a phone that
is offline; `TTL` keeps it for days (pywebpush's default of 0 drops it at once).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from directory.push.audience import ServiceNews
from directory.web.pages.strings import Translator, direction

PLAINTEXT_LIMIT = 3993
DAY = 86_400
NOTICE_TTL = 7 * DAY  # a notice with no end: a week, then it is old news
NOTICE_TTL_MIN = 3600
TTL_MAX = 28 * DAY  # push services keep a message four weeks at most
CHANGES_TTL = 3 * DAY
URGENCY = {"urgent": "high", "warning": "high", "info": "normal"}
NAMES_SHOWN = 5  # services named in a message about several


@dataclass(frozen=True)
class Message:
    payload: dict
    ttl: int
    urgency: str  # RFC 8030: very-low | low | normal | high
    topic: str  # at most 32 characters of the base64url alphabet

    def data(self) -> bytes:
        return fit(self.payload)


def notice_message(
    db: sqlite_utils.Database, notice: dict, language: str, source_language: str = "en", now: datetime | None = None
) -> Message:
    text = Texts(db, language, source_language)
    title = text.of("notices", notice, "title")
    body = text.of("notices", notice, "body")
    payload = {
        "kind": "notice", "id": notice["id"], "title": title, "body": body, "severity": notice["severity"],
        # A notice about one service opens that service; any other, the list with the notice on top.
        "url": f"/#/service/{notice['service_id']}" if notice.get("service_id") else f"/#/notice/{notice['id']}",
        "tag": f"notice-{notice['id']}",
        "lang": language, "dir": direction(language), "fallback": text.fell_back,
    }
    return Message(payload, notice_ttl(notice, now), URGENCY.get(notice["severity"], "normal"),
                   topic_for("n", notice["id"]))


def notice_ttl(notice: dict, now: datetime | None = None) -> int:
    """Until the notice ends (at least an hour), a week when it has no end, never over four weeks."""
    if not notice.get("ends"):
        return NOTICE_TTL
    now = now or datetime.now(UTC)
    ends = datetime.fromisoformat(notice["ends"].replace("Z", "+00:00"))
    return int(min(max((ends - now).total_seconds(), NOTICE_TTL_MIN), TTL_MAX))


def changes_message(
    db: sqlite_utils.Database, news: list[ServiceNews], language: str, source_language: str = "en"
) -> Message:
    """One message for all the news a subscriber gets from one batch of changes."""
    t, text = Translator(language), Texts(db, language, source_language)
    names = [text.of("services", _service(db, item.service_id), "name") for item in news]
    if len(news) == 1:
        item, name = news[0], names[0]
        title = t(f"push_service_{item.kind}_title", name=name)
        body = t(f"push_service_{item.kind}_body")
        url = "/#/" if item.kind == "closed" else f"/#/service/{item.service_id}"
        topic = topic_for("s", item.service_id)
    else:
        title = t("push_many_title", n=len(news))
        shown = names[:NAMES_SHOWN]
        more = len(names) - len(shown)
        body = ", ".join(shown) + (f" (+{more})" if more else "")
        url, topic = "/#/", "changes"
    payload = {
        "kind": "changes", "services": [item.service_id for item in news][:50], "title": title, "body": body,
        "url": url, "tag": topic, "lang": language, "dir": direction(language), "fallback": text.fell_back,
    }
    return Message(payload, CHANGES_TTL, "low" if all(i.kind == "changed" for i in news) else "normal", topic)


def topic_for(prefix: str, record_id: str) -> str:
    """A Topic header value: short, from the base64url alphabet, the same for the same record."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(record_id.encode()).digest()).rstrip(b"=").decode()
    return (prefix + digest)[:32]


def fit(payload: dict) -> bytes:
    """The payload as UTF-8 JSON within the plaintext limit, shortening the body (then the title) to fit."""
    data = _encode(payload)
    if len(data) <= PLAINTEXT_LIMIT:
        return data
    shortened = dict(payload, services=payload.get("services", [])[:10])
    for field in ("body", "title"):
        text = shortened.get(field) or ""
        while len(_encode(shortened)) > PLAINTEXT_LIMIT and text:
            excess = len(_encode(shortened)) - PLAINTEXT_LIMIT
            # Cut at least the excess in bytes (a character is at most 4), then mark the cut.
            text = text[: max(0, len(text) - max(excess // 4, 1) - 1)].rstrip()
            shortened[field] = text + "…"
    return _encode(shortened)


class Texts:
    """Record text in one language, or the source text, remembering whether any fell back."""

    def __init__(self, db: sqlite_utils.Database, language: str, source_language: str):
        self.db, self.language, self.source_language = db, language, source_language
        self.fell_back = False

    def of(self, table: str, row: dict, field: str) -> str:
        source = row.get(field) or ""
        found = self.db.execute(
            "SELECT text FROM translations WHERE table_name = ? AND record_id = ? AND field = ? AND language = ?",
            [table, row.get("id"), field, self.language],
        ).fetchone()
        if found and found[0].strip():
            return found[0]
        if source and self.language != self.source_language:
            self.fell_back = True
        return source


def _service(db: sqlite_utils.Database, service_id: str) -> dict:
    row = db.execute("SELECT id, name FROM services WHERE id = ?", [service_id]).fetchone()
    return {"id": row[0], "name": row[1]} if row else {"id": service_id, "name": ""}


def _encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
