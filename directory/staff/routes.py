"""Every staff and API route, gathered from the modules that own them.

Each feature module exposes `routes(instance) -> list[Route | Mount]`; add a
module to FEATURES to publish it. The route-table test walks this list.
"""

from __future__ import annotations

import importlib

from directory.instance import Instance

FEATURES: list[str] = [
    "directory.staff.accounts",  # sign-in, sign-out, the staff home page and stylesheet
    "directory.staff.editing.routes",  # edit services, organizations, locations; the audit page
    "directory.staff.api.routes",  # the JSON API: records with ETags, publish, audit
    "directory.staff.translate",  # missing and outdated translations, side-by-side forms
    "directory.staff.verify",  # "still correct" and the verification dashboard
    "directory.staff.review",  # conflicts and possible duplicates the sync engine queued
    "directory.staff.notices",  # urgent notices
    "directory.staff.feeds",  # publishers' own feeds, runs and reports
    "directory.staff.terms",  # a feed's unmapped terms, mapped onto Harbour categories
    "directory.staff.bulk",  # CSV export, and import with a preview
]


def routes(instance: Instance) -> list:
    gathered: list = []
    for name in FEATURES:
        gathered += importlib.import_module(name).routes(instance)
    return gathered
