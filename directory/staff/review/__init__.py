"""The review queue: conflicts between staff edits and feeds, and possible duplicate listings."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.review import pages

    return pages.routes(instance)
