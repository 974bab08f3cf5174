"""HSDS 3.x JSON: one service, a list of services, or an API `Page` of them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from directory.sync.formats.errors import FormatError

PAGE_KEYS = {"contents", "total_items", "page_number"}


def parse_services(data: bytes | str, where: str = "input") -> list[dict]:
    """Return the service records in an HSDS JSON document."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FormatError(f"{where}: not valid JSON ({error})") from None
    return list(services_in(document, where))


def services_in(document: object, where: str = "input") -> Iterator[dict]:
    if isinstance(document, dict) and "contents" in document:
        items = document["contents"]
        if not isinstance(items, list):
            raise FormatError(f"{where}: 'contents' of the page is not a list")
        yield from _items(items, where)
    elif isinstance(document, dict) and isinstance(document.get("services"), list):
        yield from _items(document["services"], where)
    elif isinstance(document, dict):
        yield document
    elif isinstance(document, list):
        yield from _items(document, where)
    else:
        raise FormatError(f"{where}: expected an HSDS service, a list of services or a page, got {type(document).__name__}")


def _items(items: list, where: str) -> Iterator[dict]:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise FormatError(f"{where}: item {index} is {type(item).__name__}, not a service object")
        yield item


def is_translation_list(document: object) -> bool:
    """Harbour's own translations file: a list of {table, id, field, language, text}."""
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(i, dict) and {"table", "id", "field", "language", "text"} <= i.keys() for i in document[:5])
    )
