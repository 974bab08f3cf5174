"""Errors that end a whole sync run (as opposed to one bad record, which is quarantined)."""

from directory.sync.redact import redact_urls


class SyncError(Exception):
    """The run cannot go on; the message is one clear line naming the feed and the cause.

    A URL in the message (the feed's, a redirect's, one inside an httpx error) loses its
    credentials here, where every such message is made: it may be printed, logged or stored.
    """

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            args = (redact_urls(args[0]),)
        super().__init__(*args)


class FetchError(SyncError):
    """The feed could not be fetched: network, status, size, time, or an unsafe address.

    `status` is the HTTP status of an answer that was not a success (404 also for a local
    file that is absent), so a reader can treat a missing file the same way on both.
    """

    def __init__(self, *args: object, status: int | None = None) -> None:
        super().__init__(*args)
        self.status = status


class UnsafeAddress(FetchError):
    """The URL points at a loopback, private, link-local or otherwise non-global address."""
