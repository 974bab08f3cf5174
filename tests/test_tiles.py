"""The map at /data/ takes its tiles from our own origin; we fetch each from the tile server once."""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest

from directory.config import load_settings, save_settings
from tests.security.tile_upstream import PNG, Upstream, point_tiles_at


@pytest.fixture
def tiles(demo_instance, server_for):
    upstream = Upstream()
    point_tiles_at(demo_instance, upstream)
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
