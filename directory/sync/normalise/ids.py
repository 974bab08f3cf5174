"""Ids: every id a feed sends becomes a UUID, the same one wherever it is mentioned.

A UUID stays as it is (in canonical form). Any other id becomes
`stable_id(feed, "entity:id")`, so `organization.id` and a service's
`organization_id` meet at one UUID. A record with no id gets one derived from its
parent and its content, which is the same on every run: for a child, from what
identifies it (`IDENTITY`), so a row whose other values change keeps its id.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import uuid

from directory.ids import derived_id as harbour_derived_id
from directory.ids import is_uuid, stable_id


def source_id_of(value: object) -> str | None:
    """An id as the feed meant it, as text; None when there is none usable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = int(value) if value.is_integer() else value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# A UUID already in canonical form (most HSDS feeds send them so) is kept without parsing.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@functools.lru_cache(maxsize=16_384)
def record_id(feed: str, entity: str, source_id: str) -> str:
    """The Harbour id of the record `entity` that the feed calls `source_id`."""
    if _CANONICAL_UUID.fullmatch(source_id):
        return source_id
    if is_uuid(source_id):
        return str(uuid.UUID(source_id))
    return _stable_id(feed, f"{entity}:{source_id}")


def derived_id(feed: str, entity: str, *parts: str) -> str:
    """An id for a record the feed gave none; `~` keeps it apart from any id a feed sends."""
    return _stable_id(feed, f"{entity}:~" + "/".join(parts))


_NOT_HEX = re.compile(r"[^0-9a-fA-F{}-]")


def _stable_id(feed: str, text: str) -> str:
    """`stable_id(feed, text)`, without first trying to read as a UUID what plainly is not one."""
    if _NOT_HEX.search(text) and not text.startswith(("urn:", "uuid:")):
        return harbour_derived_id("record", feed, text)
    return stable_id(feed, text)


def content_digest(record: dict, leave_out: set[str] | frozenset[str] = frozenset()) -> str:
    """A short digest of a record's own values (not its children), independent of key order."""
    own = {
        k: v
        for k, v in record.items()
        if k not in leave_out and not isinstance(v, (dict, list)) and v is not None
    }
    canonical = json.dumps(own, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# What identifies an id-less child among its siblings: a phone is its number, a schedule the
# days it covers (not its hours), an address its type. A table not listed, or a row with none
# of these, is identified by all of its values.
IDENTITY = {
    "phones": ("number", "extension"),
    "schedules": (
        "freq", "interval", "byday", "bymonthday", "byweekno", "byyearday", "dtstart", "until", "count",
        "wkst", "valid_from", "valid_to", "attending_type",
    ),
    "addresses": ("address_type",),
    "languages": ("code",),
    "service_at_location": ("location_id",),
    "contacts": ("name",),
    "cost_options": ("option",),
    "service_areas": ("name",),
    "funding": ("source",),
    "organization_identifiers": ("identifier_scheme", "identifier_type"),
}  # fmt: skip


def identity_digest(table: str, record: dict, leave_out: set[str] | frozenset[str] = frozenset()) -> str:
    """A short digest of what identifies `record` among its siblings (see IDENTITY)."""
    columns = IDENTITY.get(table, ())
    own = {c: record[c] for c in columns if record.get(c) not in (None, "")}
    if not own:
        return content_digest(record, leave_out)
    return "=" + content_digest(own)
