"""One Harbour instance on disk: `DIR/directory.db`, `DIR/private.db`, `DIR/harbour.toml`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from directory.config import DEMO_SETTINGS, Settings, load_settings, save_settings
from directory.db import open_directory, open_private
from directory.paths import DEMO_DIR

DIRECTORY_DB = "directory.db"
PRIVATE_DB = "private.db"


@dataclass
class Instance:
    data_dir: Path

    @property
    def directory_path(self) -> Path:
        return self.data_dir / DIRECTORY_DB

    @property
    def private_path(self) -> Path:
        return self.data_dir / PRIVATE_DB

    @property
    def settings(self) -> Settings:
        return load_settings(self.data_dir)

    def exists(self) -> bool:
        return self.directory_path.exists()

    def directory(self) -> sqlite_utils.Database:
        return open_directory(self.directory_path)

    def private(self) -> sqlite_utils.Database:
        return open_private(self.private_path)

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """directory.db, opened for one read and closed after it."""
        db = self.directory()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def databases(self) -> Iterator[tuple[sqlite_utils.Database, sqlite_utils.Database]]:
        """Both databases, opened for one unit of work and closed after it."""
        db, private = self.directory(), self.private()
        try:
            yield db, private
        finally:
            db.close()
            private.close()


def init_instance(data_dir: Path, *, demo: bool = False, settings: Settings | None = None) -> Instance:
    """Create (or upgrade) the databases and settings; load the taxonomy, and the demo city if asked."""
    from directory.imports import import_path  # imports pull in the store; keep `Instance` light
    from directory.taxonomy.load import load_taxonomy

    data_dir.mkdir(parents=True, exist_ok=True)
    instance = Instance(data_dir)
    if settings is None:
        settings = DEMO_SETTINGS if demo else load_settings(data_dir)
    save_settings(data_dir, settings)
    from directory.push.keys import ensure_keys

    ensure_keys(data_dir)  # the VAPID pair phones subscribe with; kept across re-inits
    instance.private().close()
    db = instance.directory()
    try:
        load_taxonomy(db, source_language=settings.source_language)
        if demo:
            from directory.store import Source

            for name in ("organizations.json", "services.json", "translations.json"):
                import_path(db, DEMO_DIR / name, Source("demo"))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return instance
