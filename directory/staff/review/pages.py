"""/staff/review: what the sync engine queued for a person to decide.

- GET /staff/review: every open item; a conflict shows the old upstream value,
  the local (staff) value and the new upstream value side by side, a possible
  duplicate shows the two listings side by side.
- GET /staff/review/{id}: one item.
- POST /staff/review/{id}: `action` = accept | keep (a conflict), merge | dismiss
  (a duplicate). Admins, and editors of every organization the decision touches.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.audit import record_change
from directory.staff.auth import Actor, check_csrf, may_touch, require_actor, require_organization, writes
from directory.staff.review import resolve
from directory.staff.review.describe import describe_item, organizations_touched
from directory.store import Source
from directory.store.review import open_items

DONE = {"accept": "Upstream's value was taken", "keep": "The local value was kept",
        "merge": "The listings were merged", "dismiss": "The item was dismissed"}  # fmt: skip
REVIEWERS = {"editor"}



def routes(instance: Instance) -> list:
    async def index(request: Request) -> Response:
        actor = require_actor(request)

        def read() -> list[dict]:
            with instance.databases() as (db, private):
                return [_shown(db, actor, item) for item in open_items(private)]

        items = await run_in_threadpool(read)
        return render(request, "review/index.html", {
            "conflicts": [i for i in items if i["kind"] == "conflict"],
            "duplicates": [i for i in items if i["kind"] == "duplicate"],
            "placeholders": [i for i in items if i["kind"] == "placeholder_organization"],
            "done": request.query_params.get("done"),
        })  # fmt: skip

    async def one(request: Request) -> Response:
        actor = require_actor(request)
        item_id = _item_id(request)

        def read() -> dict:
            with instance.databases() as (db, private):
                item = resolve.load_item(private, item_id)
                if item is None:
                    raise HTTPException(404, "No such review item.")
                return _shown(db, actor, item)

        item = await run_in_threadpool(read)
        return render(request, "review/item.html", {"item": item})

    @writes(roles=REVIEWERS, scope=None, param="id", examples={"id": "999999"})
    async def decide(request: Request) -> Response:
        actor = require_actor(request, roles=REVIEWERS)
        await check_csrf(request)
        item_id = _item_id(request)
        action = str((await request.form()).get("action") or "")

        def work() -> None:
            with instance.databases() as (db, private):
                item = resolve.load_item(private, item_id)
                if item is None:
                    raise HTTPException(404, "No such review item.")
                for organization_id in organizations_touched(db, item):
                    require_organization(actor, organization_id)
                if item["closed"]:
                    raise HTTPException(409, f"This item was resolved already: {item['resolution']}.")
                if action not in resolve.ACTIONS[item["kind"]]:
                    raise HTTPException(400, f"A {item['kind']} is resolved with: {', '.join(resolve.ACTIONS[item['kind']])}.")
                try:
                    changes = _apply(db, private, actor, item, action)
                except resolve.ReviewError as error:
                    raise HTTPException(409, str(error)) from None
                record_change(
                    private, actor, item["table_name"], item["record_id"],
                    {k: before for k, (before, _) in changes.items()}, {k: after for k, (_, after) in changes.items()},
                )  # fmt: skip

        await run_in_threadpool(work)
        return RedirectResponse(f"/staff/review?{urlencode({'done': DONE[action]})}", status_code=303)

    return [
        Route("/staff/review", index, methods=["GET"], name="review.index"),
        Route("/staff/review/{id:int}", one, methods=["GET"], name="review.item"),
        Route("/staff/review/{id:int}", decide, methods=["POST"], name="review.decide"),
    ]


def _apply(db, private, actor: Actor, item: dict, action: str) -> dict:
    if action == "accept":
        return resolve.accept_upstream(db, private, item, Source(actor.label))
    if action == "keep":
        return resolve.keep_local(private, item)
    if action == "merge":
        return resolve.merge_duplicate(db, private, item)
    return resolve.dismiss(private, item)


def _item_id(request: Request) -> int:
    return int(request.path_params["id"])


def _shown(db, actor: Actor, item: dict) -> dict:
    shown = describe_item(db, item)
    shown["may_decide"] = actor.role == "admin" or (
        actor.role in REVIEWERS and all(may_touch(actor, org) for org in organizations_touched(db, item))
    )
    return shown
