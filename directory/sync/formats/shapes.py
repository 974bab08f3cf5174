"""Small builders formats share: stable ids, cell text, category attributes, batches."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import TypeVar

T = TypeVar("T")

BATCH = 500  # records per Parsed for formats that read one whole document

SEPARATORS = re.compile(r"\s*[,;|/\n]\s*")


def stable_id(prefix: str, *parts: object) -> str:
    """An id that stays the same while the parts do: for feeds that send none."""
    key = "\x1f".join(" ".join(str(p or "").split()).casefold() for p in parts)
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def text(value: object) -> str | None:
    """A cell or JSON scalar as text, as sent; None for empty. Lists and objects are not text."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    result = str(value)
    return result if result.strip() else None


def number_or_text(value: object) -> object:
    """A coordinate or age: a number when it reads as one, else the text as sent."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value if value == value else None
    raw = text(value)
    if raw is None:
        return None
    try:
        number = float(raw.strip())
    except ValueError:
        return raw
    if number != number or number in (float("inf"), float("-inf")):
        return raw
    return int(number) if number.is_integer() and re.fullmatch(r"\s*-?\d+\s*", raw) else number


def split_values(value: object, pattern: re.Pattern | str = SEPARATORS) -> list[str]:
    """'Arabic, Dari; Pashto' → ['Arabic', 'Dari', 'Pashto'], each as sent, duplicates dropped."""
    raw = text(value)
    if raw is None:
        return []
    splitter = re.compile(pattern) if isinstance(pattern, str) else pattern
    seen: dict[str, None] = {}
    for part in splitter.split(raw):
        part = part.strip()
        if part and part not in seen:
            seen[part] = None
    return list(seen)


def category(
    owner_id: str,
    code: str,
    name: str | None,
    scheme: str,
    term_id: str | None = None,
    description: str | None = None,
    link_type: str = "category",
    attribute_id: str | None = None,
) -> dict:
    """An HSDS attribute carrying a term of the feed's own vocabulary, for the normaliser to map."""
    label = name if name is not None else code
    return {
        "id": attribute_id or f"{owner_id}#{link_type}:{scheme}:{code}",
        "link_type": link_type,
        "taxonomy_term": {
            "id": term_id or f"{scheme}:{code}",
            "code": code,
            "name": label,
            "description": description if description else label,
            "taxonomy": scheme,
        },
    }


def compact(record: dict) -> dict:
    """Leave out absent values (None, empty text, empty nested objects)."""
    return {k: v for k, v in record.items() if v is not None and v != "" and v != {}}


def batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
