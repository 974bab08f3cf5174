"""Writing a whole folder or nothing: stage beside the target, move into place at the end."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from directory.ops.errors import OpsError


def require_empty(target: Path, what: str) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OpsError(f"{target} exists and is not an empty folder: {what} only into an empty or absent one")


@contextmanager
def staged(target: Path, what: str) -> Iterator[Path]:
    """A fresh folder beside `target`; when the block ends without error its files become `target`.

    `target` must be absent or empty, and stays as it was if anything fails.
    """
    require_empty(target, what)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{what}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    try:
        yield staging
        require_empty(target, what)  # nobody put anything there meanwhile
        if target.exists():
            for path in staging.iterdir():
                os.replace(path, target / path.name)
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
