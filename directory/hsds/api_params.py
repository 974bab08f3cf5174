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
    per_page = min(_positive_int(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return PageRequest(page, per_page)


def _positive_int(params: dict[str, str], name: str, default: int) -> int:
    text = params.get(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise ParamError(name, f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise ParamError(name, f"must be 1 or more, not {value}")
    return value


def parse_bool(params: dict[str, str], name: str) -> bool:
    text = params.get(name, "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ParamError(name, f"must be true or false, not {params[name]!r}")


def parse_datetime(params: dict[str, str], name: str) -> str | None:
    """An ISO 8601 date or datetime as UTC text in the change log's own format.

    The change log stores `YYYY-MM-DDTHH:MM:SSZ`, so comparing the normalised text
    compares the instants. A time without an offset is taken as UTC.
    """
    text = params.get(name, "").strip()
    if not text:
        return None
    # An unencoded "+02:00" in a query string arrives as " 02:00".
    text = re.sub(r"(\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ParamError(
            name, f"must be an ISO 8601 date or datetime such as 2024-05-01T09:30:00Z, not {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_language(params: dict[str, str], name: str = "lang") -> str | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    if not LANGUAGE_TAG.match(text):
        raise ParamError(name, f"must be a language code such as ar or uk, not {text!r}")
    return text


def parse_text(params: dict[str, str], name: str) -> str | None:
    """A free-text or id parameter; blank counts as absent."""
    text = params.get(name, "").strip()
    return text or None
