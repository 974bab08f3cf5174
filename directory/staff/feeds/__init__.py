"""Publisher feeds: a civil-society group registers its feed, runs it and reads the report."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.feeds import pages

    return pages.routes(instance)
