"""L5: every map on every /data/ page — a table's, the SQL page's — draws its tiles from our
own /tiles/ proxy, never from OpenStreetMap's servers (the map setting is site-wide now)."""

from __future__ import annotations

import httpx
import pytest

from tests.security.data_helpers import keep_requests_local, sql_page

TILE_LAYER = 'window.DATASETTE_CLUSTER_MAP_TILE_LAYER = "/tiles/{z}/{x}/{y}.png";'
MAP_PAGES = [
    "/data/directory/locations",
    "/data/directory?sql=SELECT+name%2C+latitude%2C+longitude+FROM+locations",
    "/data/directory?sql=SELECT+latitude%2C+longitude+FROM+locations+LIMIT+3",
]


@pytest.mark.parametrize("path", MAP_PAGES)
def test_every_map_page_is_set_to_our_tiles(demo_server, path):
    page = httpx.get(demo_server.url + path, timeout=60).text
    assert "DATASETTE_CLUSTER_MAP_TILE_LAYER" in page, "the page shows a map"
    assert TILE_LAYER in page
    assert "tile.openstreetmap.org" not in page


def test_the_sql_page_map_loads_tiles_only_from_our_origin(admin_server, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        outside = keep_requests_local(context)
        tiles = []
        context.on("request", lambda request: tiles.append(request.url) if "/tiles/" in request.url else None)
        page = context.new_page()
        page.goto(sql_page(admin_server, "SELECT name, latitude, longitude FROM locations"))
        page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
        page.locator(".leaflet-tile-loaded").first.wait_for()
    finally:
        context.close()
    assert outside == [], outside
    assert tiles and all(url.startswith(admin_server.url + "/tiles/") for url in tiles)
