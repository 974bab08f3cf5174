"""Fixtures of the security tests."""

from __future__ import annotations

import pytest

from tests.security.data_helpers import ADMIN
from tests.security.tile_upstream import Upstream, point_tiles_at
from tests.staff.helpers import make_user


@pytest.fixture
def admin_server(demo_instance, server_for):
    """A server over a demo copy with an admin account and a local stand-in for the tile server."""
    upstream = Upstream()
    point_tiles_at(demo_instance, upstream)
    make_user(demo_instance, ADMIN, "admin")
    yield server_for(demo_instance)
    upstream.close()
