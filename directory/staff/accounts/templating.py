"""Jinja templates for every staff page: `render(request, "feature/page.html", {...})`.

Templates live in `directory/staff/templates/` (a sub-folder per feature) and
extend `base.html`, which gives the header, the navigation, the signed-in user,
the sign-out button and `{% block content %}`. Every template can use `actor`,
`csrf_token` (the value for a hidden `csrf_token` field), `instance_name` and `nav`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from directory.staff.auth import csrf_token, current_actor

STAFF_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = STAFF_DIR / "templates"
STATIC_DIR = STAFF_DIR / "static"

NAV = [
    ("Services", "/staff/services"),
    ("Translate", "/staff/translate"),
    ("Verify", "/staff/verify"),
    ("Review", "/staff/review"),
    ("Notices", "/staff/notices"),
    ("Feeds", "/staff/feeds"),
    ("Audit", "/staff/audit"),
]


def staff_context(request: Request) -> dict[str, Any]:
    instance = getattr(getattr(request.app, "state", None), "instance", None) if "app" in request.scope else None
    path = request.url.path
    return {
        "actor": current_actor(request),
        "csrf_token": csrf_token(request),
        "instance_name": instance.settings.name if instance is not None else "Harbour",
        "nav": [
            {"label": label, "href": href, "current": path == href or path.startswith(href + "/")}
            for label, href in NAV
        ],
    }


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[staff_context])


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
