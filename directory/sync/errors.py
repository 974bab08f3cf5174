"""Errors that end a whole sync run (as opposed to one bad record, which is quarantined)."""


class SyncError(Exception):
    """The run cannot go on; the message is one clear line naming the feed and the cause."""


class FetchError(SyncError):
    """The feed could not be fetched: network, status, size, time, or an unsafe address."""


class UnsafeAddress(FetchError):
    """The URL points at a loopback, private, link-local or otherwise non-global address."""
