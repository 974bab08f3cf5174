"""A save that cannot get its turn in time is answered 503 with Retry-After and a sentence, never 500,
and leaves nothing half-written; once the writer ahead is done, the same save goes through."""

from __future__ import annotations

import threading
from contextlib import closing

import httpx

from directory.db.connection import connect
from tests.staff.edit_helpers import a_service_of
from tests.staff.helpers import bearer, make_token, make_user

PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


def test_a_save_blocked_past_the_busy_timeout_is_a_503_with_retry_after_then_succeeds(
    demo_instance, server_for, monkeypatch
):
    monkeypatch.setenv("HARBOUR_BUSY_TIMEOUT_MS", "1000")
    service_id, _ = a_service_of(demo_instance)
    make_user(demo_instance, "busy@writers.test", "admin")
    headers = bearer(make_token(demo_instance, "busy@writers.test"))
    server = server_for(demo_instance)
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        etag = client.get(f"/api/services/{service_id}").headers["etag"]
        answers = []
        # Another process (this test) holds the write lock for longer than the server will wait.
        with closing(connect(demo_instance.directory_path)) as other:
            other.execute("BEGIN IMMEDIATE")
            saving = threading.Thread(target=lambda: answers.append(client.patch(
                f"/api/services/{service_id}", json={"description": "Saved once the way is clear"},
                headers={**PATCH_TYPE, "If-Match": etag})))  # fmt: skip
            saving.start()
            saving.join(timeout=60)
            other.execute("ROLLBACK")
        [busy] = answers
        assert busy.status_code == 503, busy.text
        assert int(busy.headers["retry-after"]) > 0
        assert "try again" in busy.json()["error"]
        assert client.get(f"/api/services/{service_id}").headers["etag"] == etag  # nothing was written
        again = client.patch(f"/api/services/{service_id}", json={"description": "Saved once the way is clear"},
                             headers={**PATCH_TYPE, "If-Match": etag})  # fmt: skip
        assert again.status_code == 200, again.text
    with closing(connect(demo_instance.directory_path)) as db:
        assert db.execute("SELECT description FROM services WHERE id = ?", [service_id]).fetchone()[0] == \
            "Saved once the way is clear"
