"""The PWA's routes alone, in process, with the shell cache they fill."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from directory.bundle.shell import ShellFiles
from directory.instance import Instance
from directory.web.errors import HANDLERS


def pwa_app(instance: Instance) -> tuple[Starlette, ShellFiles]:
    from directory.web import pwa_routes

    routes = pwa_routes.routes(instance)
    (mount,) = [route for route in routes if isinstance(route, Mount)]
    # The catch-all's own cache, wherever it keeps it (an attribute, or only its closure).
    shell = getattr(mount.app, "shell", None) or next(
        cell.cell_contents for cell in mount.app.__closure__ if isinstance(cell.cell_contents, ShellFiles)
    )
    return Starlette(routes=routes, exception_handlers=HANDLERS), shell
