"""HSDS 3.x JSON: one service, a list of services, an API `Page` of them, or a whole API.

`parse_services` and `services_in` read a document `harbour import` was given.
The `hsds-json` feed format (`read`) takes any of:

- an API root (`{version, profile, …}`): its `/services` listing is walked;
- a `/services` URL: walked page by page with `full=true` and `per_page`, and
  `modified_after` when the feed asks only for changes (the listing is then partial);
  list items without their children are fetched whole from `/services/{id}`;
- a JSON file: a service, a list of services, or one page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from directory.sync.formats.base import Fetch, FormatOptions, Parsed, Rejected
from directory.sync.formats.checks import check, source_id
from directory.sync.formats.documents import child_url, fetch_json, parent_of, path_ends_with, with_query
from directory.sync.formats.errors import FormatError
from directory.sync.formats.messages import one_line_errors
from directory.sync.formats.paging import PageView, flag, walk_pages
from directory.sync.formats.shapes import batches

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
        yield from (_under_organization(item, document) for item in _items(document["services"], where))
    elif _is_service_at_location(document):
        yield _with_its_location(document)
    elif isinstance(document, dict):
        yield document
    elif isinstance(document, list):
        yield from _items(document, where)
    else:
        raise FormatError(
            f"{where}: expected an HSDS service, a list of services or a page, got {type(document).__name__}"
        )


def _under_organization(service: dict, document: dict) -> dict:
    """A service listed inside an organization (an `/organizations/{id}` answer) belongs to it."""
    if not isinstance(service, dict) or "id" not in document:
        return service
    if service.get("organization_id") or service.get("organization"):
        return service
    organization = {k: v for k, v in document.items() if k != "services"}
    return {**service, "organization_id": document["id"], "organization": organization}


def _is_service_at_location(document: object) -> bool:
    """A `/service_at_locations/{id}` answer: the service and the location it is offered at."""
    return isinstance(document, dict) and isinstance(document.get("service"), dict) and "name" not in document


def _with_its_location(document: dict) -> dict:
    service = document["service"]
    here = {k: v for k, v in document.items() if k != "service"}
    return {**service, "service_at_locations": [*(service.get("service_at_locations") or []), here]}


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
        and all(
            isinstance(i, dict) and {"table", "id", "field", "language", "text"} <= i.keys()
            for i in document[:5]
        )
    )


# --- the `hsds-json` feed format ------------------------------------------------------------

PER_PAGE = 500  # what a Harbour serves at most (directory.hsds.api_params.MAX_PER_PAGE); others may send fewer
# A list item with none of these is a summary; the whole service is at /services/{id}.
SERVICE_CHILD_KEYS = (
    "service_at_locations", "phones", "schedules", "contacts", "languages", "attributes",
    "service_areas", "cost_options", "required_documents", "funding",
)  # fmt: skip


@one_line_errors
def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
    if path_ends_with(url, "services"):
        yield from _walk(fetch, url, parent_of(url, "services"), options)
        return
    result, document = fetch_json(fetch, url, "HSDS JSON")
    if document is None:
        yield Parsed(not_modified=True)
        return
    if is_api_root(document):
        yield from _walk(fetch, child_url(result.url, "services"), result.url, options)
        return
    items, complete = _document_items(document, result.url)
    for batch in batches(items) if items else [[]]:
        yield _parsed(batch, complete)


def is_api_root(document: object) -> bool:
    """The `/` answer of an HSDS API: `{version, profile, openapi_url}`, not a record."""
    return isinstance(document, dict) and "version" in document and not ({"id", "contents"} & document.keys())


def _walk(fetch: Fetch, services_url: str, root: str, options: FormatOptions) -> Iterator[Parsed]:
    def url_for(page: int | None) -> str:
        return with_query(
            services_url, full="true", per_page=PER_PAGE, page=page, modified_after=options.modified_after
        )

    for page in walk_pages(
        fetch, url_for, _page_view, options.page_cap, default_first=1, what="an HSDS page", recall=options.recall
    ):
        if page.not_modified:
            yield Parsed(not_modified=True)
            return
        complete = page.complete and options.modified_after is None
        if page.recalled is not None:
            yield Parsed(complete=complete, recalled=page.recalled.source_ids)
            continue
        items, rejected = _whole_services(fetch, root, page.items)
        parsed = _parsed(items, complete)
        parsed.rejected = rejected + parsed.rejected
        if not parsed.rejected and len(items) == len(page.items) and all(a is b for a, b in zip(items, page.items)):
            parsed.page = page.key  # the page's bytes are its records: a memo may recognise it next time
        yield parsed


def _page_view(document: object, where: str) -> PageView:
    if isinstance(document, list):  # a listing without paging: all there is
        return PageView(document, None, last=True)
    if not isinstance(document, dict) or not isinstance(document.get("contents"), list):
        raise FormatError(f"{where}: expected an HSDS page {{total_items, page_number, …, contents: [...]}}")
    last = flag(document.get("last_page")) or flag(document.get("empty"))
    return PageView(document["contents"], document.get("page_number"), last=last)


def _whole_services(fetch: Fetch, root: str, items: list) -> tuple[list, list[Rejected]]:
    """List items as whole services: summaries are fetched from `/services/{id}`."""
    whole, rejected = [], []
    for item in items:
        item_id = source_id(item)
        if item_id is None or any(key in item for key in SERVICE_CHILD_KEYS):
            whole.append(item)
            continue
        detail_url = child_url(root, "services", item_id)
        try:
            result, document = fetch_json(fetch, detail_url, "an HSDS service")
        except FormatError as error:
            rejected.append(Rejected(item_id, item, [f"the whole service could not be read: {error}"]))
            continue
        if document is None:  # 304 for a record we never asked conditionally: keep the summary
            whole.append(item)
        elif not isinstance(document, dict) or source_id(document) != item_id:
            rejected.append(Rejected(item_id, item, [f"{result.url} did not answer with service {item_id}"]))
        else:
            whole.append(document)
    return whole, rejected


def _document_items(document: object, where: str) -> tuple[list, bool]:
    """(items, complete) of a JSON file: a page that says more pages follow is partial."""
    if isinstance(document, dict) and "contents" in document:
        if not isinstance(document["contents"], list):
            raise FormatError(f"{where}: 'contents' of the page is not a list")
        complete = "last_page" not in document or flag(document.get("last_page"))
        return document["contents"], complete
    if isinstance(document, dict) and isinstance(document.get("services"), list):
        return [_under_organization(item, document) for item in document["services"]], True
    if _is_service_at_location(document):
        return [_with_its_location(document)], True
    if isinstance(document, dict) and ({"id", "name"} & document.keys()):
        return [document], True
    if isinstance(document, list):
        return document, True
    raise FormatError(
        f"{where}: expected an HSDS service, a list of services or a page, not {type(document).__name__}"
    )


def _parsed(items: list, complete: bool) -> Parsed:
    good, bad = check([(item, item) for item in items])
    return Parsed(records=good, rejected=bad, complete=complete)
