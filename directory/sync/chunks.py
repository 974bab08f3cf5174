"""How many records a run lands in one write transaction: as many as take about `target` seconds.

Another writer (a staff save) waits for at most one such transaction, whatever the
machine's speed; too few records a transaction and the run itself slows down. Each
chunk's time sets the next one's size.
"""

from __future__ import annotations

TARGET_SECONDS = 0.2


class ChunkSize:
    def __init__(self, target: float = TARGET_SECONDS, first: int = 100, least: int = 10, most: int = 1000):
        self.target, self.least, self.most = target, least, most
        self.size = first

    def took(self, records: int, seconds: float) -> None:
        """`records` landed in `seconds`: aim the next chunk at the target, changing by at most 2x a step."""
        if records <= 0:
            return
        wanted = records * self.target / max(seconds, 1e-6)
        self.size = int(min(self.most, max(self.least, self.size / 2, min(self.size * 2, wanted))))

    def spans(self, total: int):
        """(start, end) of each chunk of `total` records; report each with `took` before asking for the next."""
        start = 0
        while start < total:
            end = min(total, start + self.size)
            yield start, end
            start = end
