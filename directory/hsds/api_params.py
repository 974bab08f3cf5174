"""Query parameters of the HSDS API, parsed and checked before any query runs.

Pure functions: each takes the raw text of one parameter and returns a value or
raises ParamError naming the parameter, which the API answers as 400 JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
# Past the last page a page is empty, so this only refuses numbers SQLite cannot hold.
MAX_PAGE = 1_000_000

# Full-text search ANDs every word as a prefix: each word costs a scan of the index, so
# thousands of words hold a server thread for seconds. A reader types a few words.
MAX_SEARCH_WORDS = 12
MAX_SEARCH_CHARS = 200
MAX_TEXT_CHARS = 200  # ids (UUIDs, or a feed's own) and other text parameters
MAX_LANGUAGE_CHARS = 35  # the longest language tag in practical use (RFC 5646 §4.4.1)

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no", "")

# BCP 47-ish: "ar", "prs", "pt-BR", "zh-Hant". Enough to refuse junk early.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class ParamError(ValueError):
    """A query parameter the API cannot use; answered with 400 and this message."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"parameter '{parameter}' {message}")


@dataclass(frozen=True)
class PageRequest:
    page: int = 1  # 1-based
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_page(params: dict[str, str]) -> PageRequest:
    """`page` from 1 up; `per_page` from 1 up, larger than MAX_PER_PAGE is cut to it.

    Cutting rather than refusing keeps generic HSDS harvesters (which often ask for
    1000) working: they follow `last_page`, not their own arithmetic.
    """
    page = _positive_int(params, "page", 1)
    if page > MAX_PAGE:
        raise ParamError("page", f"must be at most {MAX_PAGE}, not {shown(params['page'].strip())}")
    per_page = min(_positive_int(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return PageRequest(page, per_page)


def _positive_int(params: dict[str, str], name: str, default: int) -> int:
    text = params.get(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:  # also a number of more than 4,300 digits
        raise ParamError(name, f"must be a whole number, not {shown(text)}") from None
    if value < 1:
        raise ParamError(name, f"must be 1 or more, not {shown(text.strip())}")
    return value


def parse_bool(params: dict[str, str], name: str) -> bool:
    text = params.get(name, "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ParamError(name, f"must be true or false, not {shown(params[name])}")


def parse_datetime(params: dict[str, str], name: str) -> str | None:
    """An ISO 8601 date or datetime as UTC text in the change log's own format.

    The change log stores `YYYY-MM-DDTHH:MM:SSZ`, so comparing the normalised text
    compares the instants. A time without an offset is taken as UTC.
    """
    text = parse_text(params, name)
    if not text:
        return None
    # An unencoded "+02:00" in a query string arrives as " 02:00".
    text = re.sub(r"(\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", text)
    problem = ParamError(name, f"must be an ISO 8601 date or datetime such as 2024-05-01T09:30:00Z, not {shown(text)}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise problem from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the year 1 in UTC
        raise problem from None


def parse_language(params: dict[str, str], name: str = "lang") -> str | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    if len(text) > MAX_LANGUAGE_CHARS or not LANGUAGE_TAG.match(text):
        raise ParamError(name, f"must be a language code such as ar or uk, not {shown(text)}")
    return text


def parse_text(params: dict[str, str], name: str, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """A free-text or id parameter; blank counts as absent. No control characters but tab and
    line breaks (a NUL ends an SQLite string early) and no unpaired surrogates (not UTF-8)."""
    text = params.get(name, "").strip()
    if not text:
        return None
    if len(text) > max_chars:
        raise ParamError(name, f"must be at most {max_chars} characters, not {len(text)}")
    if any((ord(ch) < 0x20 and ch not in "\t\n\r") or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise ParamError(name, f"must not contain control characters, as {shown(text)} does")
    return text


def parse_search(params: dict[str, str], name: str = "search") -> str | None:
    """The words to look for: at most MAX_SEARCH_CHARS characters and MAX_SEARCH_WORDS words."""
    text = parse_text(params, name, MAX_SEARCH_CHARS)
    if text is not None and len(text.split()) > MAX_SEARCH_WORDS:
        raise ParamError(name, f"must be at most {MAX_SEARCH_WORDS} words, not {len(text.split())}")
    return text


def parse_id(record_id: str) -> str:
    """The `{id}` of `/hsds/{collection}/{id}`, held to the rules of an id parameter."""
    return parse_text({"id": record_id}, "id") or ""


def shown(text: str) -> str:
    """A parameter's value quoted in a message: never more than 40 characters of it."""
    return repr(text[:40]) + ("…" if len(text) > 40 else "")
