"""What a nested service must be before it leaves a format: checked, never repaired.

A format hands on records whose shape the store can take: a service with an id
and a name, every nested object an object (one without an id gets a stable one
from the normaliser), lists where lists belong,
single values where columns are, numbers where HSDS wants numbers. Anything else
is a `Rejected` with every reason, so one bad record never stops a feed. Values
themselves (phones, languages, codes, HTML in descriptions) are the normaliser's.
"""

from __future__ import annotations

from functools import cache

from directory.hsds.nested import CHILDREN, REFERENCES
from directory.hsds.tables import hsds_tables
from directory.sync.formats.base import Rejected


def source_id(record: object) -> str | None:
    """The record's id as text, when it has a usable one."""
    if isinstance(record, dict):
        value = record.get("id")
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def service_problems(record: object) -> list[str]:
    """Every reason the store could not take this nested service; empty when it can."""
    if not isinstance(record, dict):
        return [f"a service must be an object, not {_kind(record)}"]
    problems = []
    name = record.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        problems.append("'name' is missing: every service needs a name")
    elif not isinstance(name, (str, int, float)) or isinstance(name, bool):
        problems.append(f"'name' must be text, not {_kind(name)}")
    return _problems("services", record, "") + problems


def check(records: list[tuple[object, dict]]) -> tuple[list[dict], list[Rejected]]:
    """Split (raw, converted) pairs into records that pass and rejections with reasons."""
    good, bad = [], []
    for raw, record in records:
        problems = service_problems(record)
        if problems:
            bad.append(Rejected(source_id(record) or source_id(raw), raw, problems))
        else:
            good.append(record)
    return good, bad


def _problems(table: str, record: object, path: str) -> list[str]:
    where = path or "service"
    if not isinstance(record, dict):
        return [f"{where} must be an object, not {_kind(record)}"]
    problems = []
    record_id = record.get("id")
    if record_id is None or (isinstance(record_id, str) and not record_id.strip()):
        if not path:  # a nested record without one is given a stable id by the normaliser
            problems.append(f"{where}: 'id' is missing")
    elif not isinstance(record_id, (str, int)) or isinstance(record_id, bool):
        problems.append(f"{where}: 'id' must be text, not {_kind(record_id)}")
    spec = hsds_tables()[table]
    for field in spec.fields if _some_value_wrong(table, record) else ():
        if field.name == "id" or field.name not in record:
            continue
        value = record[field.name]
        if isinstance(value, (dict, list)):
            problems.append(f"{where}.{field.name} must be a single value, not {_kind(value)}")
        elif field.type == "number" and not _is_number(value):
            problems.append(f"{where}.{field.name} must be a number, got {_short(value)}")
    for child in CHILDREN.get(table, ()):
        items = record.get(child.key)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(f"{where}.{child.key} must be a list, not {_kind(items)}")
            continue
        for index, item in enumerate(items):
            problems += _problems(child.table, item, f"{path}{'.' if path else ''}{child.key}[{index}]")
    for ref in REFERENCES.get(table, ()):
        nested = record.get(ref.key)
        if nested is not None:
            problems += _problems(ref.table, nested, f"{path}{'.' if path else ''}{ref.key}")
    return problems


@cache
def _number_columns(table: str) -> dict[str, bool]:
    """{column: whether HSDS wants a number there}, without `id`."""
    return {f.name: f.type == "number" for f in hsds_tables()[table].fields if f.name != "id"}


def _some_value_wrong(table: str, record: dict) -> bool:
    """A quick look, in the record's own order, before the careful one in the table's."""
    numbers = _number_columns(table)
    for name, value in record.items():
        number = numbers.get(name)
        if number is None:
            continue
        if isinstance(value, (dict, list)) or (number and not _is_number(value)):
            return True
    return False


def _is_number(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return value is None
    if isinstance(value, (int, float)):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, str):
        if not value.strip():
            return True  # empty text means absent
        try:
            number = float(value)
        except ValueError:
            return False
        return number == number and number not in (float("inf"), float("-inf"))
    return False


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
