"""The headers of every answer Datasette gives, and the paths it must not answer.

Datasette runs anyone's SQL and renders what it returns: a query chooses column
names, map popups and links. Its pages share the host with the staff workspace, so
whatever runs on them must not be able to act as a signed-in member of staff:

- `sandbox` without `allow-same-origin` puts each page in an opaque origin: a
  script there cannot read a staff page or send the staff cookie (it is a cross-site
  request to the browser), and a window it opens inherits the sandbox.
- Scripts come only from Datasette's static files or the few inline scripts whose
  hashes are allowed (Datasette's own and its map plugins' configuration), so a
  column name or cell that smuggles a <script> does not run; neither does a
  `javascript:` link.
- Requests, forms and scripts are confined to the data pages' own path; tiles to
  our tile proxy. Nothing loads from another host.

Because the pages are an opaque origin, the browser fetches their module scripts
and JSON cross-origin: `Access-Control-Allow-Origin: *` lets it (the data is open
and the answers never depend on a cookie).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-downloads"
TILES_PATH = "/tiles/"  # directory/web/tiles.py
# Datasette's introspection pages show the data file's absolute path, the settings,
# versions, plugins and threads. Under /-/ only static files are public.
PUBLIC_UNDER_DASH = ("/-/static/", "/-/static-plugins/")
HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(host: str | None, base_url: str, script_hashes: Iterable[str]) -> str:
    """The policy for a Datasette answer seen at `host` (the request's Host header) under `base_url`.

    Sources are URLs with paths so a page can reach its own data but not /staff/ on
    the same host; `http://host` matches https too. Without a usable Host, 'self'.
    """
    origin = f"http://{host}" if host and HOST.fullmatch(host) else None
    here = f"{origin}{base_url}" if origin else "'self'"
    tiles = f"{origin}{TILES_PATH}" if origin else "'self'"
    hashes = " ".join(sorted(set(script_hashes)))
    return "; ".join(
        [
            SANDBOX,
            "default-src 'none'",
            f"script-src {here}-/ {hashes}".rstrip(),
            # Datasette's pages and Leaflet set inline styles; a style cannot run code.
            f"style-src {here}-/ 'unsafe-inline'",
            f"img-src {here} {tiles} data:",
            f"connect-src {here}",
            f"form-action {here}",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def is_hidden(path: str) -> bool:
    """True for Datasette's introspection pages (`path` without the mount prefix)."""
    return path.startswith("/-/") and not path.startswith(PUBLIC_UNDER_DASH)
