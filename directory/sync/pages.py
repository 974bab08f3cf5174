"""Pages of a paged feed as last landed: an identical page is not read again.

Most runs of a large API change a few records. Each page whose services all
landed is remembered (its URL, the SHA-256 of its bytes, its services' ids and
content hashes). Next run, a page with the same bytes whose services are all
still stored with those content hashes, none withdrawn, would have every record
found unchanged one by one; `recall` says so without parsing it, and the run
counts them unchanged and seen, as the record-by-record path would (`recall` marks
them seen in the database as it checks them).
"""

from __future__ import annotations

import json

import sqlite_utils

from directory.clock import now_iso
from directory.store import Source
from directory.sync.formats.base import PageKey, Recalled


class PageMemo:
    def __init__(self, db: sqlite_utils.Database, private: sqlite_utils.Database, feed_name: str, source: Source):
        self.db, self.private, self.feed_name, self.source = db, private, feed_name, source
        self.pending: list[tuple] = []

    def recall(self, url: str, digest: str) -> Recalled | None:
        """The services of the page at `url` if its bytes (their SHA-256) are those landed last time."""
        row = self.private.execute(
            "SELECT digest, number, last, items FROM feed_pages WHERE feed_name = ? AND url = ?", [self.feed_name, url]
        ).fetchone()
        if row is None or row[0] != digest:
            return None
        items = {source_id: digest for source_id, digest in json.loads(row[3])}
        if not items or not self._seen_if_still_stored(items):
            return None
        return Recalled(list(items), row[1], bool(row[2]))

    def may_depend_on(self, url: str, digest: str, ids: set[str] | None) -> bool:
        """Could storing services `ids` (None: any) change what `recall(url, digest)` answers?"""
        row = self.private.execute(
            "SELECT digest, items FROM feed_pages WHERE feed_name = ? AND url = ?", [self.feed_name, url]
        ).fetchone()
        if row is None or row[0] != digest:
            return False  # no memo of these bytes: nothing stored can make one
        return ids is None or any(source_id in ids for source_id, _ in json.loads(row[1]))

    def remember(self, page: PageKey, landed: list[tuple[str | None, str | None, bool, str]]) -> None:
        """Remember a page whose every record (seen as, source id, ok, digest) landed under its own id."""
        if not landed or any(not ok or seen_as is None or seen_as != source_id for seen_as, source_id, ok, _ in landed):
            return
        items = json.dumps([[source_id, digest] for _, source_id, _, digest in landed])
        self.pending.append((self.feed_name, page.url, page.digest, page.number, int(page.last), items, now_iso()))

    def save(self) -> None:
        """After the run: what it landed (committed chunk by chunk as it went) is what the memo describes."""
        if not self.pending:
            return
        with self.private.atomic():
            self.private.conn.executemany(
                "INSERT INTO feed_pages (feed_name, url, digest, number, last, items, landed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_name, url) DO UPDATE SET"
                " digest = excluded.digest, number = excluded.number, last = excluded.last,"
                " items = excluded.items, landed = excluded.landed",
                self.pending,
            )
        self.pending = []

    def _seen_if_still_stored(self, items: dict[str, str]) -> bool:
        """Every service still listed from this source with the content hash the page gave it?

        If so, they are marked seen now (`merge.touch_seen`), in the same pass over their rows;
        if not, nothing is changed.
        """
        ids = list(items)
        try:
            with self.db.atomic():  # a write turn of its own, or a savepoint in the caller's
                rows = self.db.execute(
                    "UPDATE provenance SET last_seen = ? WHERE source = ? AND table_name = 'services'"
                    f" AND source_id IN ({', '.join('?' for _ in ids)}) RETURNING source_id, content_hash, deleted_at",
                    [now_iso(), self.source.name, *ids],
                ).fetchall()
                stored = {source_id: digest for source_id, digest, deleted_at in rows if deleted_at is None}
                if not all(stored.get(source_id) == digest for source_id, digest in items.items()):
                    raise _Stale()
        except _Stale:
            return False
        return True


class _Stale(Exception):
    """A remembered page's services are no longer stored as it gave them: undo the touch."""


def forget_pages(private: sqlite_utils.Database, feed_name: str) -> None:
    private.execute("DELETE FROM feed_pages WHERE feed_name = ?", [feed_name])
