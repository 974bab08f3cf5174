"""Spreadsheet bytes to rows of text: CSV (any common delimiter or encoding) or XLSX.

The kind is told by content, not by name or Content-Type: a ZIP signature is an
XLSX workbook, an OLE signature an old .xls (refused with advice), markup an
error page, anything else CSV text. Cells come back as text as sent (`shapes.text`).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
import zipfile
from collections.abc import Iterator

from directory.sync.formats.documents import looks_like_html
from directory.sync.formats.errors import FormatError
from directory.sync.formats.shapes import text

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # a zip whose content says more than this is refused, unopened
DELIMITERS = ",;\t|"

csv.field_size_limit(min(sys.maxsize, 16 * 1024 * 1024))


def is_zip(body: bytes) -> bool:
    return body.startswith(ZIP_MAGIC)


def open_zip(body: bytes, where: str) -> zipfile.ZipFile:
    """A zip archive whose declared content fits the cap (a zip bomb is refused before reading)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise FormatError(f"{where}: not a readable zip archive ({error})") from None
    if total > MAX_UNZIPPED_BYTES:
        raise FormatError(
            f"{where}: the zip unpacks to {total} bytes, more than the {MAX_UNZIPPED_BYTES} allowed"
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(MAX_UNZIPPED_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as error:
        raise FormatError(f"{where}: cannot unpack {name} ({error})") from None
    if len(data) > MAX_UNZIPPED_BYTES:
        raise FormatError(f"{where}: {name} unpacks to more than {MAX_UNZIPPED_BYTES} bytes")
    return data


def decode_text(body: bytes, where: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as Excel writes it."""
    encoding, errors = text_encoding(body, where)
    return body.decode(encoding, errors)


def text_encoding(body: bytes, where: str) -> tuple[str, str]:
    """(encoding, errors) to read the body with, as `decode_text` says, found without decoding it whole."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        error = _decoding_error(body, "utf-16")
        if error is not None:
            raise FormatError(f"{where}: the text says UTF-16 but is not ({error.reason})")
        return "utf-16", "strict"
    if _decoding_error(body, "utf-8-sig") is None:
        return "utf-8-sig", "strict"
    return "cp1252", "replace"


DECODE_PIECE = 1024 * 1024  # bytes decoded at a time: a large file is never held as text whole


def _decoding_error(body: bytes, encoding: str) -> UnicodeDecodeError | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(body)
    try:
        for start in range(0, len(view), DECODE_PIECE):
            decoder.decode(view[start : start + DECODE_PIECE], final=start + DECODE_PIECE >= len(view))
    except UnicodeDecodeError as error:
        return error
    return None


def csv_rows(body: bytes, where: str, delimiter: str | None = None) -> Iterator[list[str]]:
    """Rows of a CSV file as lists of text; a NUL byte or runaway field is a FormatError.

    The body is decoded as it is read, a piece at a time: a text copy of a large file
    (four bytes a character once one is not Latin-1) would cost several times its size.
    """
    encoding, errors = text_encoding(body, where)
    content = io.TextIOWrapper(io.BytesIO(body), encoding=encoding, errors=errors, newline="")
    if delimiter is None:
        delimiter = sniff_delimiter(content.readline())
        content.seek(0)
    reader = csv.reader(content, delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FormatError(f"{where}: not readable as CSV at line {reader.line_num} ({error})") from None
        yield row


def sniff_delimiter(content: str) -> str:
    """The likeliest delimiter of the first line of `content` (the whole text, or that line alone)."""
    first_line = content.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def xlsx_rows(body: bytes, where: str, sheet: str | None = None) -> Iterator[list[str]]:
    """Rows of one worksheet (the named one, else the first) as lists of text."""
    import openpyxl  # imported here: only spreadsheet feeds need it

    open_zip(body, where)  # size check before openpyxl unpacks anything
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FormatError(
            f"{where}: not a readable XLSX workbook ({type(error).__name__}: {error})"
        ) from None
    if sheet is not None and sheet not in workbook.sheetnames:
        raise FormatError(f"{where}: no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
    if not workbook.sheetnames:
        raise FormatError(f"{where}: the workbook has no sheets")
    worksheet = workbook[sheet] if sheet is not None else workbook[workbook.sheetnames[0]]
    if not hasattr(worksheet, "iter_rows"):
        raise FormatError(f"{where}: sheet {worksheet.title!r} holds a chart, not rows")
    rows = worksheet.iter_rows(values_only=True)
    try:
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise FormatError(
                    f"{where}: cannot read the sheet ({type(error).__name__}: {error})"
                ) from None
            yield [text(value) or "" for value in values]
    finally:
        workbook.close()


def sheet_rows(
    body: bytes, where: str, sheet: str | None = None, delimiter: str | None = None
) -> Iterator[list[str]]:
    """Rows of a CSV or XLSX document, told apart by content."""
    if looks_like_html(body):
        raise FormatError(f"{where}: expected a spreadsheet but got an HTML page (an error or login page?)")
    if body.startswith(OLE_MAGIC):
        raise FormatError(f"{where}: an old Excel .xls file; save it as .xlsx or CSV")
    if is_zip(body):
        return xlsx_rows(body, where, sheet)
    if not body.strip():
        raise FormatError(f"{where}: the spreadsheet is empty")
    return csv_rows(body, where, delimiter)
