"""/staff/bulk: export services as CSV; import a sheet, seeing what would change before it does.

- GET /staff/bulk: the export and import forms.
- GET /staff/bulk/export?organization=ID&category=ID|CODE: a CSV of those services.
- POST /staff/bulk/import with a file (and an optional YAML mapping; by default the
  export's own columns): a preview, nothing written. The preview's confirm form
  carries the same file back (`step=apply`), and the import is applied.

Admins import anything; editors only services of their organizations.
"""

from __future__ import annotations

import base64
import binascii
import re
from contextlib import closing

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from directory.clock import today_iso
from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.audit import record_change
from directory.staff.auth import check_csrf, require_actor, writes
from directory.staff.bulk.export import COLUMNS, IMPORT_MAPPING, select_services, to_csv
from directory.staff.bulk.importer import ImportReport, ImportSettings, keep_staff_values, run_import
from directory.store import Source

IMPORTERS = {"editor"}
MAX_BYTES = 5 * 1024 * 1024
# The confirm form carries the sheet back in hidden fields; a form field may hold at most 1 MB.
CHUNK = 512 * 1024


def routes(instance: Instance) -> list:
    async def index(request: Request) -> Response:
        actor = require_actor(request)
        return render(request, "bulk/index.html", await run_in_threadpool(_index_context, instance, actor))

    async def export(request: Request) -> Response:
        require_actor(request)
        organization = request.query_params.get("organization") or None
        category = request.query_params.get("category") or None

        def work() -> str:
            with closing(instance.directory()) as db:
                return to_csv(select_services(db, organization, category))

        body = await run_in_threadpool(work)
        name = "-".join(part for part in ("services", _slug(category), today_iso()) if part)
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})  # fmt: skip

    @writes(roles=IMPORTERS)
    async def import_(request: Request) -> Response:
        actor = require_actor(request, roles=IMPORTERS)
        await check_csrf(request)
        form = await request.form()
        apply = form.get("step") == "apply"
        data, filename = await _uploaded(form, apply)
        mapping_text = str(form.get("mapping") or "")
        try:
            mapping = yaml.safe_load(mapping_text) if mapping_text.strip() else IMPORT_MAPPING
        except yaml.YAMLError as error:
            raise HTTPException(400, f"The mapping is not valid YAML: {str(error).splitlines()[0]}") from None
        settings = ImportSettings(
            source=Source(actor.label),
            organizations=None if actor.role == "admin" else frozenset(actor.organizations),
            region=instance.settings.country, timezone=instance.settings.timezone,
        )  # fmt: skip

        def work() -> ImportReport:
            with closing(instance.directory()) as db, closing(instance.private()) as private:
                report = run_import(db, data, filename, mapping, settings, apply)
                if report.applied:
                    keep_staff_values(db, private, report)
                    for row in report.rows:
                        if row.outcome in ("created", "updated") and row.record_id:
                            record_change(private, actor, "services", row.record_id,
                                          None if row.outcome == "created" else {"import": filename},
                                          {"import": filename, "changes": row.changes})  # fmt: skip
                return report

        report = await run_in_threadpool(work)
        return render(request, "bulk/result.html", {
            "report": report, "filename": filename, "mapping": mapping_text,
            "data": _chunks(base64.b64encode(data).decode("ascii")),
        }, status_code=400 if report.error else 200)  # fmt: skip

    return [
        Route("/staff/bulk", index, methods=["GET"], name="bulk.index"),
        Route("/staff/bulk/export", export, methods=["GET"], name="bulk.export"),
        Route("/staff/bulk/import", import_, methods=["POST"], name="bulk.import"),
    ]


async def _uploaded(form, apply: bool) -> tuple[bytes, str]:
    """The sheet: the uploaded file for a preview, the preview's copy of it when applying."""
    filename = re.sub(r"[^\w.\- ]", "_", str(form.get("filename") or ""))[:100] or "upload.csv"
    if apply:
        try:
            data = base64.b64decode("".join(str(part) for part in form.getlist("data")), validate=True)
        except (binascii.Error, ValueError):
            raise HTTPException(400, "The confirmed sheet did not come back whole; upload it again.") from None
    else:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise HTTPException(400, "Choose a CSV or XLSX file to import.")
        filename = re.sub(r"[^\w.\- ]", "_", upload.filename)[:100]
        data = await upload.read(MAX_BYTES + 1)
    if not data:
        raise HTTPException(400, "The file is empty.")
    if len(data) > MAX_BYTES:
        raise HTTPException(413, f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    return data, filename


def _chunks(text: str) -> list[str]:
    return [text[start : start + CHUNK] for start in range(0, len(text), CHUNK)] or [""]


def _slug(text: str | None) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", (text or "").lower()).strip("-")[:40]


def _index_context(instance: Instance, actor) -> dict:
    with closing(instance.directory()) as db:
        organizations = db.execute(
            "SELECT o.id, o.name FROM organizations o WHERE EXISTS (SELECT 1 FROM services s"
            " WHERE s.organization_id = o.id) ORDER BY o.name COLLATE NOCASE"
        ).fetchall()
        categories = db.execute(
            """SELECT t.code, t.name, t.parent_id IS NULL FROM taxonomy_terms t
               JOIN term_details d ON d.term_id = t.id AND d.kind = 'category' ORDER BY d.sort_order"""
        ).fetchall()
    return {
        "organizations": organizations, "categories": categories, "columns": COLUMNS,
        "may_import": actor.role in IMPORTERS | {"admin"},
        "mapping_example": yaml.safe_dump(IMPORT_MAPPING, sort_keys=False),
    }  # fmt: skip
