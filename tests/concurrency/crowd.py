"""Many hands at once against a real `harbour serve`: staff scripts saving through /api/,
readers browsing, and a slow paged feed whose sync outlasts SQLite's busy timeout.

    with FeedServer() as feed:
        feed.route("/services", slow_paged_feed())
        editors = [Editor(server.url, token, service_id) for …]
        with Crowd(editors, Readers(server.url)) as crowd:   # threads, each with its own client
            …run a sync…
        crowd.failures()   # every 5xx or error, by who and what
"""

from __future__ import annotations

import json
import threading
from contextlib import closing
from dataclasses import dataclass, field

import httpx

from directory.db.connection import connect
from tests.sync.feed_server import Reply
from tests.sync.helpers import page, service

PAGES, PER_PAGE = 14, 50
PAGE_DELAY = 1.0  # seconds the feed takes for each page: a run in one transaction held the lock past the 10 s busy timeout
READER_PATHS = ("/hsds/services?search=advice", "/bundle/manifest.json", "/services",
                "/data/directory/services.json?_size=5")  # fmt: skip
PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}


def slow_paged_feed(delay: float = PAGE_DELAY):
    """An HSDS API of PAGES pages that answers each after `delay` seconds."""
    records = [service(n) for n in range(PAGES * PER_PAGE)]

    def route(request):
        number = int(request.query.get("page", ["1"])[0])
        chunk = records[(number - 1) * PER_PAGE : number * PER_PAGE]
        body = page(chunk, number=number, total_pages=PAGES, last=number >= PAGES)
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"}, delay_seconds=delay)

    return route


@dataclass
class Editor:
    """A staff script saving one service again and again through /api/ with its own client and token."""

    base_url: str
    token: str
    service_id: str
    acknowledged: list[str] = field(default_factory=list)  # descriptions the server answered 200 to
    failures: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=60) as client:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    got = client.get(f"/api/services/{self.service_id}")
                    self.statuses.append(got.status_code)
                    if got.status_code != 200:
                        self.failures.append(f"GET {got.status_code} {got.text[:200]}")
                        continue
                    text = f"Saved by a staff script, edit {n}"
                    saved = client.patch(f"/api/services/{self.service_id}", json={"description": text},
                                         headers={**PATCH_TYPE, "If-Match": got.headers["etag"]})  # fmt: skip
                    self.statuses.append(saved.status_code)
                    if saved.status_code == 200:
                        self.acknowledged.append(text)
                    else:  # a 503 with Retry-After is honest, but here every save should get its turn
                        self.failures.append(f"PATCH {saved.status_code} {saved.text[:200]}")
                except httpx.HTTPError as error:
                    self.failures.append(f"{type(error).__name__}: {error}")


@dataclass
class Readers:
    """A reader going round the public paths, with its own client."""

    base_url: str
    answered: int = 0
    failures: list[str] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            while not stop.is_set():
                for path in READER_PATHS:
                    try:
                        answer = client.get(path)
                    except httpx.HTTPError as error:
                        self.failures.append(f"{path}: {type(error).__name__}: {error}")
                        continue
                    if answer.status_code != 200:
                        self.failures.append(f"{path}: {answer.status_code}")
                    else:
                        self.answered += 1
                stop.wait(0.1)


class Crowd:
    def __init__(self, *people):
        self.people, self.stop = people, threading.Event()
        self.threads = [threading.Thread(target=p.run, args=(self.stop,), daemon=True) for p in people]

    def __enter__(self) -> Crowd:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def failures(self) -> list[str]:
        return [f"{type(p).__name__} {i}: {f}" for i, p in enumerate(self.people) for f in p.failures]


def descriptions(data_dir, service_ids: list[str]) -> dict[str, str]:
    with closing(connect(data_dir / "directory.db")) as db:
        return {sid: db.execute("SELECT description FROM services WHERE id = ?", [sid]).fetchone()[0]
                for sid in service_ids}  # fmt: skip


def last_run(data_dir, feed: str) -> tuple | None:
    with closing(connect(data_dir / "directory.db")) as db:
        return db.execute(
            "SELECT result, message, created FROM sync_runs WHERE feed = ? ORDER BY id DESC LIMIT 1", [feed]
        ).fetchone()


def services_from(data_dir, feed: str) -> int:
    with closing(connect(data_dir / "directory.db")) as db:
        return db.execute(
            "SELECT count(*) FROM provenance WHERE source = ? AND table_name = 'services' AND deleted_at IS NULL",
            [f"feed:{feed}"],
        ).fetchone()[0]
