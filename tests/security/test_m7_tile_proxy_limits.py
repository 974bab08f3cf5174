"""M7: the tile proxy cannot be made to fetch and keep the world for a stranger."""

from __future__ import annotations

import pytest

from directory.web.tiles import load_limits
from tests.security.tile_upstream import PNG, Upstream, tile_proxy


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


@pytest.mark.parametrize("path", ["/tiles/1_0/0/0.png", "/tiles/+1/0/0.png", "/tiles/%D9%A1/0/0.png",
                                  "/tiles/01/0/0.png", "/tiles/1/0/00.png", "/tiles/1/%EF%BC%90/0.png",
                                  "/tiles/1/0/ 1.png", "/tiles/1/0/1.0.png"])  # fmt: skip
def test_coordinates_are_plain_ascii_decimals_or_404_without_a_fetch(empty_instance, upstream, path):
    client = tile_proxy(empty_instance, upstream)
    answer = client.get(path)
    assert answer.status_code == 404, path
    assert upstream.asked == []
    assert client.get("/tiles/1/0/1.png").content == PNG  # the plain spelling works


def test_the_zoom_limit_is_a_setting_and_never_past_19(empty_instance, upstream):
    client = tile_proxy(empty_instance, upstream, max_zoom=16)
    assert client.get("/tiles/17/0/0.png").status_code == 404
    assert client.get("/tiles/16/0/0.png").status_code == 200
    assert upstream.paths() == ["/16/0/0.png"]


def test_a_bad_limit_in_harbour_toml_is_refused_naming_it(tmp_path):
    (tmp_path / "harbour.toml").write_text('[tile_proxy]\nmax_zoom = 25\nfetches_per_minute = "lots"\n')
    with pytest.raises(ValueError, match=r"harbour.toml: \[tile_proxy\] fetches_per_minute must be a whole number"):
        load_limits(tmp_path)
    (tmp_path / "harbour.toml").write_text("[tile_proxy]\nmax_zoom = 25\n")
    assert load_limits(tmp_path).max_zoom == 19, "never deeper than OpenStreetMap's tiles"


def test_an_upstream_404_is_remembered_and_not_asked_again_at_once(empty_instance, upstream):
    upstream.missing.add("/5/1/1.png")
    client = tile_proxy(empty_instance, upstream)
    assert [client.get("/tiles/5/1/1.png").status_code for _ in range(3)] == [404, 404, 404]
    assert upstream.paths() == ["/5/1/1.png"]


def test_a_spent_budget_gets_503_with_retry_after_and_kept_tiles_are_still_served(empty_instance, upstream):
    client = tile_proxy(empty_instance, upstream, fetches_per_minute=3)
    assert [client.get(f"/tiles/3/{x}/0.png").status_code for x in range(3)] == [200, 200, 200]
    spent = client.get("/tiles/3/3/0.png")
    assert spent.status_code == 503 and 1 <= int(spent.headers["retry-after"]) <= 60
    assert "budget" in spent.text
    assert client.get("/tiles/3/0/0.png").content == PNG, "a kept tile needs no fetch"
    assert upstream.paths() == ["/3/0/0.png", "/3/1/0.png", "/3/2/0.png"]


def test_kept_tiles_are_bounded_the_least_recently_served_going_and_huge_ones_never_kept(empty_instance, upstream):
    upstream.huge.add("/4/9/9.png")
    client = tile_proxy(empty_instance, upstream, tiles_kept=2)
    assert client.get("/tiles/4/0/0.png").status_code == 200
    assert client.get("/tiles/4/1/0.png").status_code == 200
    assert client.get("/tiles/4/0/0.png").status_code == 200  # served again: now the most recent
    assert client.get("/tiles/4/2/0.png").status_code == 200
    assert client.get("/tiles/4/9/9.png").status_code == 404
    kept = sorted(p.relative_to(empty_instance.data_dir / "tiles").as_posix()
                  for p in (empty_instance.data_dir / "tiles").rglob("*.png"))  # fmt: skip
    assert kept == ["4/0/0.png", "4/2/0.png"]


def test_the_user_agent_is_a_valid_header_whatever_the_contact(empty_instance, upstream):
    client = tile_proxy(empty_instance, upstream, contact="accueil@médiathèque.example (mairie)")
    assert client.get("/tiles/2/1/1.png").status_code == 200
    (_, agent), = upstream.asked
    assert agent.isascii() and agent.isprintable() and agent.startswith("Harbour community directory (+accueil@")
