"""Translation: each language's missing and outdated texts, and a side-by-side form per record."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.translate import pages

    return pages.routes(instance)
