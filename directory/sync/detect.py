"""Which feed format a file is, told from its bytes, for `harbour import` without `--format`.

    detect_format(body, "pkg.zip", has_mapping=False)  → "hsds-csv"

Only what is unambiguous is decided; anything else is a one-line DetectError saying
what to give (`--format F`, or `--mapping FILE` for a plain spreadsheet). Besides the
feed formats there are two shapes only an import knows: Harbour's translation list
(`TRANSLATIONS`) and HSDS tabular JSON (`TABULAR_JSON`, `{"services.csv": [rows…]}`).
"""

from __future__ import annotations

import io
import json
import zipfile

from directory.sync.formats import hsds_csv, hsds_json
from directory.sync.formats.documents import looks_like_html
from directory.sync.formats.errors import FormatError
from directory.sync.formats.tabular import csv_rows, decode_text, is_zip

TRANSLATIONS = "translations"
TABULAR_JSON = "tabular-json"
ORUK_PAGE_KEYS = {"totalElements", "totalPages", "number"}
HXL_SCAN_ROWS = 25  # libhxl looks this far down for the hashtag row
HINT = "give --format F (hsds-json, hsds-csv, oruk, hxl, csv)"


class DetectError(ValueError):
    """The format cannot be told from the content; one line saying what to give."""


def detect_format(body: bytes, name: str, has_mapping: bool = False) -> str:
    if looks_like_html(body):
        raise DetectError(f"{name}: an HTML page, not a feed (an error or login page?)")
    if is_zip(body):
        return _zip_format(body, name, has_mapping)
    start = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        try:
            document = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DetectError(f"{name}: looks like JSON but is not valid JSON ({error})") from None
        return json_format(document, name)
    if has_mapping:
        return "csv"
    if _has_hxl_hashtags(body, name):
        return "hxl"
    raise DetectError(
        f"{name}: a spreadsheet without HXL hashtags: give --mapping FILE (its columns to HSDS fields), or {HINT}"
    )


def json_format(document: object, name: str) -> str:
    if hsds_json.is_translation_list(document):
        return TRANSLATIONS
    if hsds_csv.is_tabular_json(document):
        return TABULAR_JSON
    if isinstance(document, dict):
        if isinstance(document.get("resources"), list):
            return "hsds-csv"  # a datapackage.json
        if isinstance(document.get("content"), list) and ORUK_PAGE_KEYS & document.keys():
            return "oruk"
        if (
            isinstance(document.get("contents"), list)
            or isinstance(document.get("services"), list)
            or hsds_json.is_api_root(document)
            or {"id", "name"} <= document.keys()
        ):
            return "hsds-json"
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        if all("id" in item or "name" in item for item in document[:20]):
            return "hsds-json"
    raise DetectError(f"{name}: JSON, but not a shape Harbour recognises as a feed; {HINT}")


def _zip_format(body: bytes, name: str, has_mapping: bool) -> str:
    try:
        members = zipfile.ZipFile(io.BytesIO(body)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DetectError(f"{name}: not a readable zip archive ({error})") from None
    if any(m.startswith("xl/") for m in members):  # an XLSX workbook is a zip too
        if has_mapping:
            return "csv"
        raise DetectError(f"{name}: a workbook: give --mapping FILE (its columns to HSDS fields), or {HINT}")
    if any(m.lower().endswith((".csv", "datapackage.json")) for m in members):
        return "hsds-csv"
    raise DetectError(f"{name}: a zip with neither a datapackage.json nor CSV files in it")


def _has_hxl_hashtags(body: bytes, name: str) -> bool:
    lines = decode_text(body[: 256 * 1024], name).splitlines()[:HXL_SCAN_ROWS]
    try:
        for row in csv_rows("\n".join(lines).encode("utf-8"), name):
            cells = [cell.strip() for cell in row if cell.strip()]
            if cells and sum(cell.startswith("#") for cell in cells) * 2 >= len(cells):
                return True
    except FormatError:  # not readable as CSV at all: certainly not HXL
        return False
    return False
