"""Any spreadsheet (CSV or XLSX) plus a column mapping: the format a small association has.

The mapping (`options.mapping`, parsed YAML; see `data/mappings/README.md`) says
which column holds which HSDS field. One row is one service; a row without a
service name or organization is set aside with its reasons. A mapping that names
a column the sheet lacks stops the run with one line naming it, so a renamed
column never silently empties a field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from directory.sync.formats.base import Fetch, FormatOptions, Parsed, Rejected
from directory.sync.formats.checks import service_problems
from directory.sync.formats.errors import FormatError
from directory.sync.formats.flat import FlatService, build_service
from directory.sync.formats.mapping_spec import Mapping, Source, parse_mapping
from directory.sync.formats.messages import one_line_errors
from directory.sync.formats.shapes import BATCH, split_values, stable_id, text
from directory.sync.formats.tabular import sheet_rows

# "9-12", "09:00-17:00", "9.30 – 12", "14h-16h30", "9:00 to 13:00", several separated by , ; or "and".
TIME = r"(\d{1,2})(?:[:.h](\d{2}))?h?"
RANGE = re.compile(rf"^\s*{TIME}\s*(?:-|–|—|to)\s*{TIME}\s*$", re.IGNORECASE)
RANGE_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\band\b)\s*", re.IGNORECASE)


@one_line_errors
def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
    mapping = parse_mapping(options.mapping, f"{options.where} mapping")
    result = fetch(url)
    if result.not_modified:
        yield Parsed(not_modified=True)
        return
    rows = sheet_rows(result.body, result.url, mapping.sheet, mapping.delimiter)
    for _ in range(mapping.header_row - 1):
        next(rows, None)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise FormatError(f"{result.url}: no header row (row {mapping.header_row} is empty)")
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(_key(name), position)
    missing = [column for column in mapping.columns() if _key(column) not in index]
    if missing:
        raise FormatError(
            f"{result.url}: the mapping names columns the sheet lacks: {', '.join(map(repr, missing))}"
            f" (the sheet has: {', '.join(repr(h) for h in header if h.strip())[:300]})"
        )
    seen: dict[str, int] = {}
    parsed = Parsed()
    for line, cells in enumerate(rows, start=mapping.header_row + 1):
        if not any(cell.strip() for cell in cells):
            continue
        record, problems = convert_row(mapping, lambda source, cells=cells: _value(source, cells, index))
        problems += service_problems(record) if not problems else []
        sid = record.get("id")
        if not problems and sid in seen:
            problems.append(f"the same id ({sid}) as row {seen[sid]}")
        if problems:
            parsed.rejected.append(Rejected(sid, _raw(header, cells), [f"row {line}: {p}" for p in problems]))
        else:
            seen[sid] = line
            parsed.records.append(record)
        if len(parsed.records) + len(parsed.rejected) >= BATCH:
            yield parsed
            parsed = Parsed()
    yield parsed


def convert_row(mapping: Mapping, get) -> tuple[dict, list[str]]:
    """(nested service, problems) for one row; `get(source)` reads a column or fixed value."""
    problems = []
    service = {name: get(source) for name, source in mapping.service.items()}
    organization = {name: get(source) for name, source in mapping.organization.items()}
    location = {name: get(source) for name, source in mapping.location.items()}
    for what, values, source in (
        ("a name", service, mapping.service["name"]),
        ("an organization", organization, mapping.organization["name"]),
    ):
        if values.get("name") is None:
            problems.append(f"{_label(source)} is empty: every service needs {what}")
    if mapping.id is not None:
        sid = get(mapping.id)
        if sid is None:
            problems.append(f"{_label(mapping.id)} is empty: every row needs its reference")
            sid = ""
    else:
        sid = stable_id("row", organization.get("name"), service.get("name"), location.get("address_1"),
                        location.get("postal_code"), location.get("name"))  # fmt: skip
    flat = FlatService(id=sid, service=service, organization=organization, location=location)
    flat.phones = [n for s in mapping.phones for n in split_values(get(s), r"\s*[;\n|]\s*")]
    separator = re.compile(r"\s*" + re.escape(mapping.language_separator) + r"\s*")
    flat.languages = [n for s in mapping.languages for n in split_values(get(s), separator)]
    for rule in mapping.categories:
        splitter = re.compile(r"\s*" + re.escape(rule.separator) + r"\s*")
        for label in (v for s in rule.sources for v in split_values(get(s), splitter)):
            codes = rule.values.get(label.strip().casefold(), [label])
            flat.categories += [(code, label, rule.scheme) for code in codes]
    for rule in mapping.attributes:
        answer = get(rule.source)
        if answer is not None:
            codes = rule.answers.get(answer.strip().casefold(), [])
            question = rule.source.column if rule.source.column is not None else "value"
            flat.attributes += [(code, f"{question}: {answer}", rule.scheme) for code in codes]
    flat.schedules = _schedules(mapping, get)
    return build_service(flat), problems


def _schedules(mapping: Mapping, get) -> list[dict]:
    """Day columns with time ranges become weekly openings; any other text is kept as description."""
    schedules, notes = [], []
    for day, source in mapping.days.items():
        cell = get(source)
        if cell is None:
            continue
        ranges = [RANGE.match(part) for part in RANGE_SEPARATORS.split(cell.strip())]
        if ranges and all(ranges):
            for match in ranges:
                opens, closes = _time(match.group(1), match.group(2)), _time(match.group(3), match.group(4))
                schedules.append({"freq": "WEEKLY", "byday": day, "opens_at": opens, "closes_at": closes})
        else:
            notes.append(f"{day}: {cell}")
    free_text = get(mapping.schedule) if mapping.schedule is not None else None
    description = "\n".join(([free_text] if free_text else []) + notes)
    if description:
        schedules.append({"description": description})
    return schedules


def _time(hours: str, minutes: str | None) -> str:
    return f"{int(hours):02d}:{minutes or '00'}"


def _value(source: Source, cells: list[str], index: dict[str, int]) -> str | None:
    if source.value is not None:
        return source.value
    position = index.get(_key(source.column or ""))
    if position is None or position >= len(cells):
        return None
    return text(cells[position])


def _raw(header: list[str], cells: list[str]) -> dict:
    raw: dict[str, str] = {}
    for position, (name, cell) in enumerate(zip(header, cells), start=1):
        if cell.strip():
            key = name.strip() or f"column {position}"
            raw[key if key not in raw else f"{key} (column {position})"] = cell
    return raw


def _label(source: Source) -> str:
    return f"column {source.column!r}" if source.column is not None else "the fixed value"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
