"""Who is asking, and may they? The contract every staff route uses.

Implemented by the accounts work; editing, translation, review and publisher
routes only call these functions:

    actor = require_actor(request, roles={"admin", "editor"})     # 401 / 403
    require_organization(actor, organization_id)                   # 403
    await check_csrf(request)                                      # 403 on a form without a valid token
    csrf_token(request)                                            # for templates (hidden csrf_token field)

An Actor comes from the session cookie (pages) or `Authorization: Bearer TOKEN`
(the JSON API); the middleware puts it on `request.state.actor` (None when
anonymous). Roles: admin (everything), editor (services, locations and
translations of their organizations), publisher (its own organization's
services and feeds), viewer (read).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "editor", "publisher", "viewer")
WRITERS = frozenset({"admin", "editor", "publisher"})


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
