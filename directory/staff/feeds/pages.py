"""/staff/feeds: a publisher's own feeds (admins and viewers see all of them).

- GET /staff/feeds: the feeds, each with its last run; the form to register one.
- POST /staff/feeds: register (name, URL, format, organization, mapping for spreadsheets).
- GET /staff/feeds/{name}: the last run in plain words, what is set aside and why,
  the runs before, and the form to change the feed.
- POST /staff/feeds/{name}: change its address, format or mapping.
- POST /staff/feeds/{name}/run: run it now.
- GET /staff/feeds/{name}/problems.csv[?run=ID]: every problem row of the last run (or that
  one), for a spreadsheet; whoever may see the page may download it.

A feed's address may hold credentials (user:password@, ?api_key=…): only admins see
it whole; everyone else sees it without them (`redact_url`), in the form and in the
reasons records were set aside. Saving the form with the address as shown keeps the
stored one, credentials and all.
"""

from __future__ import annotations

import csv
import io
import json

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.audit import record_change
from directory.staff.auth import check_csrf, require_actor, require_organization, writes
from directory.staff.bulk.formulas import guard
from directory.staff.feeds import registry
from directory.staff.terms.section import terms_section
from directory.sync.background import is_running, start_run
from directory.sync.errors import FetchError
from directory.sync.feeds import Feed, FeedError, add_feed
from directory.sync.problems import KINDS
from directory.sync.redact import redact_url, redact_urls
from directory.sync.report import KIND_WORDS, problem_rows, where

MANAGERS = {"editor", "publisher"}
EXAMPLES_SHOWN = 3  # of each kind of problem on the page; the CSV has every one



def routes(instance: Instance) -> list:
    async def index(request: Request) -> Response:
        actor = require_actor(request)
        return await run_in_threadpool(_index_page, instance, request, actor, {}, None, 200)

    @writes(roles=MANAGERS, scope="organizations", param="organization_id")
    async def register(request: Request) -> Response:
        actor = require_actor(request, roles=MANAGERS)
        await check_csrf(request)
        form = await request.form()
        values = {k: str(form.get(k) or "") for k in ("name", "url", "format", "organization_id", "mapping")}
        values["name"] = values["name"].strip().lower()

        def work() -> Response:
            with instance.databases() as (db, private):
                require_organization(actor, values["organization_id"] or None)
                try:
                    mapping = registry.parse_mapping_text(values["mapping"])
                    add_feed(db, private, Feed(name=values["name"], url=values["url"].strip(), format=values["format"],
                                               mapping=mapping, publisher_id=values["organization_id"] or None))  # fmt: skip
                except (FeedError, FetchError) as error:
                    return _index_page(instance, request, actor, values, str(error), 400)
                record_change(private, actor, "feeds", values["name"], None,
                              {k: values[k] for k in ("url", "format", "organization_id")})  # fmt: skip
            return RedirectResponse(f"/staff/feeds/{values['name']}?saved=registered", status_code=303)

        return await run_in_threadpool(work)

    async def detail(request: Request) -> Response:
        actor = require_actor(request)
        return await run_in_threadpool(_detail_page, instance, request, actor, None, None, 200)

    @writes(roles=MANAGERS, scope=None, param="name", examples={"name": "no-such-feed"})
    async def change(request: Request) -> Response:
        actor = require_actor(request, roles=MANAGERS)
        await check_csrf(request)
        name = request.path_params["name"]
        form = await request.form()
        values = {k: str(form.get(k) or "") for k in ("url", "format", "mapping")}

        def work() -> Response:
            with instance.databases() as (db, private):
                feed = _managed_feed(db, private, actor, name)
                if values["url"].strip() == _shown_url(actor, feed.url):
                    values["url"] = feed.url  # the address as the form showed it: unchanged, secrets kept
                try:
                    changed = registry.update_feed(db, private, name, values["url"], values["format"],
                                                   registry.parse_mapping_text(values["mapping"]))  # fmt: skip
                except (FeedError, FetchError) as error:
                    return _detail_page(instance, request, actor, values, str(error), 400)
                if changed:
                    record_change(private, actor, "feeds", name, {"url": feed.url, "format": feed.format},
                                  {"url": values["url"].strip(), "format": values["format"]})  # fmt: skip
            return RedirectResponse(f"/staff/feeds/{name}?saved={'changed' if changed else 'unchanged'}",
                                    status_code=303)  # fmt: skip

        return await run_in_threadpool(work)

    @writes(roles=MANAGERS, scope=None, param="name", examples={"name": "no-such-feed"})
    async def run(request: Request) -> Response:
        actor = require_actor(request, roles=MANAGERS)
        await check_csrf(request)
        name = request.path_params["name"]

        def work() -> bool:
            with instance.databases() as (db, private):
                _managed_feed(db, private, actor, name)
            # In a thread of its own: a sync may take minutes, and a request must not wait on it.
            return start_run(instance, name)

        started = await run_in_threadpool(work)
        return RedirectResponse(f"/staff/feeds/{name}?saved={'started' if started else 'running'}#report",
                                status_code=303)

    async def problems_csv(request: Request) -> Response:
        actor = require_actor(request)
        return await run_in_threadpool(_problems_csv, instance, request, actor)

    return [
        Route("/staff/feeds", index, methods=["GET"], name="feeds.index"),
        Route("/staff/feeds", register, methods=["POST"], name="feeds.register"),
        Route("/staff/feeds/{name}", detail, methods=["GET"], name="feeds.detail"),
        Route("/staff/feeds/{name}", change, methods=["POST"], name="feeds.change"),
        Route("/staff/feeds/{name}/run", run, methods=["POST"], name="feeds.run"),
        Route("/staff/feeds/{name}/problems.csv", problems_csv, methods=["GET"], name="feeds.problems"),
    ]


def _managed_feed(db, private, actor, name: str) -> Feed:
    """The feed, if this person manages it: 404 when there is none, 403 when it is another's."""
    from directory.sync.feeds import get_feed

    try:
        feed = get_feed(db, private, name)
    except FeedError:
        raise HTTPException(404, "No such feed.") from None
    require_organization(actor, feed.publisher_id)
    return feed


def _organizations(db, actor) -> list[tuple[str, str]]:
    if actor.role == "admin":
        return db.execute("SELECT id, name FROM organizations ORDER BY name COLLATE NOCASE").fetchall()
    ids = sorted(actor.organizations)
    if not ids:
        return []
    return db.execute(
        f"SELECT id, name FROM organizations WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY name", ids
    ).fetchall()


def _index_page(instance, request, actor, values: dict, error: str | None, status: int) -> Response:
    with instance.databases() as (db, _):
        context = {
            "feeds": registry.visible_feeds(db, actor),
            "organizations": _organizations(db, actor),
            "formats": registry.FORMAT_NAMES,
            "values": values,
            "error": error,
            "may_register": actor.role == "admin" or (actor.role in MANAGERS and actor.organizations),
        }
    for feed in context["feeds"]:
        feed["words"] = registry.in_words(feed if feed["result"] else None)
    return render(request, "feeds/index.html", context, status_code=status)


def _detail_page(instance, request, actor, values: dict | None, error: str | None, status: int) -> Response:
    name = request.path_params["name"]
    with instance.databases() as (db, private):
        feed = _visible_feed(db, private, actor, name)
        publisher = db.execute("SELECT name FROM organizations WHERE id = ?", [feed.publisher_id]).fetchone()
        runs = registry.recent_runs(db, name)
        report = _run_report(private, runs[0]) if runs else None
        quarantine = registry.feed_quarantine(private, name)
        if actor.role != "admin":
            for row in quarantine:
                row["reasons"] = [redact_urls(str(reason)) for reason in row["reasons"]]
        context = {
            "feed": feed, "publisher": publisher[0] if publisher else None, "runs": runs,
            "words": registry.in_words(runs[0] if runs else None), "quarantine": quarantine, "report": report,
            "may_manage": registry.may_manage(actor, feed.publisher_id), "formats": registry.FORMAT_NAMES,
            "error": error, "saved": request.query_params.get("saved"), "running": is_running(instance, name),
            "values": values or {"url": _shown_url(actor, feed.url), "format": feed.format,
                                 "mapping": _yaml(feed.mapping) if feed.mapping else ""},
        }  # fmt: skip
        context["terms"] = terms_section(db, actor, name, feed.publisher_id, request.query_params.get("terms"))
    return render(request, "feeds/detail.html", context, status_code=status)


def _visible_feed(db, private, actor, name: str):
    """The feed, if this person may see it: 404 when there is none, 403 when it is another's."""
    from directory.sync.feeds import get_feed

    try:
        feed = get_feed(db, private, name)
    except FeedError:
        raise HTTPException(404, "No such feed.") from None
    if not registry.may_see(actor, feed.publisher_id):
        raise HTTPException(403, "This feed belongs to an organization you do not manage.")
    return feed


def _run_report(private, run: dict) -> dict:
    """The run's problems for the page: each kind with its count in plain words and a few examples."""
    counts = json.loads(run.get("problems") or "{}")
    kinds = []
    for kind in KINDS:
        if counts.get(kind):
            examples = private.execute(
                "SELECT file, line, record, field, what FROM run_problems WHERE run_id = ? AND kind = ?"
                " ORDER BY seq LIMIT ?",
                [run["id"], kind, EXAMPLES_SHOWN],
            ).fetchall()
            kinds.append({"kind": kind, "count": counts[kind], "words": KIND_WORDS[kind],
                          "examples": [{"where": where(*row[:4]).removesuffix(": "), "what": row[4]}
                                       for row in examples]})  # fmt: skip
    total = sum(counts.get(kind, 0) for kind in KINDS)
    kept = private.execute("SELECT count(*) FROM run_problems WHERE run_id = ?", [run["id"]]).fetchone()[0]
    return {"run_id": run["id"], "kinds": kinds, "total": total, "kept": kept,
            "nothing_set_aside": not counts.get("set_aside") and not run.get("quarantined")}  # fmt: skip


def _problems_csv(instance, request, actor) -> Response:
    name = request.path_params["name"]
    with instance.databases() as (db, private):
        _visible_feed(db, private, actor, name)
        asked = request.query_params.get("run")
        if asked is not None and not asked.isdigit():
            raise HTTPException(400, "run must be a run's number.")
        row = db.execute(
            "SELECT id FROM sync_runs WHERE feed = ? AND (? IS NULL OR id = ?) ORDER BY id DESC LIMIT 1",
            [name, asked, int(asked) if asked else None],
        ).fetchone()
        if row is None:
            raise HTTPException(404, "This feed has no such run.")
        rows = problem_rows(private, row[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "what", "file", "line", "record", "field"])
    for problem in rows:
        cells = [problem[key] for key in ("kind", "what", "file", "line", "record", "field")]
        writer.writerow([guard(str(cell)) if isinstance(cell, str) else cell for cell in cells])
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-run-{row[0]}-problems.csv"'},
    )


def _shown_url(actor, url: str) -> str:
    """The feed's address as this person may read it: whole for admins, without credentials for others."""
    return url if actor.role == "admin" else redact_url(url)


def _yaml(mapping: dict) -> str:
    import yaml

    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
