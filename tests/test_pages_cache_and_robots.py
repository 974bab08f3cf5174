"""The no-JavaScript pages share the PWA's bundle cache, and /robots.txt keeps crawlers
to the public side."""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from directory.bundle.cache import BundleCache
from directory.web.app import create_app


def test_services_pages_and_the_pwa_build_the_bundles_once_between_them(demo_instance, monkeypatch):
    builds = []
    real_build = BundleCache._build

    def counting_build(self, db):
        builds.append(self)
        return real_build(self, db)

    monkeypatch.setattr(BundleCache, "_build", counting_build)
    with TestClient(create_app(demo_instance)) as client:
        assert client.get("/services").status_code == 200
        manifest = client.get("/bundle/manifest.json")
        assert manifest.status_code == 200
        assert client.get(manifest.json()["languages"]["en"]["url"]).status_code == 200
        assert client.get("/services?q=advice").status_code == 200
    assert len(builds) == 1, "the pages and the PWA built the same bundles twice"
    assert builds[0] is BundleCache.for_instance(demo_instance)


def test_robots_txt_allows_public_pages_and_keeps_crawlers_out_of_staff_api_and_push(demo_server):
    response = httpx.get(demo_server.url + "/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert {"Disallow: /staff/", "Disallow: /api/", "Disallow: /push/"} <= set(lines)
    assert not any(line.startswith("Disallow: /services") or line == "Disallow: /" for line in lines)
    assert "set-cookie" not in response.headers
