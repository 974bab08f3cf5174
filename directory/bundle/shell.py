"""The PWA shell: the files the service worker precaches, each with its content hash.

`/sw.js` is `pwa/sw.js` with the shell list prepended, so any change to any shell
file changes the worker's bytes, which makes browsers install the new shell.
`ShellFiles` serves them compressed (brotli or gzip), made once per file version,
and only under the one spelling a browser sends: `/r1/../app.js` or `/./sw.js` is no
shell file, so a stranger cannot grow the cache with spellings of the same file.
The shell page's Content-Security-Policy is its `<meta>` tag's, sent as a header too
(`shell_csp`), where `frame-ancestors` — which a meta tag cannot carry — is added.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import threading
from collections import OrderedDict
from pathlib import Path

from directory.bundle.compress import compress
from directory.paths import PROJECT_ROOT, PWA_DIR

MINISEARCH = PROJECT_ROOT / "node_modules" / "minisearch" / "dist" / "es" / "index.js"
VENDOR = {"/vendor/minisearch.js": MINISEARCH}
# In pwa/ but not the shell: the worker itself, and what tells Node the files are modules.
NOT_SHELL = {"sw.js", "package.json"}
# Raster icons are for installing the app (the browser fetches them then, online) and
# for old home screens; the page itself shows SVG. Not worth 28 KB of every first visit.
NOT_PRECACHED_SUFFIXES = (".png",)
# Entries are keyed by real files, so pwa/ (a few dozen) bounds them; this bounds them anyway.
FILES_KEPT = 256
_CSP_META = re.compile(rb'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"', re.I)


def vendor_bytes(path: Path) -> bytes:
    """A vendored module without its source-map comment (the map is not served)."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("//# sourceMappingURL=")]
    return ("\n".join(lines) + "\n").encode("utf-8")


def shell_files(pwa_dir: Path = PWA_DIR) -> dict[str, bytes]:
    """URL path → bytes of every file the page needs to start offline."""
    files: dict[str, bytes] = {}
    for path in sorted(pwa_dir.rglob("*")):
        relative = path.relative_to(pwa_dir).as_posix()
        if (
            path.is_file()
            and relative not in NOT_SHELL
            and not path.name.startswith(".")
            and not path.name.endswith(NOT_PRECACHED_SUFFIXES)
        ):
            url = "/" if relative == "index.html" else "/" + relative
            files[url] = path.read_bytes()
    for url, path in VENDOR.items():
        files[url] = vendor_bytes(path)
    return files


def shell_manifest(pwa_dir: Path = PWA_DIR) -> dict[str, str]:
    """URL path → sha256 prefix."""
    return {url: hashlib.sha256(body).hexdigest()[:16] for url, body in shell_files(pwa_dir).items()}


def service_worker_source(pwa_dir: Path = PWA_DIR) -> str:
    shell = shell_manifest(pwa_dir)
    version = hashlib.sha256(json.dumps(shell, sort_keys=True).encode()).hexdigest()[:16]
    header = (
        "// Added by the server (directory/bundle/shell.py): the shell to precache, by content hash.\n"
        f"const SHELL = {json.dumps(shell, indent=1)};\n"
        f'const SHELL_VERSION = "{version}";\n\n'
    )
    return header + (pwa_dir / "sw.js").read_text(encoding="utf-8")


class ShellFiles:
    """A shell file's bytes, type, hash and compressed forms; re-read when the file changes."""

    def __init__(self, pwa_dir: Path = PWA_DIR, kept: int = FILES_KEPT):
        self.pwa_dir, self.kept = pwa_dir, kept
        self.lock = threading.Lock()
        # Keyed by the file's path in pwa/ (or the vendor URL), never by the URL as asked.
        self.files: OrderedDict[str, tuple[tuple, bytes, str, dict[str, bytes]]] = OrderedDict()

    def source(self, url: str) -> tuple[str, Path] | None:
        """(cache key, file) for a shell URL in its one canonical spelling, else None."""
        if url in VENDOR:
            return url, VENDOR[url]
        relative = "index.html" if url in ("/", "/index.html") else canonical_relative(url)
        if relative is None or relative in NOT_SHELL:
            return None
        path = self.pwa_dir / relative
        if not path.is_file() or not path.resolve().is_relative_to(self.pwa_dir.resolve()):
            return None
        return relative, path

    def get(self, url: str, coding: str | None) -> tuple[bytes, str, str, str | None] | None:
        """(body, content type, sha256, coding applied), or None when `url` is no shell file."""
        found = self.source(url)
        if found is None:
            return None
        key, path = found
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self.lock:
            cached = self.files.get(key)
            if cached is None or cached[0] != stamp:
                body = vendor_bytes(path) if url in VENDOR else path.read_bytes()
                cached = self.files[key] = (stamp, body, hashlib.sha256(body).hexdigest(), {})
            self.files.move_to_end(key)
            while len(self.files) > self.kept:
                self.files.popitem(last=False)
            _, body, digest, encoded = cached
            # Images are compressed already; text shrinks to a fraction.
            media_type = _media_type(path)
            if media_type.startswith("image/png"):
                coding = None
            if coding:
                if coding not in encoded:
                    encoded[coding] = compress(body, coding)
                body = encoded[coding]
        return body, media_type, digest, coding


def canonical_relative(url: str) -> str | None:
    """`url`'s path inside pwa/ when it is spelt as a browser spells it, else None.

    Browsers resolve dot segments and never send empty ones; anything else (`/a/../b`,
    `/./sw.js`, `//b`, a trailing slash, a backslash, a hidden file) is not a shell URL.
    """
    if not url.startswith("/") or "\\" in url:
        return None
    segments = url[1:].split("/")
    if any(segment in ("", ".", "..") or segment.startswith(".") for segment in segments):
        return None
    return "/".join(segments)


def shell_csp(page: bytes) -> str | None:
    """The page's meta Content-Security-Policy as a header: the same policy, plus what only a header can say."""
    found = _CSP_META.search(page)
    if found is None:
        return None
    policy = found.group(1).decode("utf-8").strip().rstrip(";")
    return f"{policy}; frame-ancestors 'none'"


def _media_type(path: Path) -> str:
    if path.suffix in (".js", ".mjs"):
        return "text/javascript; charset=utf-8"
    if path.suffix == ".webmanifest":
        return "application/manifest+json"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith(("json", "svg+xml")) else guessed
