"""Info: login_attempts keeps keyed hashes, never a client's address or e-mail in clear."""

from __future__ import annotations

import os
import stat
from contextlib import closing

import httpx
import pytest

from directory.staff.accounts import lockout
from tests.staff.helpers import login_form_token, make_user
from tests.staff.test_security import found_in

CLIENT = "198.51.100.23"
EMAIL = "ghost@ips.test"


@pytest.fixture
def server(demo_instance, server_for, monkeypatch):
    make_user(demo_instance, "ada@ips.test", "admin")
    monkeypatch.setenv("HARBOUR_TRUST_PROXY", "1")  # the address comes from X-Forwarded-For
    return server_for(demo_instance)


def test_info_failed_sign_ins_leave_no_client_address_or_email_in_clear(server, demo_instance):
    with closing(demo_instance.private()) as db:
        db.execute("INSERT INTO login_attempts (email_hash, address, at) VALUES ('x', '203.0.113.9', 1e12)")
    with httpx.Client(base_url=server.url) as client:
        for n in range(3):
            token = login_form_token(client)
            answer = client.post(
                "/staff/login",
                data={"email": EMAIL, "password": f"wrong {n}", "csrf_token": token},
                headers={"X-Forwarded-For": CLIENT},
            )
            assert answer.status_code == 401
    with closing(demo_instance.private()) as db:
        rows = db.execute("SELECT email_hash, address FROM login_attempts").fetchall()
        assert len(rows) == 3  # counted …
        assert found_in(db, CLIENT) == [] and found_in(db, EMAIL) == []  # … but not readable
        assert found_in(db, "203.0.113.9") == []  # a row an older version left in clear is gone
        assert found_in(db, "127.0.0.1") == []


def test_info_the_hashing_key_is_an_owner_only_file_in_neither_database(server, demo_instance):
    with httpx.Client(base_url=server.url) as client:
        login_form_token(client)
    key_file = demo_instance.data_dir / "staff_secret.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key = key_file.read_bytes()
    assert len(key) >= 32
    for path in (demo_instance.private_path, demo_instance.directory_path):
        assert key not in path.read_bytes() and key.hex().encode() not in path.read_bytes()


def test_info_the_same_address_hashes_alike_and_another_key_hashes_otherwise():
    one = lockout.attempt(b"a" * 32, EMAIL, CLIENT)
    assert one == lockout.attempt(b"a" * 32, EMAIL.upper(), CLIENT)
    other = lockout.attempt(b"b" * 32, EMAIL, CLIENT)
    assert one.client != other.client and one.account != other.account
    assert CLIENT not in one.client and EMAIL not in one.account
