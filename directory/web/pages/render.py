"""Rendering the public pages: one Jinja environment, autoescaped, and strict headers.

The pages load nothing but their own stylesheet and icon, run no script and set
no cookie; the Content-Security-Policy says so to the browser as well.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from directory.config import UI_LANGUAGES
from directory.web.pages import format as fmt
from directory.web.pages.spoken import spoken_languages
from directory.web.pages.strings import Translator, direction

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PUBLIC = TEMPLATES / "public"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Listings change during the day; a minute of staleness spares a slow phone the round trip.
PAGE_CACHE = "public, max-age=60"
# What a reader searched for or filtered by is theirs: no shared cache keeps it (and so logs it).
SEARCH_CACHE = "private, no-store"
# Parameters that only choose the language or the page of the plain list; any other makes it a search.
NOT_A_SEARCH = ("lang", "page")
STYLE_CACHE = "no-cache"

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its name: feed text is never trusted
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals.update(
    tel_href=fmt.tel_href,
    geo_href=fmt.geo_href,
    web_url=fmt.web_url,
    rich_text=fmt.rich_text,
    one_line=fmt.one_line,
    cost_lines=fmt.cost_lines,
    source_attrs=fmt.source_attrs,
    spoken_languages=spoken_languages,
    direction=direction,
)


def link(path: str, **params: object) -> str:
    """A URL on this site with its query; empty parameters are left out."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)}
    query = urlencode(kept)
    return f"{path}?{query}" if query else path


def page(request: Request, template: str, language: str, offered: list[str], status: int = 200, **context) -> Response:
    t = Translator(language)
    params = {k: v for k, v in request.query_params.items() if k not in NOT_A_SEARCH}
    pickers = [
        {"code": code, "name": UI_LANGUAGES.get(code, code), "dir": direction(code), "href": link(_path_for(request, code), **params, lang=code)}
        for code in offered
    ]
    body = environment.get_template(f"public/{template}").render(
        t=t,
        lang=language,
        dir=direction(language),
        languages=pickers,
        link=link,
        format_date=lambda iso: fmt.format_date(iso, t),
        week=lambda service: fmt.week(service, t),
        hours_in_words=lambda service: fmt.hours_in_words(service, t),
        **context,
    )
    cache = SEARCH_CACHE if any(v.strip() for v in params.values()) else PAGE_CACHE
    headers = {**SECURITY_HEADERS, "Cache-Control": cache, "Content-Language": language, "Vary": "Accept-Language"}
    return HTMLResponse(body, status_code=status, headers=headers)


def _path_for(request: Request, language: str) -> str:
    """The guide carries its language in the path; the search pages in `?lang=`."""
    parts = request.url.path.split("/")
    if len(parts) >= 3 and parts[1] == "guide":
        parts[2] = language
    return "/".join(parts)


def stylesheet(name: str):
    """A static stylesheet from the templates folder, with an ETag so a phone can revalidate cheaply."""

    async def endpoint(request: Request) -> Response:
        body = (PUBLIC / name).read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {**SECURITY_HEADERS, "Cache-Control": STYLE_CACHE, "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/css; charset=utf-8", headers=headers)

    return endpoint
