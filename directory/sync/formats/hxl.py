"""HXL-tagged spreadsheets (CSV or XLSX): one service per row, read through libhxl.

libhxl is given the bytes the feed's fetcher brought (never a URL, so it opens
no connection of its own). It finds the hashtag row under the human headers.

| hashtags (first non-empty wins) | HSDS |
| --- | --- |
| `#service+id`, `#activity+id` (+code) | the source id; else a stable hash of org, service and place |
| `#service+name`, `#activity+name`, else a plain `#service` / `#activity` | service name |
| `#service+description`, `#activity+description`, `#description` | service description |
| `#org+name` or plain `#org`; `#org+id`/`+code`; `#org+acronym`; `#org+url` | organization |
| `#sector`, `#subsector` (`+code` paired with names) | category attributes, taxonomy "hxl-sector" |
| `#loc+name` or plain `#loc`; `#loc+id`; `#loc+address`; `#loc+postcode` | location and its address |
| `#adm1` → state_province, `#adm2` → city, `#country` (`+code` preferred) → country | address |
| `#geo+lat`, `#geo+lon` | latitude, longitude |
| `#contact+phone` (several per cell split on `;` `,`), `#contact+email`, `#contact+url` | phones, email, url |
| `#language` (split on `,` `;` `/`) | languages, names as sent |
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import hxl as libhxl

from directory.sync.formats.base import Fetch, FormatOptions, Parsed, Rejected
from directory.sync.formats.checks import service_problems
from directory.sync.formats.documents import looks_like_html
from directory.sync.formats.errors import FormatError
from directory.sync.formats.flat import FlatService, build_service
from directory.sync.formats.messages import one_line_errors
from directory.sync.formats.shapes import BATCH, split_values, stable_id, text
from directory.sync.formats.tabular import decode_text, is_zip, open_zip

NOT_A_NAME = "-id-code-description-type-url-acronym"
SERVICE_ID = ("#service+id", "#activity+id", "#service+code", "#activity+code")
SERVICE_NAME = ("#service+name", "#activity+name", "#service" + NOT_A_NAME, "#activity" + NOT_A_NAME)
DESCRIPTION = ("#service+description", "#activity+description", "#description")
ORG_NAME = ("#org+name", "#org" + NOT_A_NAME)
ORG_ID = ("#org+id", "#org+code")
LOC_NAME = ("#loc+name", "#loc-id-code-address-postcode-url-type")
LOC_ID = ("#loc+id", "#loc+code")
COUNTRY = ("#country+code", "#country")
SCHEME = "hxl-sector"
PHONE_SEPARATORS = re.compile(r"\s*[;,\n|]\s*")


@one_line_errors
def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
    result = fetch(url)
    if result.not_modified:
        yield Parsed(not_modified=True)
        return
    rows = _rows(result.body, result.url)
    seen: dict[str, int] = {}
    parsed = Parsed()
    for row in rows:
        values = [text(v) for v in row.values]
        if not any(values):
            continue
        line = (row.source_row_number or 0) + 1
        raw = _raw(row.columns, values)
        record, problems = _service(row)
        problems += service_problems(record) if not problems else []
        sid = record.get("id")
        if not problems and sid in seen:
            problems.append(f"the same id ({sid}) as row {seen[sid]}")
        if problems:
            parsed.rejected.append(Rejected(sid, raw, [f"row {line}: {p}" for p in problems]))
        else:
            seen[sid] = line
            parsed.records.append(record)
        if len(parsed.records) + len(parsed.rejected) >= BATCH:
            yield parsed
            parsed = Parsed()
    yield parsed


def _rows(body: bytes, where: str) -> Iterator:
    """HXL rows of the document; a document libhxl cannot read is a FormatError."""
    if looks_like_html(body):
        raise FormatError(
            f"{where}: expected an HXL spreadsheet but got an HTML page (an error or login page?)"
        )
    if is_zip(body):
        open_zip(body, where)  # size check before the workbook is unpacked
    else:
        body = decode_text(body, where).encode("utf-8")
    options = libhxl.InputOptions(allow_local=False, encoding="utf-8")
    try:
        dataset = libhxl.data(io.BytesIO(body), options)
        tags = [column.display_tag for column in dataset.columns]
        rows = iter(dataset)
    except libhxl.input.HXLTagsNotFoundException:
        raise FormatError(f"{where}: no HXL hashtag row (#org, #sector…) in the first 25 rows") from None
    except Exception as error:  # libhxl and xlrd raise many kinds on a damaged file
        raise FormatError(f"{where}: not readable as HXL ({type(error).__name__}: {error})") from None
    missing = [what for what, patterns in (("#service or #activity", SERVICE_NAME), ("#org", ORG_NAME))
               if not any(_matches(p, dataset.columns) for p in patterns)]  # fmt: skip
    if missing:
        raise FormatError(
            f"{where}: no {' and no '.join(missing)} column (hashtags found: {', '.join(t for t in tags if t)})"
        )
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise FormatError(f"{where}: not readable as HXL ({type(error).__name__}: {error})") from None
        yield row


def _raw(columns: list, values: list) -> dict:
    """The row as sent, keyed by hashtag (a repeated hashtag gets its column number)."""
    raw: dict[str, str] = {}
    for index, (column, value) in enumerate(zip(columns, values), start=1):
        if value:
            key = column.display_tag or f"column {index}"
            raw[key if key not in raw else f"{key} (column {index})"] = value
    return raw


def _matches(pattern: str, columns: list) -> bool:
    return libhxl.model.TagPattern.parse(pattern).find_column(columns) is not None


def _first(row, patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        value = text(row.get(pattern))
        if value is not None:
            return value
    return None


def _service(row) -> tuple[dict, list[str]]:
    name, org = _first(row, SERVICE_NAME), _first(row, ORG_NAME)
    location = {
        "id": _first(row, LOC_ID),
        "name": _first(row, LOC_NAME),
        "address_1": _first(row, ("#loc+address",)),
        "postal_code": _first(row, ("#loc+postcode", "#loc+postal")),
        "city": _first(row, ("#adm2+name", "#adm2-code", "#adm2")),
        "state_province": _first(row, ("#adm1+name", "#adm1-code", "#adm1")),
        "country": _first(row, COUNTRY),
        "latitude": _first(row, ("#geo+lat",)),
        "longitude": _first(row, ("#geo+lon",)),
    }
    sid = _first(row, SERVICE_ID) or stable_id(
        "hxl",
        org,
        name,
        location["name"],
        location["address_1"],
        location["city"],
        location["state_province"],
    )
    flat = FlatService(
        id=sid,
        service={
            "name": name,
            "description": _first(row, DESCRIPTION),
            "email": _first(row, ("#contact+email",)),
            "url": _first(row, ("#contact+url", "#service+url", "#activity+url")),
        },
        organization={
            "id": _first(row, ORG_ID),
            "name": org,
            "alternate_name": _first(row, ("#org+acronym",)),
            "website": _first(row, ("#org+url",)),
        },
        location=location,
        phones=[p for cell in row.get_all("#contact+phone") for p in split_values(cell, PHONE_SEPARATORS)],
        languages=[n for cell in row.get_all("#language") for n in split_values(cell, r"\s*[,;/|\n]\s*")],
        categories=_sectors(row),
    )
    problems = []
    if name is None:
        problems.append("no service name (#service or #activity): every service needs a name")
    if org is None:
        problems.append("no organization (#org): every service needs one")
    return build_service(flat), problems


def _sectors(row) -> list[tuple[str, str, str]]:
    """(code, label, "hxl-sector") for each sector and subsector named in the row."""
    found = []
    for tag in ("#sector", "#subsector"):
        codes = [split_values(v, r"\s*[,;|]\s*") for v in row.get_all(f"{tag}+code")]
        names = [split_values(v, r"\s*[,;|]\s*") for v in row.get_all(f"{tag}-code")]
        if codes and names and [len(c) for c in codes] == [len(n) for n in names]:
            pairs = [(c, n) for cs, ns in zip(codes, names) for c, n in zip(cs, ns)]
        else:
            pairs = [(v, v) for values in codes + names for v in values]
        found += [(code, label, SCHEME) for code, label in pairs]
    return found
