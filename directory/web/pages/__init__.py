"""Public pages that need no JavaScript: `/services` (search, categories, a service) and `/guide` (to print).

They read the same per-language bundles as the PWA, from the same cache
(`BundleCache.for_instance`), so they show what the phone shows and a directory's
bundles are built once per process. `/robots.txt` is served here too.
Mount with `routes += pages.routes(instance)` before the PWA's catch-all.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, request_response

from directory.bundle.cache import BundleCache
from directory.instance import Instance
from directory.web.pages.catalogue import Catalogues
from directory.web.pages.guide import GuidePages
from directory.web.pages.render import stylesheet
from directory.web.pages.services import ServicePages

# Public pages may be indexed; staff pages, the scripts' API and push subscriptions may not.
ROBOTS = "User-agent: *\nAllow: /\nDisallow: /staff/\nDisallow: /api/\nDisallow: /push/\n"


async def robots(request):
    return PlainTextResponse(ROBOTS)


def routes(instance: Instance) -> list:
    catalogues = Catalogues(BundleCache.for_instance(instance))
    services = ServicePages(catalogues)
    guide = GuidePages(catalogues)
    endpoints = {
        "/services.css": stylesheet("services.css"),
        "/guide.css": stylesheet("guide.css"),
        "/services": services.index,
        "/services/{service_id}": services.detail,
        "/guide": guide.choose,
        "/guide/{language}": guide.index,
        "/guide/{language}/{category}": guide.category,
    }
    # Compressed: a results page shrinks to a third, which matters on prepaid data.
    return [
        Route(path, GZipMiddleware(request_response(endpoint)), methods=["GET"]) for path, endpoint in endpoints.items()
    ] + [Route("/robots.txt", robots, methods=["GET"])]
