"""`/services`: search, categories and one service, as plain HTML for any browser.

For phones without JavaScript (or too old for the PWA) and for text browsers:
every link carries `?lang=` (there are no cookies to remember it), and a page
of results stays small by showing at most PAGE_SIZE services.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from directory.config import UI_LANGUAGES
from directory.web.pages import notices
from directory.web.pages.catalogue import Catalogue, Catalogues
from directory.web.pages.provenance import describe_source
from directory.web.pages.render import page
from directory.web.pages.search import search
from directory.web.pages.strings import Translator, choose_language

PAGE_SIZE = 30
MAX_QUERY = 200  # characters: a longer "query" is not someone looking for help


async def open_catalogue(request: Request, catalogues: Catalogues) -> tuple[Catalogue, list[str]]:
    """The catalogue in the request's language, and the languages on offer."""
    offered = await run_in_threadpool(catalogues.languages)
    language = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"), offered)
    return await run_in_threadpool(catalogues.get, language), offered


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _paginate(services: list[dict], number: int) -> dict:
    pages = max(1, -(-len(services) // PAGE_SIZE))
    number = min(number, pages)
    start = (number - 1) * PAGE_SIZE
    return {
        "services": services[start : start + PAGE_SIZE],
        "first": start + 1,
        "number": number,
        "pages": pages,
        "total": len(services),
    }


class ServicePages:
    def __init__(self, catalogues: Catalogues):
        self.catalogues = catalogues

    async def index(self, request: Request) -> Response:
        catalogue, offered = await open_catalogue(request, self.catalogues)
        query = request.query_params.get("q", "").strip()[:MAX_QUERY]
        code = request.query_params.get("category", "").strip()
        category = catalogue.by_code.get(code) if code else None
        context = {
            "catalogue": catalogue,
            "query": query,
            "category": category,
            "results": None,
            "notices": notices.for_list(catalogue, category),
        }
        if code and category is None:
            return self._missing(request, catalogue, offered, "category_not_found")
        if query:
            found = await run_in_threadpool(search, catalogue, query)
            if category is not None:  # a search within a category (from a hand-made or shared link)
                inside = {s["id"] for s in catalogue.services_in(category)}
                found = [s for s in found if s["id"] in inside]
            context["results"] = _paginate(found, _page_number(request))
        elif category is not None:
            context["results"] = _paginate(catalogue.services_in(category), _page_number(request))
        return page(request, "services.html", catalogue.language, offered, **context)

    async def detail(self, request: Request) -> Response:
        catalogue, offered = await open_catalogue(request, self.catalogues)
        service = catalogue.services.get(request.path_params["service_id"])
        if service is None:
            return self._missing(request, catalogue, offered, "not_found")
        return page(
            request,
            "service.html",
            catalogue.language,
            offered,
            catalogue=catalogue,
            service=service,
            attributes=catalogue.attribute_names(service),
            notices=notices.for_service(catalogue, service),
            categories=[catalogue.categories[c] for c in service.get("categories", []) if c in catalogue.categories],
            source=describe_source(service.get("source"), Translator(catalogue.language)),
            source_name=UI_LANGUAGES.get(catalogue.bundle["source_language"], catalogue.bundle["source_language"]),
        )

    def _missing(self, request: Request, catalogue: Catalogue, offered: list[str], message: str) -> Response:
        return page(request, "missing.html", catalogue.language, offered, status=404, catalogue=catalogue, message=message)
