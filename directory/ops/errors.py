"""One error type for backup, restore and replication: its message is the one line the user sees."""


class OpsError(Exception):
    """Something the operator can fix (a folder not empty, a damaged backup, a bad replica URL)."""
