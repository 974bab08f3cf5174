"""Stable identifiers.

HSDS ids are UUIDs. A record whose source id is not a UUID gets a UUIDv5 derived
from where it came from, so it keeps the same id across syncs and imports.
"""

from __future__ import annotations

import uuid

# Fixed namespace for every id Harbour derives; changing it would re-key every record.
HARBOUR_NAMESPACE = uuid.UUID("6f1c2b0e-6a55-4b8e-9a39-4f3c8e2d7a10")


def derived_id(*parts: str) -> str:
    """A UUIDv5 from the given parts, e.g. derived_id("term", "health")."""
    return str(uuid.uuid5(HARBOUR_NAMESPACE, ":".join(parts)))


def term_id(code: str) -> str:
    """The id of a Harbour taxonomy term, from its code."""
    return derived_id("term", code)


def is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def stable_id(source: str, source_id: str) -> str:
    """Keep a UUID as it is; turn any other source id into a UUIDv5 from (source, id)."""
    if is_uuid(source_id):
        return str(uuid.UUID(str(source_id)))
    return derived_id("record", source, str(source_id))


HARBOUR_TAXONOMY_ID = derived_id("taxonomy", "harbour")
