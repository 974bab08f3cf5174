"""What of a data dir an instance needs to run, and how each piece is copied and checked.

`harbour init` writes four things: the two databases, `harbour.toml` and the VAPID key
(`vapid_private.pem`, its owner's alone); the first staff sign-in adds the account key
(`staff_secret.key`, which signs remembered browsers). Everything else in a data dir is made again on
start (Datasette's metadata file, the tile cache, Litestream's working folders).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from directory.config import CONFIG_NAME
from directory.db import migrations
from directory.instance import DIRECTORY_DB, PRIVATE_DB
from directory.ops.errors import OpsError
from directory.push.keys import KEY_FILE
from directory.staff.accounts.secret import KEY_FILE as ACCOUNT_KEY_FILE


@dataclass(frozen=True)
class Database:
    name: str
    migrations: list

    @property
    def known_version(self) -> int:
        return len(self.migrations)


DATABASES = (Database(DIRECTORY_DB, migrations.DIRECTORY_MIGRATIONS), Database(PRIVATE_DB, migrations.PRIVATE_MIGRATIONS))
# Plain files and the mode each must have; the key is a secret, so 0600 whatever the umask.
PLAIN_FILES = {CONFIG_NAME: 0o644, KEY_FILE: 0o600, ACCOUNT_KEY_FILE: 0o600}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_private(path: Path, body: bytes, mode: int) -> None:
    """Write a file created with its final mode, so a secret is never readable by others, even briefly."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(body)
    os.chmod(path, mode)


def copy_private(source: Path, target: Path, mode: int) -> None:
    """Copy a file of any size in blocks, created with its final mode (see write_private)."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
        shutil.copyfileobj(reading, writing, 1 << 20)
    os.chmod(target, mode)


def schema_version(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def check_database(path: Path, database: Database, where: str) -> int:
    """PRAGMA integrity_check and a schema this code knows; returns the schema version."""
    try:
        # Read-write, so that closing it folds and removes any -wal and -shm beside the restored file.
        with closing(sqlite3.connect(path)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise OpsError(f"{where}: {database.name} is not a readable SQLite database ({error})") from None
    if problems != ["ok"]:
        raise OpsError(f"{where}: {database.name} fails its integrity check: {problems[0]}")
    if version > database.known_version:
        raise OpsError(
            f"{where}: {database.name} is at schema version {version}, newer than this Harbour knows"
            f" ({database.known_version}): upgrade Harbour first"
        )
    return version
