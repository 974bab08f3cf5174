"""`/guide/{lang}/{category}`: a pocket guide to print, or to keep on a phone.

For people who prefer paper: the services of one category and the categories
beneath it, each with a line of description, address, phones in large type,
hours in words and languages, dated so a reader knows how fresh it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from directory.web.pages.catalogue import Catalogues
from directory.web.pages.render import page
from directory.web.pages.services import open_catalogue
from directory.web.pages.strings import choose_language


def _today(timezone: str) -> str:
    """The date where the directory is: a guide printed at 00:30 in Kingsmere is dated there."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return datetime.now(zone).strftime("%Y-%m-%d")


class GuidePages:
    def __init__(self, catalogues: Catalogues):
        self.catalogues = catalogues

    async def choose(self, request: Request) -> Response:
        """`/guide`: to the guides in the browser's language."""
        offered = await run_in_threadpool(self.catalogues.languages)
        language = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"), offered)
        return RedirectResponse(f"/guide/{language}", status_code=302, headers={"Vary": "Accept-Language"})

    async def index(self, request: Request) -> Response:
        catalogue, offered = await self._catalogue(request)
        if catalogue is None:
            return await self._unknown_language(request)
        return page(request, "guide_index.html", catalogue.language, offered, catalogue=catalogue)

    async def category(self, request: Request) -> Response:
        catalogue, offered = await self._catalogue(request)
        if catalogue is None:
            return await self._unknown_language(request)
        category = catalogue.by_code.get(request.path_params["category"])
        if category is None:
            return page(
                request, "missing.html", catalogue.language, offered, status=404, catalogue=catalogue, message="category_not_found"
            )
        return page(
            request,
            "guide.html",
            catalogue.language,
            offered,
            catalogue=catalogue,
            category=category,
            groups=catalogue.grouped(category),
            printed=_today(catalogue.bundle.get("timezone") or "UTC"),
            site=str(request.base_url).rstrip("/"),
        )

    async def _catalogue(self, request: Request):
        offered = await run_in_threadpool(self.catalogues.languages)
        language = request.path_params["language"]
        if language not in offered:
            return None, offered
        return await run_in_threadpool(self.catalogues.get, language), offered

    async def _unknown_language(self, request: Request) -> Response:
        catalogue, offered = await open_catalogue(request, self.catalogues)
        return page(request, "missing.html", catalogue.language, offered, status=404, catalogue=catalogue, message="language_not_found")
