"""The files of one tabular package, by path relative to its descriptor: fetched, or in a zip.

Publishers move files without updating the descriptor, so a path is looked for where
it is declared, then by its file name beside the descriptor, then under `data/`.
"Absent" means what the source says it means: a fetch that raises a not-found
FetchError (whatever the scheme: http, file), an HTML page where a CSV was asked
for (a site's "not found" page served with 200), a name the zip does not hold. Any
other failure (a timeout, a server error) ends the run: reading a table as empty
because the network blinked would delete its rows from the directory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from urllib.parse import urljoin, urlsplit

from directory.sync.errors import FetchError
from directory.sync.formats.base import Fetch
from directory.sync.formats.documents import looks_like_html
from directory.sync.formats.tabular import read_member

# Statuses that say "no such file": S3-style stores answer 403 for a key they do not hold.
ABSENT_STATUSES = (403, 404, 410)
_ANSWERED = re.compile(r"\banswered (\d{3})\b")


def is_absent(error: FetchError) -> bool:
    """Whether a fetch failed because the file is not there (rather than the network or server)."""
    status = getattr(error, "status", None)
    if status is None:
        found = _ANSWERED.search(str(error))
        status = int(found.group(1)) if found else None
    return status in ABSENT_STATUSES


def candidates(path: str) -> list[str]:
    """Where a declared file may be: as declared, beside the descriptor, under data/."""
    name = posixpath.basename(urlsplit(path).path)
    found = [path]
    for other in (name, f"data/{name}"):
        if name and other not in found:
            found.append(other)
    return found


def whereabouts(path: str) -> str:
    """How a report says where a file was found, relative to the descriptor."""
    if "/" not in path:
        return "beside the datapackage.json"
    if path.startswith("data/") and path.count("/") == 1:
        return "under data/"
    return f"at {path}"


class FetchedFiles:
    """A package's files fetched by URL, relative to the descriptor's URL."""

    def __init__(self, fetch: Fetch, base_url: str) -> None:
        self.fetch, self.base_url = fetch, base_url

    def where(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when it is not there. Other failures raise."""
        try:
            body = self.fetch(self.where(path)).body
        except FetchError as error:
            if is_absent(error):
                return None
            raise
        return None if looks_like_html(body) else body

    def probe(self, path: str) -> bytes | None:
        """A file that may or may not exist: any failure means it is not there, quietly."""
        try:
            body = self.fetch(self.where(path)).body
        except FetchError:
            return None
        return None if looks_like_html(body) else body

    def listing(self) -> None:
        return None  # a web server does not say what it holds


class ZipFiles:
    """A package's files inside a zip, relative to the folder holding its descriptor."""

    def __init__(self, archive: zipfile.ZipFile, zip_where: str, folder: str, names: list[str]) -> None:
        self.archive, self.zip_where, self.folder = archive, zip_where, folder
        self.names = set(names)

    def member(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.folder, urlsplit(path).path))

    def where(self, path: str) -> str:
        return f"{self.zip_where}!{self.member(path)}"

    def read(self, path: str) -> bytes | None:
        member = self.member(path)
        if member not in self.names:
            return None
        return read_member(self.archive, member, self.zip_where)

    probe = read

    def listing(self) -> set[str]:
        return self.names
