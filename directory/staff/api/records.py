"""GET and PATCH /api/{services|organizations|locations}/{id}: one record, with optimistic concurrency.

GET answers the full nested record (a service with its organization, locations,
phones, schedules, attributes and metadata) and its version as an `ETag`.
PATCH takes a JSON merge-patch (merge_patch.py) and `If-Match: "<version>"`:
428 without it, 412 when the record changed since that version (the body lists
the fields that changed and their values now), 422 when the result cannot be
stored; otherwise 200 with the record and its new ETag.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from directory.hsds.assemble import assemble, assemble_service
from directory.instance import Instance
from directory.staff.api.merge_patch import PatchError, apply_patch
from directory.staff.auth import check_csrf, require_actor, require_organization
from directory.staff.editing.kinds import Kind
from directory.staff.editing.pages import owner_of
from directory.staff.editing.save import save_edit
from directory.staff.editing.versions import etag, load_record, parse_if_match, remember, version_of
from directory.web.json_body import read_json

JSON_TYPES = ("application/json", "application/merge-patch+json")
PATCH_MAX_BYTES = 1024 * 1024  # one record with its child lists
PATCH_MAX_DEPTH = 16


class RecordApi:
    def __init__(self, instance: Instance, kind: Kind):
        self.instance, self.kind = instance, kind

    async def get(self, request: Request) -> Response:
        require_actor(request)
        record, version = await run_in_threadpool(self._read, request.path_params["id"])
        if version in parse_if_match(request.headers.get("if-none-match")):
            return Response(status_code=304, headers={"ETag": etag(version)})
        return JSONResponse(record, headers={"ETag": etag(version)})

    async def patch(self, request: Request) -> Response:
        actor = require_actor(request, roles=self.kind.roles)
        await check_csrf(request)
        record_id = request.path_params["id"]
        current = await run_in_threadpool(self._current, record_id)
        require_organization(actor, owner_of(self.kind, current))
        versions = parse_if_match(request.headers.get("if-match"))
        if not versions:
            return _problem(428, "Send If-Match with the ETag of the record you changed (GET it first).")
        patch = await read_json(request, max_bytes=PATCH_MAX_BYTES, max_depth=PATCH_MAX_DEPTH, types=JSON_TYPES)
        try:
            record = apply_patch(self.kind.table, current, patch)
        except PatchError as error:
            return _problem(422, "The patch cannot be applied.", problems=error.problems)
        base = "*" if "*" in versions else (version_of(current) if version_of(current) in versions else versions[0])

        def save():
            db, private = self.instance.directory(), self.instance.private()
            try:
                result = save_edit(db, private, self.instance.settings, actor, self.kind.table, record, base)
                return result, (self._full(db, record_id) if result.status in ("saved", "unchanged") else None)
            finally:
                db.close()
                private.close()

        result, full = await run_in_threadpool(save)
        if result.status == "stale":
            now = result.record or {}
            return JSONResponse(
                {
                    "error": "The record changed since the version you sent; GET it again and re-apply your change.",
                    "status": 412,
                    "changed": result.meanwhile,
                    "current": {f: now.get(f) for f in result.meanwhile},
                    "current_version": result.version,
                },
                status_code=412,
                headers={"ETag": etag(result.version)},
            )
        if result.status == "invalid":
            return _problem(422, "The record cannot be stored as it is.", problems=result.problems)
        return JSONResponse(
            full, headers={"ETag": etag(result.version), "X-Harbour-Changed": ",".join(result.changed) or "-"}
        )

    # -- in a thread ------------------------------------------------------------------

    def _current(self, record_id: str) -> dict:
        db = self.instance.directory()
        try:
            current = load_record(db, self.kind.table, record_id)
        finally:
            db.close()
        if current is None:
            raise HTTPException(404, f"No {self.kind.singular} {record_id}.")
        return current

    def _read(self, record_id: str) -> tuple[dict, str]:
        db, private = self.instance.directory(), self.instance.private()
        try:
            editable_record = load_record(db, self.kind.table, record_id)
            if editable_record is None:
                raise HTTPException(404, f"No {self.kind.singular} {record_id}.")
            return self._full(db, record_id), remember(private, self.kind.table, editable_record)
        finally:
            db.close()
            private.close()

    def _full(self, db, record_id: str) -> dict | None:
        if self.kind.table == "services":
            return assemble_service(db, record_id)
        return assemble(db, self.kind.table, record_id)


def _problem(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, "status": status, **extra}, status_code=status)
