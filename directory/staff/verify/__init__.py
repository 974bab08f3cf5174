"""Verification: "still correct" on a listing, and the dashboard of what needs a look."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.verify import pages

    return pages.routes(instance)
