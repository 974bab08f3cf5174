"""Fixtures of the security tests."""

from __future__ import annotations

import pytest

from directory.config import load_settings, save_settings
from tests.security.data_helpers import ADMIN
from tests.staff.helpers import make_user
from tests.test_tiles import TileServer


@pytest.fixture
def admin_server(demo_instance, server_for):
    """A server over a demo copy with an admin account and a local stand-in for the tile server."""
    upstream = TileServer()
    settings = load_settings(demo_instance.data_dir)
    settings.tiles = upstream.url + "/{z}/{x}/{y}.png"
    save_settings(demo_instance.data_dir, settings)
    make_user(demo_instance, ADMIN, "admin")
    yield server_for(demo_instance)
    upstream.close()
