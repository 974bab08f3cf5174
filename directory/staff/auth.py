"""Who is asking, and may they? The contract every staff route uses.

Editing, translation, review and publisher routes only call these functions, in
this order (so the answers are the same everywhere: 401, then 403, then the rest):

    actor = require_actor(request, roles={"admin", "editor"})     # 401 anonymous / 403 wrong role
    await check_csrf(request)                                      # 403 on a write without a valid token
    record = load the record, 404 if missing
    require_organization(actor, record["organization_id"])         # 403 outside the actor's organizations
    … validate the input (400/422), write, answer

    csrf_token(request)          # for templates: <input type="hidden" name="csrf_token" value="…">

An Actor comes from the session cookie (pages) or `Authorization: Bearer TOKEN`
(the JSON API); the middleware (`directory.staff.accounts.middleware`) puts it on
`request.state.actor` (None when anonymous). Roles: admin (everything, always
allowed), editor (services, locations and translations of their organizations),
publisher (its own organization's services and feeds), viewer (read).

The middleware also guards every write under /staff/ and /api/ before a route
runs: anonymous writes get 401, form writes without the session's CSRF token 403,
and /api/ writes that carry only a cookie 403 (the API takes Bearer tokens).
`check_csrf` repeats the check, so a route is safe even if moved elsewhere.

Route rules (for the route-table test, tests/staff/test_route_matrix.py): every
POST/PUT/PATCH/DELETE route is walked automatically. A route whose path has no
parameters, or whose only parameter is `{id}` under a path naming its table
(`/staff/services/{id}/…`, `/api/organizations/{id}`), needs nothing more. Any
other route declares what it writes, with the decorator on its endpoint

    @writes(roles={"editor"}, scope="services", param="service_id")
    async def update_service(request): …

or, for an endpoint you cannot decorate, by route name in ROUTE_RULES:

    ROUTE_RULES["feeds.remove"] = RouteRule(roles=frozenset({"publisher"}), scope=None,
                                            examples={"name": "kingsmere-ngo"})

`roles` are the roles that may write (admin is always allowed; list "viewer" too
if any signed-in user may, as for sign-out). `scope` is the table
("organizations", "services", "locations", or any table with an organization_id,
service_id or location_id column) whose record id `param` holds: a path
parameter, or else a form field (a JSON key on /api/) — e.g. the
`organization_id` of a new service. The test then proves a user of another
organization is refused 403 on a real demo record. `scope=None` means not
organization-scoped. `examples` gives values for other path parameters (a
placeholder is used otherwise). `anonymous=True` is for the sign-in form only.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException
from starlette.requests import Request

ROLES = ("admin", "editor", "publisher", "viewer")
WRITERS = frozenset({"admin", "editor", "publisher"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Actor:
    user_id: int
    email: str
    role: str
    organizations: frozenset[str]
    via: str  # "session" or "token"

    @property
    def label(self) -> str:
        """How public records name this change: a role, never a person."""
        return f"staff:{self.role}"


def current_actor(request: Request) -> Actor | None:
    """The signed-in actor, or None (also when the middleware did not run)."""
    return getattr(request.state, "actor", None)


def require_actor(request: Request, roles: Iterable[str] | None = None) -> Actor:
    """The signed-in actor; 401 when anonymous, 403 when their role is not in `roles`.

    `roles=None` lets any signed-in role in (viewer included). Admin is always allowed.
    """
    actor = current_actor(request)
    if actor is None:
        raise HTTPException(401, _sign_in(request), headers=_challenge(request))
    if roles is not None:
        allowed = set(roles)
        unknown = allowed - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        if actor.role != "admin" and actor.role not in allowed:
            raise HTTPException(403, "Your role does not allow this.")
    return actor


def require_organization(actor: Actor, organization_id: str | None) -> None:
    """403 unless the actor is an admin or an editor/publisher of this organization."""
    if actor.role == "admin":
        return
    if actor.role in ("editor", "publisher") and organization_id and organization_id in actor.organizations:
        return
    raise HTTPException(403, "This record belongs to an organization you do not manage.")


def may_touch(actor: Actor | None, organization_id: str | None) -> bool:
    """The same rule as require_organization, as a yes/no (for showing or hiding buttons)."""
    if actor is None:
        return False
    try:
        require_organization(actor, organization_id)
    except HTTPException:
        return False
    return True


def csrf_token(request: Request) -> str:
    """The session's CSRF token for a hidden `csrf_token` field ('' when anonymous)."""
    return getattr(request.state, "csrf_token", None) or ""


async def check_csrf(request: Request) -> None:
    """Refuse a forged write: 401 anonymous; 403 without the session's token.

    - Bearer-token requests cannot be forged by another site: they pass.
    - /api/ writes that come with only a session cookie are refused (403).
    - Forms must carry a `csrf_token` field (or an `X-CSRF-Token` header) equal to the
      session's token.
    """
    if request.method in SAFE_METHODS:
        return
    actor = current_actor(request)
    if actor is None:
        raise HTTPException(401, _sign_in(request), headers=_challenge(request))
    if actor.via == "token":
        return
    if is_api_path(request.url.path):
        raise HTTPException(403, "The API takes Authorization: Bearer TOKEN; a cookie alone cannot write.")
    expected = csrf_token(request)
    sent = request.headers.get(CSRF_HEADER) or await _form_token(request)
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "The form has expired or did not come from Harbour. Reload it and try again.")


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


async def _form_token(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


def _sign_in(request: Request) -> str:
    return "Send Authorization: Bearer TOKEN." if is_api_path(request.url.path) else "Sign in at /staff/login to continue."


def _challenge(request: Request) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if is_api_path(request.url.path) else None


# --- route rules: what each write route touches, for the route-table test -------------


@dataclass(frozen=True)
class RouteRule:
    roles: frozenset[str]
    scope: str | None = None  # table whose record id `param` holds; None: not organization-scoped
    param: str = "id"
    examples: Mapping[str, str] = field(default_factory=dict)  # values for other path parameters
    anonymous: bool = False  # anyone may post (only the sign-in form); it checks its own CSRF token


ROUTE_RULES: dict[str, RouteRule] = {}  # by Starlette route name


def writes(
    roles: Iterable[str],
    scope: str | None = None,
    param: str = "id",
    examples: Mapping[str, str] | None = None,
    anonymous: bool = False,
) -> Callable:
    """Declare what a write endpoint touches (read by the route-table test; no effect at run time)."""
    rule = RouteRule(frozenset(roles), scope, param, dict(examples or {}), anonymous)

    def mark(endpoint: Callable) -> Callable:
        endpoint.route_rule = rule  # type: ignore[attr-defined]
        return endpoint

    return mark


def rule_for(route) -> RouteRule | None:
    """The declared rule of a Starlette route: decorator first, then ROUTE_RULES by name."""
    return getattr(getattr(route, "endpoint", None), "route_rule", None) or ROUTE_RULES.get(getattr(route, "name", ""))
