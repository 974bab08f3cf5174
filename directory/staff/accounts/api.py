"""The account end of the JSON API.

- GET /api/whoami: who the token (or session) belongs to: e-mail, role, organizations.
- DELETE /api/token: revoke the Bearer token this request carries (a client signing itself out).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from directory.instance import Instance
from directory.staff.accounts.tokens import revoke_token
from directory.staff.auth import ROLES, check_csrf, require_actor, writes


def routes(instance: Instance) -> list:
    async def whoami(request: Request) -> Response:
        actor = require_actor(request)
        return JSONResponse(
            {
                "email": actor.email,
                "role": actor.role,
                "organizations": sorted(actor.organizations),
                "via": actor.via,
            }
        )

    @writes(roles=ROLES)
    async def revoke_own_token(request: Request) -> Response:
        require_actor(request)
        await check_csrf(request)  # a cookie alone is refused: only the token itself can revoke itself
        token = request.headers["authorization"].partition(" ")[2].strip()

        def revoke() -> None:
            db = instance.private()
            try:
                revoke_token(db, token)
            finally:
                db.close()

        await run_in_threadpool(revoke)
        return Response(status_code=204)

    return [
        Route("/api/whoami", whoami, methods=["GET"], name="accounts.whoami"),
        Route("/api/token", revoke_own_token, methods=["DELETE"], name="accounts.revoke_own_token"),
    ]
