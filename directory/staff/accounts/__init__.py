"""Staff accounts: users, passwords, sessions, API tokens, lock-out, sign-in pages.

`routes(instance)` gives the sign-in pages, the staff stylesheet, /api/whoami and
DELETE /api/token;
`actor_middleware(instance)` the Starlette middleware that names the actor of each request.
(Not called `middleware`: importing the submodule of that name would replace it.)
"""

from __future__ import annotations

from starlette.middleware import Middleware

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.accounts import api, pages

    return pages.routes(instance) + api.routes(instance)


def actor_middleware(instance: Instance) -> list[Middleware]:
    from directory.staff.accounts.middleware import ActorMiddleware

    return [Middleware(ActorMiddleware, instance=instance)]
