"""`harbour restore --from OUT_OR_URL --data-dir DIR`: an instance back from a backup or a replica.

DIR must be absent or empty (a restore never mixes with, nor overwrites, a live instance).
Everything is restored into a folder beside DIR and checked there — each database passes
`PRAGMA integrity_check` and has a schema this Harbour knows, each file matches the sha256
it was saved with — and only then moved into DIR. A damaged backup leaves DIR as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from directory.ops.backup import FORMAT, MANIFEST
from directory.ops.errors import OpsError
from directory.ops.folders import require_empty, staged
from directory.ops.instance_files import DATABASES, PLAIN_FILES, check_database, copy_private, sha256_of


@dataclass
class Restored:
    data_dir: Path
    source: str
    files: list[str] = field(default_factory=list)
    schema_versions: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"data_dir": str(self.data_dir), "from": self.source, "files": self.files,
                "schema_versions": self.schema_versions}


def is_replica_url(source: str) -> bool:
    return "://" in source


def restore(source: str, data_dir: Path) -> Restored:
    require_empty(data_dir, "restore")  # before any download: say so at once
    if is_replica_url(source):
        from directory.ops.replicate import restore_replica

        return restore_replica(source, data_dir)
    return restore_backup(Path(source), data_dir)


def restore_backup(folder: Path, data_dir: Path) -> Restored:
    manifest = read_manifest(folder)
    restored = Restored(data_dir, str(folder))
    with staged(data_dir, "restore") as staging:
        for entry in manifest["files"]:
            name = entry["name"]
            source = folder / name
            if not source.is_file():
                raise OpsError(f"backup {folder} is incomplete: {name} is missing")
            mode = PLAIN_FILES.get(name, 0o600)
            copy_private(source, staging / name, mode)
            if sha256_of(staging / name) != entry["sha256"]:
                raise OpsError(f"backup {folder} is damaged: {name} does not match its sha256 in {MANIFEST}")
        check_restored(staging, restored, f"backup {folder}")
    return restored


def check_restored(staging: Path, restored: Restored, where: str) -> None:
    """Both databases present, whole and of a known schema; the record of what came back."""
    for database in DATABASES:
        path = staging / database.name
        if not path.is_file():
            raise OpsError(f"{where} holds no {database.name}")
        restored.schema_versions[database.name] = check_database(path, database, where)
    restored.files = sorted(path.name for path in staging.iterdir())


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise OpsError(f"{folder} is not a folder (a backup folder, or a replica URL such as file:///… or s3://…)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OpsError(f"{folder} is not a Harbour backup: it has no {MANIFEST}") from None
    except (OSError, ValueError) as error:
        raise OpsError(f"backup {folder} is damaged: {MANIFEST} cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise OpsError(f"{path} is not a manifest of this kind of backup ({FORMAT})")
    names = set()
    for entry in manifest["files"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise OpsError(f"{path} lists a file without its sha256")
        name = entry.get("name")
        if name not in PLAIN_FILES and name not in {d.name for d in DATABASES}:
            raise OpsError(f"{path} lists {name!r}, which is not part of an instance")
        names.add(name)
    return manifest
