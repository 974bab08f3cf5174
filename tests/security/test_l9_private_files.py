"""L9: private.db and its -wal and -shm are readable by their owner only, from the moment they exist."""

from __future__ import annotations

import os
import stat

from directory.instance import init_instance


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_l9_init_makes_private_db_and_its_wal_and_shm_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, under which files come out world-readable
    try:
        instance = init_instance(tmp_path / "var")
        db = instance.private()
        try:
            db.execute("INSERT INTO push_state (key, value) VALUES ('l9', 'x')")  # something in the WAL
            private = instance.private_path
            assert mode(private) == 0o600
            for suffix in ("-wal", "-shm"):
                side = private.with_name(private.name + suffix)
                assert side.exists(), side
                assert mode(side) == 0o600, suffix
        finally:
            db.close()
        assert mode(instance.data_dir / "vapid_private.pem") == 0o600
    finally:
        os.umask(old)


def test_l9_a_private_db_made_world_readable_before_is_made_owner_only_when_opened(tmp_path):
    instance = init_instance(tmp_path / "var")
    os.chmod(instance.private_path, 0o644)
    instance.private().close()
    assert mode(instance.private_path) == 0o600
