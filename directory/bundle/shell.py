"""The PWA shell: the files the service worker precaches, each with its content hash.

`/sw.js` is `pwa/sw.js` with the shell list prepended, so any change to any shell
file changes the worker's bytes, which makes browsers install the new shell.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from directory.paths import PROJECT_ROOT, PWA_DIR

MINISEARCH = PROJECT_ROOT / "node_modules" / "minisearch" / "dist" / "es" / "index.js"
VENDOR = {"/vendor/minisearch.js": MINISEARCH}
# In pwa/ but not the shell: the worker itself, and what tells Node the files are modules.
NOT_SHELL = {"sw.js", "package.json"}


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
        if path.is_file() and relative not in NOT_SHELL and not path.name.startswith("."):
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
