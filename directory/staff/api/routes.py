"""The staff JSON API (Bearer tokens; a cookie alone cannot write here).

    GET   /api/{services|organizations|locations}/{id}   the full record, ETag = its version
    PATCH /api/{services|organizations|locations}/{id}   JSON merge-patch; If-Match required (428/412)
    POST  /api/publish                                   a publisher's services, merged like a feed
    GET   /api/audit?record_id=…                         the audit trail (admins)
"""

from __future__ import annotations

from starlette.routing import Route

from directory.instance import Instance
from directory.staff.api.audit import audit_route
from directory.staff.api.publish import publish_route
from directory.staff.api.records import RecordApi
from directory.staff.auth import ROUTE_RULES, RouteRule
from directory.staff.editing.kinds import KINDS


def routes(instance: Instance) -> list:
    found: list = []
    for kind in KINDS.values():
        api = RecordApi(instance, kind)
        ROUTE_RULES[f"api.{kind.table}.patch"] = RouteRule(frozenset(kind.roles), kind.table, "id")
        path = f"/api/{kind.path}/{{id}}"
        found += [
            Route(path, api.get, methods=["GET"], name=f"api.{kind.table}.get"),
            Route(path, api.patch, methods=["PATCH"], name=f"api.{kind.table}.patch"),
        ]
    # The organization is the token's own (or ?organization_id=): not a body field.
    ROUTE_RULES["api.publish"] = RouteRule(frozenset({"publisher"}))
    found += [
        Route("/api/publish", publish_route(instance), methods=["POST"], name="api.publish"),
        Route("/api/audit", audit_route(instance), methods=["GET"], name="api.audit"),
    ]
    return found
