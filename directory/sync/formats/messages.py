"""A FormatError is one line, whatever the feed put into it (a column name with a newline…)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from directory.sync.formats.base import Fetch, FormatOptions, FormatReader, Parsed
from directory.sync.formats.errors import FormatError

LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    return LINE_BREAKS.sub(" ", text).strip()


def one_line_errors(reader: FormatReader) -> FormatReader:
    """Wrap a format's `read` so any FormatError it raises says its message on one line."""

    @functools.wraps(reader)
    def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]:
        try:
            yield from reader(fetch, url, options)
        except FormatError as error:
            message = str(error)
            if one_line(message) == message:
                raise
            raise FormatError(one_line(message)) from None

    return read
