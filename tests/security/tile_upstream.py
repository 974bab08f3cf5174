"""A stand-in tile server on 127.0.0.1 that can say 404 or send a huge "tile", and the proxy in process."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from starlette.applications import Starlette

from directory.config import load_settings, save_settings
from directory.instance import Instance
from directory.web.errors import HANDLERS

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


class Upstream:
    def __init__(self):
        self.asked: list[tuple[str, str]] = []  # (path, User-Agent)
        self.missing: set[str] = set()  # paths answered 404
        self.huge: set[str] = set()  # paths answered with a megabyte
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                upstream.asked.append((self.path, self.headers.get("User-Agent", "")))
                if self.path in upstream.missing:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"\x89PNG" + b"\0" * 1_000_000 if self.path in upstream.huge else PNG
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [path for path, _ in self.asked]

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def point_tiles_at(instance: Instance, upstream: Upstream, contact: str | None = None) -> None:
    """Make `instance` fetch its map tiles from `upstream` (instead of OpenStreetMap)."""
    settings = load_settings(instance.data_dir)
    settings.tiles = upstream.url + "/{z}/{x}/{y}.png"
    if contact is not None:
        settings.contact = contact
    save_settings(instance.data_dir, settings)


def tile_proxy(instance: Instance, upstream: Upstream, contact: str | None = None, **limits: int):
    """A test client for /tiles/ over `instance`, fetching from `upstream`, with `[tile_proxy]` limits."""
    from directory.web import tiles
    from tests.bundle_helpers import TestClient

    point_tiles_at(instance, upstream, contact)
    if limits:
        config = instance.data_dir / "harbour.toml"
        table = "".join(f"{name} = {value}\n" for name, value in limits.items())
        config.write_text(config.read_text() + "\n[tile_proxy]\n" + table)
    return TestClient(Starlette(routes=tiles.routes(instance), exception_handlers=HANDLERS))
