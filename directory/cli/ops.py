"""`harbour backup` and `harbour restore`: a whole instance to a folder and back, or back from a replica.

    harbour backup OUT [--json]                       consistent copies, safe while serving and syncing
    harbour restore --from OUT_OR_URL --data-dir DIR  into an empty or absent DIR, checked before done
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from directory.cli.commands import UserError, _instance
from directory.config import resolve_data_dir
from directory.ops.errors import OpsError


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "backup", parents=[common], help="copy the whole instance to a new folder OUT, safely while it serves",
        description="Write consistent copies of directory.db and private.db (SQLite's online backup API), with"
        " harbour.toml, the push key (vapid_private.pem, 0600) and manifest.json (sizes, sha256, schema"
        " versions, when) to OUT. Safe while 'harbour serve' runs and a sync writes: what was committed when"
        " the copy started is in it. Restore it with 'harbour restore --from OUT --data-dir DIR'.",
    )
    p.add_argument("out", metavar="OUT", help="a folder that does not exist yet (or is empty)")
    p.add_argument("--json", action="store_true", help="print the manifest as one JSON object")
    p.set_defaults(handler=backup)

    p = sub.add_parser(
        "restore", parents=[common], help="restore an instance from a backup folder or a replica URL",
        description="Restore into --data-dir DIR, which must be empty or absent, from a folder written by"
        " 'harbour backup' or from the replica of 'harbour serve --replicate URL' (file:///PATH or"
        " s3://BUCKET/PATH). Both databases pass PRAGMA integrity_check and every file its sha256 before"
        " anything is moved into DIR.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="OUT_OR_URL",
                   help="a backup folder, or a replica URL: file:///PATH or s3://BUCKET/PATH")
    p.add_argument("--json", action="store_true", help="print what was restored as one JSON object")
    p.set_defaults(handler=restore)


def backup(args: argparse.Namespace) -> int:
    from directory.ops.backup import backup as backup_instance

    instance = _instance(args)
    try:
        done = backup_instance(instance, Path(args.out))
    except (OpsError, OSError) as error:
        raise UserError(_line(error)) from None
    if args.json:
        print(json.dumps(done.summary()))
        return 0
    total = sum(entry["bytes"] for entry in done.manifest["files"])
    print(f"backed up {len(done.manifest['files'])} files ({total / 1e6:.1f} MB) to {done.out}/")
    for entry in done.manifest["files"]:
        version = f", schema {entry['schema_version']}" if "schema_version" in entry else ""
        print(f"  {entry['name']:<20} {entry['bytes']:>12,} bytes{version}")
    return 0


def restore(args: argparse.Namespace) -> int:
    from directory.ops.restore import restore as restore_instance

    data_dir = resolve_data_dir(args.data_dir)
    try:
        done = restore_instance(args.source, data_dir)
    except (OpsError, OSError) as error:
        raise UserError(_line(error)) from None
    if args.json:
        print(json.dumps(done.summary()))
        return 0
    versions = ", ".join(f"{name} schema {v}" for name, v in done.schema_versions.items())
    print(f"restored {', '.join(done.files)} from {done.source} into {data_dir}/ (integrity checked; {versions})")
    print(f"  run 'harbour serve --data-dir {data_dir}' to serve it")
    return 0


def _line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror}"
    return str(error)
