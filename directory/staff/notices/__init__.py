"""Urgent notices: posted, edited and withdrawn by staff; shown on top in the app."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.notices import pages

    return pages.routes(instance)
