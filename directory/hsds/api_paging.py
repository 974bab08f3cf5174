"""The HSDS 3.0 `Page` envelope around one page of a list."""

from __future__ import annotations

import math

from directory.hsds.api_params import PageRequest


def total_pages(total_items: int, per_page: int) -> int:
    return math.ceil(total_items / per_page)


def page_of(contents: list[dict], total_items: int, request: PageRequest) -> dict:
    """`{total_items, total_pages, page_number, size, first_page, last_page, empty, contents}`.

    `size` is the number of items on this page (HSDS: "the number of entities in
    the current page"); a page past the end is empty and still answers 200, marked
    last, so a harvester stops there.
    """
    pages = total_pages(total_items, request.per_page)
    return {
        "total_items": total_items,
        "total_pages": pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= pages,
        "empty": not contents,
        "contents": contents,
    }
