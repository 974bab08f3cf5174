"""A feed's unmapped terms on its staff page, each accepted onto a Harbour term in one step."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.terms import pages

    return pages.routes(instance)
