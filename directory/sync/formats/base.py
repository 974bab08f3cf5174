"""What every feed format reads and returns.

A format module exposes one function:

    def read(fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]

It asks `fetch` for the bytes it needs (the feed URL, further pages, the CSV files
of a datapackage) and yields one `Parsed` per document or page, so a large feed is
never held in memory whole. It turns bytes into nested HSDS 3.0 service records
and nothing else: no database, no normalisation (phones, languages, categories
and ids are the normaliser's job), no network of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# Follows the feed's SSRF rules, byte cap and deadline; raises FetchError.
Fetch = Callable[[str], FetchResult]


@dataclass
class FormatOptions:
    mapping: dict | None = None  # the `csv` format's column mapping (parsed YAML)
    page_cap: int = 1000  # never follow more pages than this, whatever totals say
    modified_after: str | None = None  # ask an API for changes since (ISO 8601), when it supports it
    where: str = "feed"  # a name for error messages


@dataclass
class Rejected:
    """A record the format could not turn into HSDS: quarantined with its raw form."""

    source_id: str | None
    raw: object  # JSON-serialisable: what the feed sent
    reasons: list[str]


@dataclass
class Parsed:
    """One document or page of a feed, as HSDS."""

    records: list[dict] = field(default_factory=list)  # nested HSDS services; ids as the source sent them
    rejected: list[Rejected] = field(default_factory=list)
    complete: bool = True  # False when this listing is partial (modified_after), so absences mean nothing
    not_modified: bool = False  # the server answered 304 to the first request


class FormatReader(Protocol):
    def __call__(self, fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]: ...
