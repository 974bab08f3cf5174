"""The map at /data/ takes its tiles from our own origin; we fetch each from the tile server once."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import httpx
import pytest

from directory.config import load_settings, save_settings

# A 1×1 PNG, as a tile server would send a (very small) tile.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


class TileServer:
    """Stands in for tile.openstreetmap.org on 127.0.0.1, counting what it is asked."""

    def __init__(self):
        self.asked: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.asked.append((self.path, self.headers.get("User-Agent", "")))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def tiles(demo_instance, server_for):
    upstream = TileServer()
    settings = load_settings(demo_instance.data_dir)
    settings.tiles = upstream.url + "/{z}/{x}/{y}.png"
    save_settings(demo_instance.data_dir, settings)
    server = server_for(demo_instance)
    yield server, upstream
    upstream.close()


def test_a_tile_is_fetched_once_with_our_name_then_served_from_the_cache(tiles):
    server, upstream = tiles
    first = httpx.get(server.url + "/tiles/12/2047/1362.png")
    assert first.status_code == 200 and first.content == PNG and first.headers["content-type"] == "image/png"
    assert "set-cookie" not in first.headers
    again = httpx.get(server.url + "/tiles/12/2047/1362.png")
    assert again.content == PNG
    assert [path for path, _ in upstream.asked] == ["/12/2047/1362.png"], "the second came from the cache"
    assert upstream.asked[0][1].startswith("Harbour community directory (+welcome@kingsmere.example)")


@pytest.mark.parametrize("path", ["/tiles/20/0/0.png", "/tiles/2/4/0.png", "/tiles/2/0/-1.png", "/tiles/a/0/0.png"])
def test_tiles_outside_the_world_are_not_fetched(tiles, path):
    server, upstream = tiles
    assert httpx.get(server.url + path).status_code == 404
    assert upstream.asked == []


def test_the_map_of_locations_loads_nothing_from_another_host(tiles, browser):
    server, upstream = tiles
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    hosts = []
    context.on("request", lambda request: hosts.append(urlparse(request.url).hostname))
    try:
        page = context.new_page()
        page.goto(server.url + "/data/directory/locations")
        page.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
    finally:
        context.close()
    assert set(hosts) == {"127.0.0.1"}, set(hosts)
    assert upstream.asked, "the tiles came through our /tiles/"


def test_no_tile_server_set_means_no_tiles(demo_instance, server_for):
    settings = load_settings(demo_instance.data_dir)
    settings.tiles = ""
    save_settings(demo_instance.data_dir, settings)
    server = server_for(demo_instance)
    assert httpx.get(server.url + "/tiles/1/0/0.png").status_code == 404
