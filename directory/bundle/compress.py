"""Bundles and deltas on the wire: brotli when the client accepts it, else gzip, else as is.

Both are deterministic (gzip with mtime 0), so every replica serves the same bytes.
Brotli's best quality is slow (about 0.4 MB/s): bundles over BEST_UP_TO get quality 9
with a large window, which still beats gzip -9 by a quarter at a fiftieth of the time.
"""

from __future__ import annotations

import gzip

import brotli

BEST_UP_TO = 1_000_000  # bytes of JSON still worth brotli's slowest, smallest setting
LARGE_QUALITY = 9
LARGE_WINDOW = 24  # brotli's largest window: repeats far apart in a big bundle still match


def accepted(accept_encoding: str) -> str | None:
    """'br', 'gzip' or None for an Accept-Encoding header (q=0 refuses a coding)."""
    offered = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip()] = quality
    for coding in ("br", "gzip"):
        if offered.get(coding, 0) > 0:
            return coding
    return None


def compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        if len(body) <= BEST_UP_TO:
            return brotli.compress(body, quality=11, mode=brotli.MODE_TEXT)
        return brotli.compress(body, quality=LARGE_QUALITY, lgwin=LARGE_WINDOW, mode=brotli.MODE_TEXT)
    if coding == "gzip":
        return gzip.compress(body, compresslevel=9, mtime=0)
    raise ValueError(f"unknown content coding {coding!r}")
