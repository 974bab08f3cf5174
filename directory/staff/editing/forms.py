"""Edit forms ↔ nested HSDS records, for any kind declared in kinds.py.

`form_values` turns a record into the values of its form fields; `record_from_form`
turns submitted values back into a nested record for the store, with a problem
for each field that cannot be read. Fields are named flatly so a form works
without JavaScript: `name`, `phones-0-number`, `hours-MO-1-opens`, `address-city`;
checkbox groups (`terms`, `locations`) are lists. Rows keep their ids, and a child
that is not on the form is not in the record, so the store leaves it alone.
Pure: sanitising and normalising happen after, in clean.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from directory.staff.editing import week_grid
from directory.staff.editing.kinds import Field, Kind, RowList
from directory.sync.normalise.emails_urls import clean_email, clean_url
from directory.sync.normalise.fields import to_number

MULTI_FIELDS = ("terms", "locations")
_LIST_SEPARATORS = re.compile(r"\s*[,;\n]\s*")

Values = Mapping[str, object]


def form_values(kind: Kind, record: dict) -> dict[str, object]:
    values: dict[str, object] = {f.name: _text(record.get(f.name)) for f in kind.fields}
    for rows in kind.rows:
        for index, row in enumerate(record.get(rows.key) or []):
            values[f"{rows.key}-{index}-id"] = row.get("id", "")
            for f in rows.fields:
                values[f"{rows.key}-{index}-{f.name}"] = _text(row.get(f.name))
    if kind.address:
        address = _main_address(record)
        values["address-id"] = address.get("id", "")
        for f in kind.address:
            values[f"address-{f.name}"] = _text(address.get(f.name))
    if kind.week_grid:
        values.update(week_grid.grid_form_values(week_grid.grid_from_schedules(record.get("schedules") or [])))
    if kind.languages:
        values["languages"] = ", ".join(
            str(lang.get("name") or lang.get("code")) for lang in record.get("languages") or []
        )
    if kind.documents:
        values["required_documents"] = "\n".join(
            str(d["document"]) for d in record.get("required_documents") or [] if d.get("document")
        )
    if kind.terms:
        values["terms"] = [a["taxonomy_term_id"] for a in record.get("attributes") or [] if a.get("taxonomy_term_id")]
    if kind.locations:
        values["locations"] = [s["location_id"] for s in record.get("service_at_locations") or [] if s.get("location_id")]
    return values


def values_from_form(form) -> dict[str, object]:
    """Submitted form data (Starlette FormData) as plain values; checkbox groups as lists."""
    values: dict[str, object] = {}
    for key in form.keys():
        values[key] = [v for v in form.getlist(key) if isinstance(v, str)] if key in MULTI_FIELDS else form.get(key)
    for key in MULTI_FIELDS:
        values.setdefault(key, [])
    return values


def record_from_form(
    kind: Kind, values: Values, current: dict | None, offered_terms: set[str] | None = None
) -> tuple[dict, dict[str, str]]:
    """(nested record, {field name: problem}). `current` is the record as it is now (None when new).

    `offered_terms` are the taxonomy terms shown as checkboxes: attributes with other
    terms are kept, since the form could not have unticked them.
    """
    current = current or {}
    errors: dict[str, str] = {}
    children = {c for c in current if isinstance(current[c], list)}
    record = {k: v for k, v in current.items() if k not in children}
    for f in kind.fields:
        _set(record, f.name, _read(f, values.get(f.name), f.name, errors))
    for rows in kind.rows:
        record[rows.key] = _rows(rows, values, current.get(rows.key) or [], errors)
    if kind.address:
        record["addresses"] = _addresses(kind, values, current.get("addresses") or [], errors)
    if kind.week_grid:
        existing = current.get("schedules") or []
        kept = week_grid.grid_from_schedules(existing).kept
        grid, problems = week_grid.grid_from_form(values, kept)
        errors.update(problems)
        record["schedules"] = week_grid.schedules_from_grid(grid, existing)
    if kind.languages:
        record["languages"] = _languages(str(values.get("languages") or ""), current.get("languages") or [])
    if kind.documents:
        record["required_documents"] = _documents(
            str(values.get("required_documents") or ""), current.get("required_documents") or []
        )
    if kind.terms:
        record["attributes"] = _attributes(_list(values.get("terms")), current.get("attributes") or [], offered_terms)
    if kind.locations:
        record["service_at_locations"] = _service_at_locations(
            _list(values.get("locations")), current.get("service_at_locations") or []
        )
    return record, errors


def row_indices(rows: RowList, values: Values) -> list[int]:
    """Rows to show: those in the values, then enough blank ones to add more."""
    pattern = re.compile(rf"^{re.escape(rows.key)}-(\d+)-")
    present = sorted({int(m.group(1)) for key in values if (m := pattern.match(key))})
    filled = [i for i in present if str(values.get(f"{rows.key}-{i}-{rows.main}") or "").strip()]
    blanks = [i for i in present if i not in filled]
    following = max(present, default=-1) + 1
    while len(blanks) < rows.blank_rows:
        blanks.append(following)
        following += 1
    return filled + blanks


# -- reading one value ------------------------------------------------------------


def _read(f: Field, raw: object, name: str, errors: dict[str, str]) -> object:
    text = str(raw or "").strip()
    if not text:
        if f.required:
            errors[name] = f"{f.label} is required."
        return None
    if f.widget == "number":
        number = to_number(text)
        if number is None:
            errors[name] = f"{f.label}: “{text}” is not a number."
        return number
    if f.widget == "email":
        email, problem = clean_email(text)
        if email is None:
            errors[name] = f"{f.label}: “{text}” is not an e-mail address."
        return email
    if f.widget == "url":
        url, problem = clean_url(text)
        if url is None:
            errors[name] = f"{f.label}: “{text}” is not a web address (http or https)."
        return url
    if f.widget == "tel" and not any(ch.isdigit() for ch in text):
        errors[name] = f"{f.label}: “{text}” has no digits; leave it empty to remove the number."
        return None
    if f.widget == "select" and f.choices and text not in {value for value, _ in f.choices}:
        errors[name] = f"{f.label}: choose one of the options."
        return None
    return text


def _set(record: dict, key: str, value: object) -> None:
    if value is None:
        record.pop(key, None)
    else:
        record[key] = value


def _rows(rows: RowList, values: Values, existing: list[dict], errors: dict[str, str]) -> list[dict]:
    by_id = {row["id"]: row for row in existing if row.get("id")}
    result = []
    for index in row_indices(rows, values):
        prefix = f"{rows.key}-{index}-"
        if not str(values.get(prefix + rows.main) or "").strip():
            continue
        # Only ids this record already has: a form cannot reach into another record's rows.
        row = dict(by_id.get(str(values.get(prefix + "id") or ""), {}))
        for f in rows.fields:
            _set(row, f.name, _read(f, values.get(prefix + f.name), prefix + f.name, errors))
        result.append(row)
    return result


def _main_address(record: dict) -> dict:
    addresses = record.get("addresses") or []
    physical = [a for a in addresses if a.get("address_type") in (None, "physical")]
    return (physical or [{}])[0]


def _addresses(kind: Kind, values: Values, existing: list[dict], errors: dict[str, str]) -> list[dict]:
    main = _main_address({"addresses": existing})
    others = [a for a in existing if a is not main]
    address = dict(main)
    for f in kind.address:
        _set(address, f.name, _read(f, values.get(f"address-{f.name}"), f"address-{f.name}", errors))
    if not any(address.get(f.name) for f in kind.address):
        return others
    address["address_type"] = "physical"
    return [address, *others]


def _languages(text: str, existing: list[dict]) -> list[dict]:
    result: list[dict] = []
    for part in _LIST_SEPARATORS.split(text.strip()):
        if not part:
            continue
        key = part.casefold()
        same = next(
            (lang for lang in existing if key in (str(lang.get("name", "")).casefold(), str(lang.get("code", "")).casefold())),
            None,
        )
        item = dict(same) if same else {"name": part}
        if item not in result:
            result.append(item)
    return result


def _documents(text: str, existing: list[dict]) -> list[dict]:
    by_text = {str(d.get("document", "")).strip(): d for d in existing}
    lines = [line.strip().lstrip("•-* ").strip() for line in text.splitlines()]
    return [dict(by_text.get(line, {"document": line})) for line in dict.fromkeys(lines) if line]


def _attributes(term_ids: list[str], existing: list[dict], offered: set[str] | None) -> list[dict]:
    by_term = {a.get("taxonomy_term_id"): a for a in existing}
    kept = [a for a in existing if offered is not None and a.get("taxonomy_term_id") not in offered]
    chosen = [dict(by_term.get(t, {"taxonomy_term_id": t})) for t in dict.fromkeys(term_ids)]
    return kept + chosen


def _service_at_locations(location_ids: list[str], existing: list[dict]) -> list[dict]:
    by_location = {s.get("location_id"): s for s in existing}
    return [
        {k: v for k, v in by_location.get(lid, {"location_id": lid}).items() if k != "location"}
        for lid in dict.fromkeys(location_ids)
    ]


def _list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)] if value else []


def _text(value: object) -> str:
    return "" if value is None else str(value)
