"""Every staff and API route, gathered from the modules that own them.

Each feature module exposes `routes(instance) -> list[Route | Mount]`; add a
module to FEATURES to publish it. The route-table test walks this list.
"""

from __future__ import annotations

import importlib

from directory.instance import Instance

FEATURES: list[str] = []  # e.g. "directory.staff.accounts.routes"


def routes(instance: Instance) -> list:
    gathered: list = []
    for name in FEATURES:
        gathered += importlib.import_module(name).routes(instance)
    return gathered
