"""GET /api/audit?record_id=…: the audit trail as JSON, for admins only (it names people)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from directory.instance import Instance
from directory.staff.audit import PAGE_SIZE, audit_entries
from directory.staff.auth import require_actor


def audit_route(instance: Instance):
    async def audit(request: Request) -> Response:
        require_actor(request, roles={"admin"})
        params = request.query_params
        before_id = int(params["before"]) if params.get("before", "").isdigit() else None
        limit = min(int(params["limit"]), 1000) if params.get("limit", "").isdigit() else PAGE_SIZE

        def read() -> list[dict]:
            private = instance.private()
            try:
                return audit_entries(
                    private,
                    record_id=params.get("record_id") or None,
                    actor=params.get("actor") or None,
                    table=params.get("table") or None,
                    before_id=before_id,
                    limit=max(1, limit),
                )
            finally:
                private.close()

        entries = await run_in_threadpool(read)
        older = entries[-1]["id"] if entries and len(entries) == limit else None
        return JSONResponse({"entries": entries, "next_before": older})

    return audit
