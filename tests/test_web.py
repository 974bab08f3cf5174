"""The web app's own routes: health, errors as JSON or as a friendly page, no cookies."""

from __future__ import annotations

import httpx


def test_healthz_answers_ok_with_the_service_count(demo_server):
    response = httpx.get(demo_server.url + "/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["services"] >= 200


def test_a_missing_page_is_a_friendly_html_page(demo_server):
    response = httpx.get(demo_server.url + "/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Back to the directory" in response.text


def test_a_missing_api_path_is_json(demo_server):
    for path in ("/api/nothing-here", "/bundle/nothing-here"):
        response = httpx.get(demo_server.url + path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json"), path
        assert response.json()["status"] == 404


def test_public_pages_set_no_cookies(demo_server):
    for path in ("/", "/data/", "/data/directory/services", "/hsds/services", "/bundle/manifest.json", "/healthz"):
        response = httpx.get(demo_server.url + path, follow_redirects=True)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path


def test_data_without_slash_redirects_to_datasette(demo_server):
    response = httpx.get(demo_server.url + "/data")
    assert response.status_code == 301 and response.headers["location"] == "/data/"
