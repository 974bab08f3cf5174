"""The column mapping of the `csv` format: parsed YAML checked into a `Mapping`.

The format is documented, with an example, in `data/mappings/README.md`. Every
mistake (an unknown key, a typo in a section name, a list where a column name
belongs) is one FormatError line naming the key, before any row is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.hsds.tables import hsds_tables
from directory.sync.formats.errors import FormatError
from directory.sync.formats.flat import ADDRESS_FIELDS

TRUE_WORDS = ("yes", "y", "true", "1", "x", "✓", "✔")
FALSE_WORDS = ("no", "n", "false", "0")
TOP_KEYS = ("sheet", "header_row", "delimiter", "id", "service", "organization", "location", "phones",
            "email", "url", "languages", "schedule", "categories", "attributes")  # fmt: skip
LOCATION_KEYS = ("id", "name", "alternate_name", "description", "transportation", "url", "latitude", "longitude",
                 *ADDRESS_FIELDS)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """Where one value comes from: a column of the sheet, or a fixed value."""

    column: str | None = None
    value: str | None = None


@dataclass
class CategoryRule:
    sources: list[Source]
    separator: str = ";"
    scheme: str = "feed"
    values: dict[str, list[str]] = field(default_factory=dict)  # casefolded label → codes ([] drops it)


@dataclass
class AttributeRule:
    source: Source
    answers: dict[str, list[str]]  # casefolded cell value → attribute codes
    scheme: str = "harbour"


@dataclass
class Mapping:
    sheet: str | None = None
    header_row: int = 1
    delimiter: str | None = None
    id: Source | None = None
    service: dict[str, Source] = field(default_factory=dict)
    organization: dict[str, Source] = field(default_factory=dict)
    location: dict[str, Source] = field(default_factory=dict)
    phones: list[Source] = field(default_factory=list)
    languages: list[Source] = field(default_factory=list)
    language_separator: str = ","
    schedule: Source | None = None
    days: dict[str, Source] = field(default_factory=dict)  # weekday as written → column
    categories: list[CategoryRule] = field(default_factory=list)
    attributes: list[AttributeRule] = field(default_factory=list)

    def columns(self) -> list[str]:
        """Every column the mapping reads, so a sheet lacking one is told at once."""
        sources = [self.id, *self.service.values(), *self.organization.values(), *self.location.values(),
                   *self.phones, *self.languages, self.schedule, *self.days.values(),
                   *(s for rule in self.categories for s in rule.sources), *(r.source for r in self.attributes)]  # fmt: skip
        return list(dict.fromkeys(s.column for s in sources if s is not None and s.column is not None))


def parse_mapping(document: object, where: str = "mapping") -> Mapping:
    if not isinstance(document, dict):
        raise FormatError(
            f"{where}: the csv format needs a mapping (a YAML object of column names), got {_kind(document)}"
        )
    _known(document, TOP_KEYS, where)
    mapping = Mapping(
        sheet=_optional_text(document, "sheet", where),
        header_row=_header_row(document.get("header_row", 1), where),
        delimiter=_optional_text(document, "delimiter", where),
        id=_source(document["id"], f"{where}: id") if document.get("id") is not None else None,
    )
    service_fields = [
        c for c in hsds_tables()["services"].columns if c not in ("id", "organization_id", "program_id")
    ]
    mapping.service = _section(document, "service", service_fields, where)
    mapping.organization = _section(document, "organization", hsds_tables()["organizations"].columns, where)
    mapping.location = _section(document, "location", LOCATION_KEYS, where)
    for shortcut in ("email", "url"):
        if document.get(shortcut) is not None:
            mapping.service.setdefault(shortcut, _source(document[shortcut], f"{where}: {shortcut}"))
    if "name" not in mapping.service:
        raise FormatError(f"{where}: service.name is required (the column with each service's name)")
    if "name" not in mapping.organization:
        raise FormatError(
            f"{where}: organization.name is required (a column, or {{value: 'Our association'}})"
        )
    mapping.phones = _sources(document.get("phones"), f"{where}: phones")
    _languages(mapping, document.get("languages"), where)
    _schedule(mapping, document.get("schedule"), where)
    rules = document.get("categories")
    for index, rule in enumerate(rules if isinstance(rules, list) else [rules] if rules is not None else []):
        mapping.categories.append(
            _category_rule(rule, f"{where}: categories" + (f"[{index}]" if isinstance(rules, list) else ""))
        )
    attributes = document.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise FormatError(f"{where}: attributes must map a column to {{answer: attribute code}}")
    for column, answers in attributes.items():
        mapping.attributes.append(_attribute_rule(column, answers, f"{where}: attributes.{column}"))
    return mapping


def _source(spec: object, where: str) -> Source:
    if isinstance(spec, str) and spec.strip():
        return Source(column=spec)
    if (
        isinstance(spec, dict)
        and set(spec) == {"column"}
        and isinstance(spec["column"], str)
        and spec["column"].strip()
    ):
        return Source(column=spec["column"])
    if isinstance(spec, dict) and set(spec) == {"value"} and isinstance(spec["value"], (str, int, float)):
        return Source(value=str(spec["value"]))
    raise FormatError(
        f"{where} must be a column name, {{column: NAME}} or {{value: FIXED}}, not {spec!r}"[:300]
    )


def _sources(spec: object, where: str) -> list[Source]:
    if spec is None:
        return []
    if isinstance(spec, list):
        return [_source(item, f"{where}[{i}]") for i, item in enumerate(spec)]
    return [_source(spec, where)]


def _section(document: dict, key: str, allowed: list[str] | tuple[str, ...], where: str) -> dict[str, Source]:
    section = document.get(key)
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise FormatError(f"{where}: {key} must map HSDS fields to columns, not {_kind(section)}")
    _known(section, allowed, f"{where}: {key}")
    return {
        name: _source(spec, f"{where}: {key}.{name}") for name, spec in section.items() if spec is not None
    }


def _languages(mapping: Mapping, spec: object, where: str) -> None:
    if isinstance(spec, dict) and ("column" in spec or "columns" in spec):
        _known(spec, ("column", "columns", "separator"), f"{where}: languages")
        mapping.languages = _sources(spec.get("column", spec.get("columns")), f"{where}: languages.column")
        mapping.language_separator = _separator(spec.get("separator", ","), f"{where}: languages.separator")
    else:
        mapping.languages = _sources(spec, f"{where}: languages")


def _schedule(mapping: Mapping, spec: object, where: str) -> None:
    if spec is None:
        return
    if isinstance(spec, str):
        mapping.schedule = _source(spec, f"{where}: schedule")
        return
    if not isinstance(spec, dict):
        raise FormatError(
            f"{where}: schedule must be a column name or {{column: ..., days: {{Monday: ...}}}}"
        )
    _known(spec, ("column", "days"), f"{where}: schedule")
    if spec.get("column") is not None:
        mapping.schedule = _source(spec["column"], f"{where}: schedule.column")
    days = spec.get("days") or {}
    if not isinstance(days, dict):
        raise FormatError(f"{where}: schedule.days must map a weekday to its column")
    mapping.days = {
        str(day): _source(column, f"{where}: schedule.days.{day}") for day, column in days.items()
    }


def _category_rule(spec: object, where: str) -> CategoryRule:
    if isinstance(spec, str):
        return CategoryRule([_source(spec, where)])
    if not isinstance(spec, dict):
        raise FormatError(f"{where} must be a column name or {{column, scheme, values}}")
    _known(spec, ("column", "columns", "separator", "scheme", "values"), where)
    sources = _sources(spec.get("column", spec.get("columns")), f"{where}.column")
    if not sources:
        raise FormatError(f"{where}.column is required")
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        raise FormatError(f"{where}.values must map a label in the sheet to a code")
    return CategoryRule(
        sources,
        _separator(spec.get("separator", ";"), f"{where}.separator"),
        _optional_text(spec, "scheme", where) or "feed",
        {_answer_key(label)[0]: _codes(code, f"{where}.values.{label}") for label, code in values.items()},
    )


def _attribute_rule(column: object, answers: object, where: str) -> AttributeRule:
    source = _source(column, where)
    if not isinstance(answers, dict) or not answers:
        raise FormatError(f"{where} must map an answer to an attribute code, e.g. {{yes: free}}")
    table: dict[str, list[str]] = {}
    for answer, codes in answers.items():
        for key in _answer_key(answer):
            table[key] = _codes(codes, f"{where}.{answer}")
    return AttributeRule(source, table)


def _answer_key(answer: object) -> tuple[str, ...]:
    """YAML reads `yes:` as true (and JSON storage then writes "true"): it stands for every way of writing it."""
    if answer is True or answer == "true":
        return TRUE_WORDS
    if answer is False or answer == "false":
        return FALSE_WORDS
    return (str(answer).strip().casefold(),)


def _codes(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    raise FormatError(f"{where} must be a code, a list of codes, or null to leave it out")


def _separator(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise FormatError(f"{where} must be one or more characters")
    return value


def _header_row(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FormatError(f"{where}: header_row must be a row number from 1, not {value!r}")
    return value


def _optional_text(document: dict, key: str, where: str) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FormatError(f"{where}: {key} must be text, not {value!r}")
    return value


def _known(section: dict, allowed: list[str] | tuple[str, ...], where: str) -> None:
    unknown = [str(k) for k in section if k not in allowed]
    if unknown:
        raise FormatError(
            f"{where}: unknown key {', '.join(map(repr, unknown))} (known: {', '.join(allowed)})"
        )


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )
