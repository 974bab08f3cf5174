"""Routes of the edit pages and the audit page.

    GET  /staff/{services|organizations|locations}            list, search, filter by organization
    GET  /staff/{…}/new, POST /staff/{…}/new                    a new record (→ 303 to its page)
    GET  /staff/{…}/{id}, POST /staff/{…}/{id}                  the edit form (hidden `version`)
    GET  /staff/audit                                           the audit trail (admins)

`new` comes before `{id}`, so it is never read as an id. Each write route declares
its rule (auth.ROUTE_RULES) so the route-table test knows who may write: a new
record is scoped by the `organization_id` field of its form.
"""

from __future__ import annotations

from starlette.routing import Route

from directory.instance import Instance
from directory.staff.auth import ROUTE_RULES, RouteRule
from directory.staff.editing.audit_page import audit_page
from directory.staff.editing.kinds import KINDS
from directory.staff.editing.pages import EditPages


def routes(instance: Instance) -> list:
    found: list = []
    for kind in KINDS.values():
        pages = EditPages(instance, kind)
        ROUTE_RULES[f"{kind.table}.save"] = RouteRule(frozenset(kind.roles), kind.table, "id")
        ROUTE_RULES[f"{kind.table}.create"] = (
            RouteRule(frozenset(kind.create_roles), "organizations", "organization_id")
            if kind.create_roles
            else RouteRule(frozenset({"admin"}))  # a new organization: admins only
        )
        base = f"/staff/{kind.path}"
        found += [
            Route(base, pages.list, methods=["GET"], name=f"{kind.table}.list"),
            Route(base + "/new", pages.new, methods=["GET"], name=f"{kind.table}.new"),
            Route(base + "/new", pages.create, methods=["POST"], name=f"{kind.table}.create"),
            Route(base + "/{id}", pages.edit, methods=["GET"], name=f"{kind.table}.edit"),
            Route(base + "/{id}", pages.save, methods=["POST"], name=f"{kind.table}.save"),
        ]
    found.append(Route("/staff/audit", audit_page(instance), methods=["GET"], name="audit.page"))
    return found
