"""/staff/notices: post, edit and withdraw urgent notices (admins and editors).

- GET /staff/notices: current, upcoming, past and withdrawn notices, and the form
  for a new one; POST /staff/notices posts it.
- GET /staff/notices/{id}: the notice's form and its translations;
  POST /staff/notices/{id} saves it; POST /staff/notices/{id}/withdraw takes it down.

Every write logs a change, so the phones' bundle version moves and they fetch it.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.clock import now_iso
from directory.config import UI_LANGUAGES
from directory.instance import Instance
from directory.push.dispatch import notice_delivery
from directory.staff.accounts.templating import render
from directory.staff.audit import record_change
from directory.staff.auth import check_csrf, require_actor, writes
from directory.staff.notices.store import (
    SEVERITIES,
    NoticeError,
    NoticeInput,
    create_notice,
    get_notice,
    list_notices,
    local_input,
    update_notice,
    withdraw_notice,
)

AUTHORS = {"editor"}
FIELDS = ("title", "body", "severity", "target", "target_value", "target_value_category", "target_value_area",
          "target_value_service", "starts", "ends")  # fmt: skip



def routes(instance: Instance) -> list:
    timezone = instance.settings.timezone

    async def index(request: Request) -> Response:
        actor = require_actor(request)
        return await run_in_threadpool(_index_page, instance, request, actor, {}, [], 200)

    @writes(roles=AUTHORS)
    async def create(request: Request) -> Response:
        actor = require_actor(request, roles=AUTHORS)
        await check_csrf(request)
        values = _values(await request.form())

        def work() -> Response:
            with instance.databases() as (db, private):
                try:
                    notice_id = create_notice(db, _input(values, timezone), private)
                except NoticeError as error:
                    return _index_page(instance, request, actor, values, str(error).split("; "), 400)
                notice = get_notice(db, notice_id, private)
                record_change(private, actor, "notices", notice_id, None, notice)
            return RedirectResponse(f"/staff/notices/{notice_id}?saved=posted", status_code=303)

        response = await run_in_threadpool(work)
        if response.status_code == 303:
            _wake_push(request, response.headers["location"].split("/")[-1].split("?")[0])
        return response

    async def edit_form(request: Request) -> Response:
        actor = require_actor(request)
        return await run_in_threadpool(_edit_page, instance, request, actor, None, [], 200)

    @writes(roles=AUTHORS)
    async def update(request: Request) -> Response:
        actor = require_actor(request, roles=AUTHORS)
        await check_csrf(request)
        notice_id = request.path_params["id"]
        values = _values(await request.form())

        def work() -> Response:
            with instance.databases() as (db, private):
                before = get_notice(db, notice_id, private)
                if before is None:
                    raise HTTPException(404, "No such notice.")
                if before["withdrawn"]:
                    raise HTTPException(409, "This notice was withdrawn; post a new one instead.")
                try:
                    changed = update_notice(db, notice_id, _input(values, timezone), private)
                except NoticeError as error:
                    return _edit_page(instance, request, actor, values, str(error).split("; "), 400)
                record_change(private, actor, "notices", notice_id, before, get_notice(db, notice_id, private))
            return RedirectResponse(f"/staff/notices/{notice_id}?saved={'saved' if changed else 'unchanged'}",
                                    status_code=303)  # fmt: skip

        return await run_in_threadpool(work)

    @writes(roles=AUTHORS)
    async def withdraw(request: Request) -> Response:
        actor = require_actor(request, roles=AUTHORS)
        await check_csrf(request)
        notice_id = request.path_params["id"]

        def work() -> None:
            with instance.databases() as (db, private):
                before = get_notice(db, notice_id, private)
                if before is None:
                    raise HTTPException(404, "No such notice.")
                if withdraw_notice(db, notice_id, private):
                    record_change(private, actor, "notices", notice_id, before, get_notice(db, notice_id, private))

        await run_in_threadpool(work)
        return RedirectResponse(f"/staff/notices/{notice_id}?saved=withdrawn", status_code=303)

    return [
        Route("/staff/notices", index, methods=["GET"], name="notices.index"),
        Route("/staff/notices", create, methods=["POST"], name="notices.create"),
        Route("/staff/notices/{id}", edit_form, methods=["GET"], name="notices.form"),
        Route("/staff/notices/{id}", update, methods=["POST"], name="notices.update"),
        Route("/staff/notices/{id}/withdraw", withdraw, methods=["POST"], name="notices.withdraw"),
    ]


def _values(form) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in FIELDS}


def _input(values: dict[str, str], timezone: str) -> NoticeInput:
    target = values["target"] or "everyone"
    chosen = values.get(f"target_value_{target}") or values["target_value"]
    return NoticeInput(title=values["title"], body=values["body"], severity=values["severity"] or "info",
                       target=target, target_value=chosen, starts=values["starts"], ends=values["ends"],
                       timezone=timezone)  # fmt: skip


def _options(db) -> dict:
    return {
        "severities": SEVERITIES,
        "categories": db.execute(
            """SELECT t.id, t.name, t.parent_id IS NULL FROM taxonomy_terms t
               JOIN term_details d ON d.term_id = t.id AND d.kind = 'category' ORDER BY d.sort_order"""
        ).fetchall(),
    }


def _index_page(instance, request, actor, values: dict, errors: list[str], status: int) -> Response:
    with instance.databases() as (db, private):
        context = {"groups": list_notices(db, private), "values": values, "errors": errors, **_options(db)}
    context["may_write"] = actor.role in AUTHORS | {"admin"}
    context["timezone"] = timezone = instance.settings.timezone
    for notices in context["groups"].values():
        for notice in notices:  # as people read a time: local, to the minute
            for column in ("starts", "ends", "withdrawn"):
                notice[f"{column}_shown"] = local_input(notice[column], timezone).replace("T", " ")
    return render(request, "notices/index.html", context, status_code=status)


def _edit_page(instance, request, actor, values: dict | None, errors: list[str], status: int) -> Response:
    notice_id = request.path_params["id"]
    timezone = instance.settings.timezone
    settings = instance.settings
    with instance.databases() as (db, private):
        notice = get_notice(db, notice_id, private)
        if notice is None:
            raise HTTPException(404, "No such notice.")
        delivery = notice_delivery(private, notice_id)
        statuses = dict(db.execute(
            "SELECT language, group_concat(status) FROM translations WHERE table_name = 'notices' AND record_id = ?"
            " GROUP BY language", [notice_id]).fetchall())  # fmt: skip
        options = _options(db)
    if values is None:
        target = ("category" if notice["category_id"] else "area" if notice["area"]
                  else "service" if notice["service_id"] else "everyone")  # fmt: skip
        values = {"title": notice["title"], "body": notice["body"], "severity": notice["severity"], "target": target,
                  "target_value": notice["category_id"] or notice["area"] or notice["service_id"] or "",
                  "starts": local_input(notice["starts"], timezone), "ends": local_input(notice["ends"], timezone)}  # fmt: skip
    languages = [
        {"code": code, "name": UI_LANGUAGES.get(code, code),
         "status": "outdated" if "outdated" in (statuses.get(code) or "") else "human" if code in statuses else "missing"}
        for code in settings.languages if code != settings.source_language
    ]  # fmt: skip
    return render(request, "notices/edit.html", {
        "notice": notice, "values": values, "errors": errors, "languages": languages, "timezone": timezone,
        "delivery": delivery, "upcoming": notice["starts"] > now_iso(),
        "may_write": actor.role in AUTHORS | {"admin"}, "saved": request.query_params.get("saved"), **options,
    }, status_code=status)  # fmt: skip


def _wake_push(request: Request, notice_id: str) -> None:
    """Send a new notice to subscribed phones now, off this request (the push thread does it)."""
    dispatcher = getattr(request.app.state, "push_dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake(notice_id)
