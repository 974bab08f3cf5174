"""Info: a password reset revokes the account's API tokens (unless told to keep them) and ends its sessions."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing

import httpx
import pytest

from tests.staff.helpers import bearer, login, make_token, make_user

WORKER = "tomas@reset.test"
NEW_PASSWORD = "a brand new passphrase"


def harbour(instance, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "directory", *args, "--data-dir", str(instance.data_dir)],
        input=stdin, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def server(demo_instance, server_for):
    make_user(demo_instance, WORKER, "viewer")
    return server_for(demo_instance)


def whoami(server, token: str) -> int:
    return httpx.get(server.url + "/api/whoami", headers=bearer(token), timeout=30).status_code


def test_info_reset_password_revokes_the_accounts_api_tokens_and_ends_its_sessions(server, demo_instance):
    token = make_token(demo_instance, WORKER)
    assert whoami(server, token) == 200
    client, _ = login(None, server.url, WORKER)
    with closing(client):
        done = harbour(demo_instance, "users", "reset-password", WORKER, "--password-stdin", stdin=NEW_PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "1 API token revoked" in done.stdout
        assert client.get("/staff/").status_code == 303  # the session ended
    assert whoami(server, token) == 401
    listed = harbour(demo_instance, "tokens", "list", WORKER)
    assert "revoked" in listed.stdout


def test_info_reset_password_with_keep_tokens_keeps_them_working(server, demo_instance):
    token = make_token(demo_instance, WORKER)
    done = harbour(
        demo_instance, "users", "reset-password", WORKER, "--password-stdin", "--keep-tokens", stdin=NEW_PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    assert "API tokens kept" in done.stdout
    assert whoami(server, token) == 200


def test_info_reset_password_help_says_tokens_are_revoked(demo_instance):
    shown = harbour(demo_instance, "users", "reset-password", "--help")
    assert shown.returncode == 0
    assert "--keep-tokens" in shown.stdout and "revoked" in shown.stdout
