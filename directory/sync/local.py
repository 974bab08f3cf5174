"""Reading a feed from local files: a `Fetch` for `file://` URLs, kept inside one folder.

`harbour import PATH` runs the same format readers as a sync; they ask for URLs. A
package's descriptor names its files relative to itself (`services.csv`,
`data/phones.csv`), so the reader joins them to the descriptor's `file://` URL and
asks this fetcher, which answers only for files inside the folder the import was
given: a `datapackage.json` naming `../../etc/passwd`, a symlink out of the folder or
a web address is refused, as a feed URL pointing into our own network is. An absent
file raises the FetchError an HTTP 404 would, so a reader's fallbacks (a resource
not where declared) behave the same for a folder as for a website.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from directory.sync.errors import FetchError
from directory.sync.formats.base import Fetch, FetchResult

MAX_FILE_BYTES = 1024 * 1024 * 1024  # a local package may be far larger than a download is allowed to be


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def local_fetcher(root: Path, absent: set[str] | None = None, max_bytes: int = MAX_FILE_BYTES) -> Fetch:
    """A Fetch for `file://` URLs of files under `root`; those in `absent` are answered as missing files."""
    root = root.resolve()
    absent = set(absent or ())

    def fetch(url: str) -> FetchResult:
        if url in absent:
            raise FetchError(f"{unquote(urlsplit(url).path)}: left out", status=404)
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise FetchError(f"{url}: a local package may only name files in its own folder ({root})")
        path = Path(unquote(parts.path)).resolve()  # symlinks too: where the bytes really are
        if not path.is_relative_to(root):
            raise FetchError(f"{unquote(parts.path)}: outside the folder being imported ({root}); refused")
        if not path.is_file():
            raise FetchError(f"{path}: no such file", status=404)
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(f"{path}: {size:,} bytes, over the limit of {max_bytes:,}")
        try:
            return FetchResult(url, 200, path.read_bytes())
        except OSError as error:
            raise FetchError(f"{path}: cannot be read ({error.strerror})") from None

    return fetch
