"""GET /staff/audit: the audit trail for admins, newest first, by record, person or table."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.audit import PAGE_SIZE, audit_entries
from directory.staff.auth import require_actor


def audit_page(instance: Instance):
    async def page(request: Request) -> Response:
        require_actor(request, roles={"admin"})
        params = request.query_params
        filters = {
            "record_id": params.get("record_id", "").strip(),
            "actor": params.get("actor", "").strip(),
            "table": params.get("table", "").strip(),
        }
        before_id = int(params["before"]) if params.get("before", "").isdigit() else None

        def read() -> list[dict]:
            private = instance.private()
            try:
                return audit_entries(private, before_id=before_id, **filters)
            finally:
                private.close()

        entries = await run_in_threadpool(read)
        for entry in entries:
            entry["changes"] = [
                (name, _shown((entry["before"] or {}).get(name)), _shown((entry["after"] or {}).get(name)))
                for name in entry["fields"] or []
            ]
        older = entries[-1]["id"] if len(entries) == PAGE_SIZE else None
        return render(request, "audit/list.html", {"entries": entries, "filters": filters, "older": older})

    return page


def _shown(value: object) -> str:
    """Values as text: plain for text, compact JSON for lists of children."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)
