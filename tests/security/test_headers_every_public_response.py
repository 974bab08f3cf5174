"""Every public answer of the site — pages, data, scripts, errors — carries a Content-Security-Policy,
`X-Content-Type-Options: nosniff` and a frame policy, and a route's own policy is kept."""

from __future__ import annotations

import httpx
import pytest

from directory.web.security_headers import DEFAULT_CSP, with_default_headers
from tests.test_datasette import query

PUBLIC_PATHS = [
    "/",
    "/app.js",
    "/app.css",
    "/sw.js",
    "/manifest.webmanifest",
    "/services",
    "/services/{service}",
    "/guide",
    "/guide/en/health",
    "/bundle/manifest.json",
    "/bundle/{bundle}",
    "/hsds/",
    "/hsds/services?per_page=2",
    "/hsds/services/{service}",
    "/hsds/no-such-endpoint",
    "/data/",
    "/data/directory",
    "/data/directory/services",
    "/data/directory/services.json?_shape=array",
    "/data/directory/services.csv",
    "/data/directory/services/{service}",
    "/data/directory.json?sql=select+1+from+no_such_table",
    "/data/-/static/app.css",
    "/healthz",
    "/push/key",
    "/robots.txt",
    "/no-such-page",
    "/data/no-such-database",
]


@pytest.fixture(scope="module")
def paths(demo_server) -> list[str]:
    service = query(demo_server.data_dir, "SELECT id FROM services ORDER BY id LIMIT 1")[0][0]
    manifest = httpx.get(demo_server.url + "/bundle/manifest.json").json()
    bundle = manifest["languages"]["en"]["url"].removeprefix("/bundle/")
    return [path.format(service=service, bundle=bundle) for path in PUBLIC_PATHS]


def test_every_public_response_has_a_csp_nosniff_and_a_frame_policy(demo_server, paths):
    missing = {}
    with httpx.Client(base_url=demo_server.url, timeout=60) as client:
        for path in paths:
            headers = client.get(path).headers
            csp = headers.get("content-security-policy", "")
            problems = [
                name
                for name, ok in [
                    ("content-security-policy", bool(csp)),
                    ("nosniff", headers.get("x-content-type-options") == "nosniff"),
                    ("frame policy", headers.get("x-frame-options") == "DENY" or "frame-ancestors 'none'" in csp),
                ]
                if not ok
            ]
            if problems:
                missing[path] = problems
    assert missing == {}


def test_a_route_that_sets_its_own_policy_keeps_it_and_gets_the_rest():
    own = [(b"content-security-policy", b"default-src 'none'"), (b"X-Frame-Options", b"SAMEORIGIN")]
    headers = dict(with_default_headers(own))
    assert headers[b"content-security-policy"] == b"default-src 'none'"
    assert headers[b"X-Frame-Options"] == b"SAMEORIGIN" and b"x-frame-options" not in headers
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert dict(with_default_headers([]))[b"content-security-policy"] == DEFAULT_CSP.encode()


def test_pages_with_their_own_policy_keep_it(demo_server):
    services = httpx.get(demo_server.url + "/services").headers["content-security-policy"]
    assert services.startswith("default-src 'none'"), "the no-JavaScript pages' own policy"
    data = httpx.get(demo_server.url + "/data/").headers["content-security-policy"]
    assert data.startswith("sandbox "), "Datasette's pages keep their sandbox"
