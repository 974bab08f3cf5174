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

from directory.sync.problems import Problem


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
class Recalled:
    """A page whose bytes are those of a page already landed, with all its services unchanged since."""

    source_ids: list[str]  # the ids of its services, in order
    number: int | None  # the page number it reported
    last: bool  # it said no page follows


@dataclass
class PageKey:
    """What a page memo needs to remember a page the run then lands."""

    url: str
    digest: str  # SHA-256 of the page's bytes
    number: int | None
    last: bool


# Given a page's final URL and the SHA-256 (hex) of its bytes, the services of an identical page
# landed before, or None.
Recall = Callable[[str, str], "Recalled | None"]


@dataclass
class FormatOptions:
    mapping: dict | None = None  # the `csv` format's column mapping (parsed YAML)
    page_cap: int = 1000  # never follow more pages than this, whatever totals say
    modified_after: str | None = None  # ask an API for changes since (ISO 8601), when it supports it
    where: str = "feed"  # a name for error messages
    recall: Recall | None = None  # paged formats that support it skip reading pages it recognises


@dataclass
class Rejected:
    """A record the format could not turn into HSDS: quarantined with its raw form."""

    source_id: str | None
    raw: object  # JSON-serialisable: what the feed sent
    reasons: list[str]
    file: str | None = None  # where it was read, for the report's problem rows (problems.py)
    line: int | None = None


@dataclass
class Parsed:
    """One document or page of a feed, as HSDS."""

    records: list[dict] = field(default_factory=list)  # nested HSDS services; ids as the source sent them
    rejected: list[Rejected] = field(default_factory=list)
    complete: bool = True  # False when this listing is partial (modified_after), so absences mean nothing
    not_modified: bool = False  # the server answered 304 to the first request
    recalled: list[str] = field(default_factory=list)  # source ids of a recalled page, not read again
    page: PageKey | None = None  # set when the records are exactly one page's, all read whole
    problems: list[Problem] = field(default_factory=list)  # what reading repaired or set aside (problems.py)


class FormatReader(Protocol):
    def __call__(self, fetch: Fetch, url: str, options: FormatOptions) -> Iterator[Parsed]: ...
