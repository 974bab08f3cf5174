"""Backup and replication test helpers: run the CLI, wait for a condition, find the replicator.

    done = harbour("backup", str(out), "--data-dir", str(instance.data_dir))
    wait_for(lambda: health(server)["replication"]["state"] == "dead", "the replicator to be seen dead")
    pid = litestream_of(server)
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.staff.edit_helpers import a_service_of
from tests.staff.helpers import bearer, make_token, make_user

PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


def harbour(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args], capture_output=True, text=True, timeout=300)


def wait_for(condition: Callable[[], object], what: str, seconds: float = 60.0):
    """Poll until `condition()` is truthy and return it; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def health(server) -> dict:
    answer = httpx.get(server.url + "/healthz", timeout=30)
    body = answer.json()
    body["http_status"] = answer.status_code
    return body


def litestream_of(server) -> int:
    """The pid of the server's Litestream child."""
    children = []
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        children += (task / "children").read_text().split()
    names = {pid: Path(f"/proc/{pid}/comm").read_text().strip() for pid in children}
    found = [int(pid) for pid, name in names.items() if name == "litestream"]
    assert len(found) == 1, f"children of the server: {names}"
    return found[0]


def is_running(pid: int) -> bool:
    """A live process, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def kill_hard(pid: int) -> None:
    os.kill(pid, 9)


def stamp(iso: str | None) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp() if iso else 0.0


class Editor:
    """An editor of a demo organization, with an API token, renaming one of its services."""

    def __init__(self, instance, email: str = "ed@backup.test"):
        self.service_id, organization = a_service_of(instance)
        make_user(instance, email, "editor", [organization])
        self.headers = bearer(make_token(instance, email))

    def rename(self, server, name: str) -> None:
        url = f"{server.url}/api/services/{self.service_id}"
        etag = httpx.get(url, headers=self.headers, timeout=30).headers["etag"]
        answer = httpx.patch(url, headers={**self.headers, **PATCH_TYPE, "If-Match": etag},
                             json={"name": name}, timeout=30)
        assert answer.status_code == 200, answer.text  # acknowledged

    def name_in(self, data_dir: Path) -> str:
        with closing(sqlite3.connect(data_dir / "directory.db")) as db:
            return db.execute("SELECT name FROM services WHERE id = ?", [self.service_id]).fetchone()[0]

    def audited_names_in(self, data_dir: Path) -> list[str]:
        """The new names the audit trail in private.db recorded for the service."""
        with closing(sqlite3.connect(data_dir / "private.db")) as db:
            rows = db.execute("SELECT after FROM audit_log WHERE record_id = ? ORDER BY id", [self.service_id])
            return [after for (after,) in rows]


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
