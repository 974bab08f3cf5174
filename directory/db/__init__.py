"""The two SQLite databases: public `directory.db` and `private.db`."""

from directory.db.connection import open_directory, open_private

__all__ = ["open_directory", "open_private"]
