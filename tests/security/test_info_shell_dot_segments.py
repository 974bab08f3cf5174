"""Info: `/./sw.js` no longer gets past the shell filter (the raw worker, without its shell list)."""

from __future__ import annotations

from tests.security.raw_requests import raw_get
from tests.security.shell_app import pwa_app


def test_the_worker_is_only_served_at_its_own_url(empty_instance):
    app, _ = pwa_app(empty_instance)
    status, _, body = raw_get(app, "/sw.js")
    assert status == 200 and body.startswith(b"// Added by the server")
    for path in ["/./sw.js", "/x/../sw.js", "//sw.js", "/sw.js/"]:
        status, _, body = raw_get(app, path)
        assert status == 404 and b"const SHELL" not in body and b"self.addEventListener" not in body, path

