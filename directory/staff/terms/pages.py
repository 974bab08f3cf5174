"""POST /staff/terms/map and /staff/terms/accept: a feed's unmapped term onto a Harbour term.

- POST /staff/terms/map (feed, scheme, code, label, category): map one term; the feed's
  services that carry it get the Harbour term at once (taxonomy/feed_terms.py).
- POST /staff/terms/accept (feed): accept every suggestion of the feed.

Editors and admins, and a publisher for its own feed; the session's CSRF token is checked
before anything is read. Both answer with the feed's page, at its terms section.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.instance import Instance
from directory.staff.audit import record_change
from directory.staff.auth import check_csrf, require_actor, writes
from directory.staff.terms.section import may_map
from directory.store import Source
from directory.taxonomy.feed_terms import TermError, accept_suggestions, find_terms, map_term

MAPPERS = {"editor", "publisher"}
SOURCE = Source("staff")  # public (HSDS metadata): a role, never a person


def routes(instance: Instance) -> list:
    @writes(roles=MAPPERS)
    async def map_one(request: Request) -> Response:
        actor = require_actor(request, roles=MAPPERS)
        await check_csrf(request)
        form = await request.form()
        values = {k: str(form.get(k) or "") for k in ("feed", "scheme", "code", "label", "category")}

        def work() -> Response:
            with instance.databases() as (db, private):
                _mapped_feed(db, actor, values["feed"])
                known = [t for t in find_terms(db, values["code"] or values["label"], values["feed"], values["scheme"])
                         if (t.code, t.label) == (values["code"], values["label"])]  # fmt: skip
                if not known:
                    raise HTTPException(400, "This term is not among the feed's unmapped terms any more.")
                try:
                    changed = map_term(db, values["scheme"], values["code"], values["label"], values["category"],
                                       values["feed"], SOURCE)  # fmt: skip
                except TermError as error:
                    raise HTTPException(400, f"The term was not mapped: {error}.") from None
                record_change(private, actor, "taxonomy_mappings", f"{values['scheme']}:{values['code'] or values['label']}",
                              None, {"category": values["category"], "services": changed})  # fmt: skip
            return _back(values["feed"], "mapped")

        return await run_in_threadpool(work)

    @writes(roles=MAPPERS)
    async def accept_all(request: Request) -> Response:
        actor = require_actor(request, roles=MAPPERS)
        await check_csrf(request)
        form = await request.form()
        feed = str(form.get("feed") or "")

        def work() -> Response:
            with instance.databases() as (db, private):
                _mapped_feed(db, actor, feed)
                accepted, changed = accept_suggestions(db, feed, SOURCE)
                if accepted:
                    record_change(private, actor, "taxonomy_mappings", f"feed:{feed}", None,
                                  {"accepted": accepted, "services": changed})  # fmt: skip
            return _back(feed, "accepted" if accepted else "none")

        return await run_in_threadpool(work)

    return [
        Route("/staff/terms/map", map_one, methods=["POST"], name="terms.map"),
        Route("/staff/terms/accept", accept_all, methods=["POST"], name="terms.accept"),
    ]


def _mapped_feed(db, actor, name: str) -> None:
    """404 when there is no such feed, 403 when this person may not map its terms."""
    row = db.execute("SELECT publisher_id FROM feeds WHERE name = ?", [name]).fetchone()
    if row is None:
        raise HTTPException(404, "No such feed.")
    if not may_map(actor, row[0]):
        raise HTTPException(403, "This feed belongs to an organization you do not manage.")


def _back(feed: str, saved: str) -> Response:
    return RedirectResponse(f"/staff/feeds/{quote(feed, safe='')}?terms={saved}#terms", status_code=303)
