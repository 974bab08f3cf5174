"""Walking a paged API without trusting what it says about itself.

Totals are often wrong (`total_pages: 1` over three pages, or `10` when page 2
is the last), page numbers may start at 0 or 1, and a static file ignores the
page parameter and answers the same page forever. So a walk:

- asks for the first page without a page number and counts on from the number
  the server reports (0 or 1);
- stops on a page that says it is the last, on an empty page, on a page whose
  items were all seen already (a server repeating itself), or at the page cap;
- marks the listing incomplete (`complete=False`) whenever it stopped for any
  reason but the server saying it was done, so no deletion is inferred from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from directory.sync.formats.base import Fetch, PageKey, Recall, Recalled
from directory.sync.formats.documents import json_document
from directory.sync.formats.errors import FormatError


@dataclass
class PageView:
    """What one page document says, read by the format that knows its shape."""

    items: list
    number: int | None = None  # the page number the server reports
    last: bool = False  # the server says no page follows


@dataclass
class Page:
    url: str
    items: list
    complete: bool = True
    not_modified: bool = False
    recalled: Recalled | None = None  # the page is one landed before: `items` is empty, not read
    key: PageKey | None = None


def flag(value: object) -> bool:
    """A JSON boolean as servers send it: true, "true", 1."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return value is True or (isinstance(value, int) and not isinstance(value, bool) and value == 1)


def page_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def item_key(item: object) -> str | None:
    """A hashable identity for an item, to notice a server repeating a page."""
    if isinstance(item, dict):
        value = item.get("id")
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    return None


def walk_pages(
    fetch: Fetch,
    url_for_page: Callable[[int | None], str],
    read_page: Callable[[object, str], PageView],
    page_cap: int,
    default_first: int = 1,
    what: str = "JSON",
    recall: Recall | None = None,
) -> Iterator[Page]:
    """Yield each page's items; `url_for_page(None)` is the first request (no page number).

    With `recall`, a page whose bytes it recognises is not parsed: it is yielded with
    `recalled` set, and what it said (its number, whether it was the last) is taken
    from what it said last time.
    """
    cap = max(1, page_cap)
    seen: set[str] = set()
    number: int | None = None
    fetched = 0
    while True:
        url = url_for_page(number)
        result = fetch(url)
        if result.not_modified:
            if fetched == 0:
                yield Page(url, [], not_modified=True)
                return
            raise FormatError(
                f"{url}: answered 304 Not Modified for a later page; the listing cannot be trusted"
            )
        fetched += 1
        digest = hashlib.sha256(result.body).hexdigest()
        recalled = recall(result.url, digest) if recall else None
        if recalled is not None:
            view = PageView([], recalled.number, recalled.last)
            keys: list[str | None] = list(recalled.source_ids)
        else:
            view = read_page(json_document(result, what), result.url)
            keys = [item_key(item) for item in view.items]
        if number is None:
            reported = page_number(view.number)
            number = reported if reported is not None else default_first
        if not keys:
            return
        if fetched > 1 and all(k is not None and k in seen for k in keys):
            # The same items again: the server ignores the page parameter or loops.
            yield Page(result.url, [], complete=False)
            return
        seen.update(k for k in keys if k is not None)
        key = PageKey(result.url, digest, page_number(view.number), view.last)
        if view.last:
            yield Page(result.url, view.items, recalled=recalled, key=key)
            return
        if fetched >= cap:
            yield Page(result.url, view.items, complete=False, recalled=recalled, key=key)
            return
        yield Page(result.url, view.items, recalled=recalled, key=key)
        number += 1
