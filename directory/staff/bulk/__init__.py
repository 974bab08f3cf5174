"""Services by the spreadsheet: export a selection as CSV, import one with a preview first."""

from directory.instance import Instance


def routes(instance: Instance) -> list:
    from directory.staff.bulk import pages

    return pages.routes(instance)
