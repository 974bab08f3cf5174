"""Info: the PWA's Content-Security-Policy is a response header too, and forbids framing."""

from __future__ import annotations

import re

from directory.paths import PWA_DIR
from tests.security.raw_requests import raw_get
from tests.security.shell_app import pwa_app


def directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_the_shell_page_sends_its_meta_policy_as_a_header_with_frame_ancestors_none(empty_instance):
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', (PWA_DIR / "index.html").read_text())
    app, _ = pwa_app(empty_instance)
    for path in ("/", "/index.html"):
        status, headers, _ = raw_get(app, path, {"Accept-Encoding": "br"})
        assert status == 200
        sent = directives(headers["content-security-policy"])
        assert sent.pop("frame-ancestors") == "'none'"
        assert sent == directives(meta.group(1)), "the header says what the meta tag says"
        assert headers["x-content-type-options"] == "nosniff"
    # Scripts and data are not pages: no policy to send there.
    assert "content-security-policy" not in raw_get(app, "/app.js")[1]
