"""/staff/translate: what is missing or outdated per language, and the form for one record.

- GET /staff/translate: every language with how much is up to date; with
  `?lang=ar` (and `&table=services`), the records that need work in that language.
- GET /staff/translate/{table}/{id}?lang=ar: the source text and the translation
  side by side, field by field, with each translation's status.
- POST the same path: save what was written (through the store's set_translation).

Services are translated by admins, and by editors and publishers of their
organization; taxonomy terms and notices by admins and editors.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.config import RTL_LANGUAGES, UI_LANGUAGES
from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.audit import record_change
from directory.staff.auth import check_csrf, may_touch, require_actor, require_organization, writes
from directory.staff.translate import queries
from directory.staff.translate.fields import FIELD_LABELS, SHORT_FIELDS, TABLE_LABELS, TRANSLATABLE
from directory.staff.translate.save import Submitted, save_translations

PAGE_SIZE = 50
WRITERS = {"services": {"editor", "publisher"}, "taxonomy_terms": {"editor"}, "notices": {"editor"}}



def target_languages(instance: Instance) -> list[tuple[str, str]]:
    settings = instance.settings
    return [(c, UI_LANGUAGES.get(c, c)) for c in settings.languages if c != settings.source_language]


def routes(instance: Instance) -> list:
    async def overview(request: Request) -> Response:
        require_actor(request)
        languages = target_languages(instance)
        lang = request.query_params.get("lang") or ""
        table = request.query_params.get("table") or None
        if lang and lang not in dict(languages):
            raise HTTPException(404, f"{lang!r} is not one of this directory's languages.")
        if table is not None and table not in TRANSLATABLE:
            raise HTTPException(404, f"{table!r} has nothing to translate.")
        page = _page_number(request)

        def read() -> dict:
            with instance.databases() as (db, _):
                summary = [{"code": c, "name": n, **queries.completeness(db, c)} for c, n in languages]
                work = queries.worklist(db, lang, table) if lang else []
            return {"summary": summary, "work": work}

        data = await run_in_threadpool(read)
        work = data["work"]
        return render(request, "translate/index.html", {
            **data, "lang": lang, "lang_name": dict(languages).get(lang, ""), "table": table,
            "work": work[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], "total": len(work), "page": page,
            "pages": max(1, -(-len(work) // PAGE_SIZE)), "tables": TABLE_LABELS, "field_labels": FIELD_LABELS,
        })  # fmt: skip

    def record_routes(table: str) -> list[Route]:
        async def form(request: Request) -> Response:
            actor = require_actor(request)
            record_id = request.path_params["id"]
            lang = _language(request, instance)
            context = await run_in_threadpool(_record_context, instance, table, record_id, lang)
            context["may_write"] = _may_write(actor, table, context["organization_id"])
            context["saved"] = request.query_params.get("saved")
            return render(request, "translate/record.html", context)

        @writes(roles=WRITERS[table], scope="services" if table == "services" else None, param="id")
        async def save(request: Request) -> Response:
            actor = require_actor(request, roles=WRITERS[table])
            await check_csrf(request)
            record_id = request.path_params["id"]
            form_data = await request.form()
            lang = str(form_data.get("lang") or "")

            def work() -> int:
                with instance.databases() as (db, private):
                    if queries.record_label(db, table, record_id) is None:
                        raise HTTPException(404, "No such record.")
                    if table == "services":
                        require_organization(actor, queries.service_organization(db, record_id))
                    if lang not in dict(target_languages(instance)):
                        raise HTTPException(400, "Choose one of this directory's languages to translate into.")
                    sides = queries.side_by_side(db, table, record_id, lang) or []
                    submitted = [
                        Submitted(side.field, str(form_data.get(f"text-{side.field}") or ""),
                                  form_data.get(f"confirm-{side.field}") == "yes")  # fmt: skip
                        for side in sides
                    ]
                    try:
                        changed = save_translations(db, table, record_id, lang, sides, submitted)
                    except ValueError as error:  # a text that is only markup: nothing was saved
                        raise HTTPException(400, str(error)) from None
                    if changed:
                        record_change(
                            private, actor, table, record_id,
                            {f"{f}@{lang}": before for f, (before, _) in changed.items()},
                            {f"{f}@{lang}": after for f, (_, after) in changed.items()},
                        )  # fmt: skip
                    return len(changed)

            saved = await run_in_threadpool(work)
            query = urlencode({"lang": lang, "saved": saved})
            return RedirectResponse(f"/staff/translate/{table}/{record_id}?{query}", status_code=303)

        return [
            Route(f"/staff/translate/{table}/{{id}}", form, methods=["GET"], name=f"translate.{table}.form"),
            Route(f"/staff/translate/{table}/{{id}}", save, methods=["POST"], name=f"translate.{table}.save"),
        ]

    found = [Route("/staff/translate", overview, methods=["GET"], name="translate.overview")]
    for table in TRANSLATABLE:
        found += record_routes(table)
    return found


def _may_write(actor, table: str, organization_id: str | None) -> bool:
    if actor.role == "admin":
        return True
    if actor.role not in WRITERS[table]:
        return False
    return table != "services" or may_touch(actor, organization_id)


def _language(request: Request, instance: Instance) -> str:
    languages = dict(target_languages(instance))
    lang = request.query_params.get("lang") or next(iter(languages), "")
    if lang not in languages:
        raise HTTPException(404, f"{lang!r} is not one of this directory's languages.")
    return lang


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        return 1


def _record_context(instance: Instance, table: str, record_id: str, lang: str) -> dict:
    with instance.databases() as (db, _):
        sides = queries.side_by_side(db, table, record_id, lang)
        if sides is None:
            raise HTTPException(404, "No such record.")
        label = queries.record_label(db, table, record_id)
        organization_id = queries.service_organization(db, record_id) if table == "services" else None
        statuses = {
            code: dict(db.execute(
                "SELECT field, status FROM translations WHERE table_name = ? AND record_id = ? AND language = ?",
                [table, record_id, code],
            ).fetchall())
            for code, _ in target_languages(instance)
        }  # fmt: skip
    fields = [side.field for side in sides]
    overview = [
        {"code": code, "name": name, "current": code == lang,
         "missing": sum(1 for f in fields if f not in statuses[code]),
         "outdated": sum(1 for f in fields if statuses[code].get(f) == "outdated")}
        for code, name in target_languages(instance)
    ]  # fmt: skip
    return {
        "table": table, "table_label": TABLE_LABELS[table], "record_id": record_id, "label": label,
        "lang": lang, "lang_name": UI_LANGUAGES.get(lang, lang), "rtl": lang in RTL_LANGUAGES,
        "source_language": instance.settings.source_language, "sides": sides, "field_labels": FIELD_LABELS,
        "short_fields": SHORT_FIELDS, "organization_id": organization_id, "languages": overview,
    }  # fmt: skip
