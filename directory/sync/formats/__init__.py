"""Feed formats: each module turns bytes (or a folder) into nested HSDS records and nothing else."""

from directory.sync.formats.errors import FormatError

__all__ = ["FormatError"]
