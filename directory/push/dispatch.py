"""What to push now, and the record of what was pushed.

Two kinds of news, each claimed once in `push_deliveries` (its `ref` is unique, so
`harbour notices add` and the server never both send the same notice):
- a notice, when it is up (posted now, or a scheduled one whose start has come: this is
  also where it moves from private.db into the public directory.db);
- the changes in the change log since the last batch pushed (sync runs, staff edits).

`harbour serve` runs a `PushDispatcher` thread that looks every few seconds (and at
once when woken by a staff page); the command line calls `deliver_notice` itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from directory.clock import now_iso
from directory.instance import Instance
from directory.push.audience import news_for, notice_audience, service_news
from directory.push.keys import PushKeyError, load_vapid
from directory.push.messages import Message, changes_message, notice_message
from directory.push.sender import Outcome, Policy, send_all
from directory.push.subscriptions import Subscription, load_subscriptions
from directory.staff.notices.store import get_notice, publish_due_notices
from directory.store.changes import latest_change

log = logging.getLogger("harbour.push")
ALLOW_PRIVATE_ENV = "HARBOUR_ALLOW_PRIVATE_PUSH"
CURSOR = "changes_seq"
# A notice whose start is older than this when we first see it is old news: never pushed.
NOTICE_FRESHNESS = timedelta(days=2)
# The server's own look leaves a just-posted notice to whoever posted it (the command line
# sends its own, to print the counts); a staff page names its notice when it wakes us.
NOTICE_GRACE = timedelta(seconds=30)


@dataclass
class Delivery:
    kind: str
    ref: str
    recipients: int
    outcome: Outcome


def policy_from_env(**overrides) -> Policy:
    allow = os.environ.get(ALLOW_PRIVATE_ENV) == "1"
    return Policy(allow_private=allow, **overrides)


def deliver_notice(instance: Instance, notice_id: str, policy: Policy | None = None) -> Delivery | None:
    """Push one notice to whoever follows it, unless it is not up yet or was pushed already."""
    with instance.databases() as (db, private):
        notice = get_notice(db, notice_id)
        if notice is None or not _is_up(notice):
            return None
        with private.atomic():
            claimed = _claim(private, "notice", f"notice:{notice_id}")
        if not claimed:
            return None
        audience = notice_audience(notice, load_subscriptions(private))
        source = instance.settings.source_language
        by_language: dict[str, Message] = {}
        jobs = []
        for subscription in audience:
            if subscription.language not in by_language:
                by_language[subscription.language] = notice_message(db, notice, subscription.language, source)
            jobs.append((subscription, by_language[subscription.language]))
    return _send(instance, "notice", f"notice:{notice_id}", jobs, policy)


def deliver_due_notices(instance: Instance, policy: Policy | None = None) -> list[Delivery]:
    """Notices that are up, fresh, and not pushed yet (scheduled ones whose start has come)."""
    now = datetime.now(UTC)
    horizon, grace = (_stamp(now - NOTICE_FRESHNESS), _stamp(now - NOTICE_GRACE))
    with instance.databases() as (db, private):
        # A scheduled notice waits in private.db; its start makes it public here, then it is sent.
        publish_due_notices(db, private)
        claimed = {row[0] for row in private.execute("SELECT ref FROM push_deliveries WHERE kind = 'notice'")}
        candidates = [
            row[0] for row in db.execute(
                "SELECT id FROM notices WHERE withdrawn IS NULL AND starts <= ? AND starts >= ?"
                " AND (ends IS NULL OR ends > ?) AND (created <= ? OR starts > created) ORDER BY starts",
                [_stamp(now), horizon, _stamp(now), grace],
            )
            if f"notice:{row[0]}" not in claimed
        ]
    deliveries = [deliver_notice(instance, notice_id, policy) for notice_id in candidates]
    return [d for d in deliveries if d is not None]


def deliver_changes(instance: Instance, policy: Policy | None = None) -> Delivery | None:
    """Push the news in the change log since the last batch; the first call only sets the mark."""
    with instance.databases() as (db, private):
        until = latest_change(db)
        row = private.execute("SELECT value FROM push_state WHERE key = ?", [CURSOR]).fetchone()
        since = int(row[0]) if row else None
        if since is not None and until <= since:
            return None
        ref = f"changes:{since}-{until}"
        with private.atomic():
            private.execute("INSERT INTO push_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
                            " SET value = excluded.value", [CURSOR, str(until)])
            if since is None:
                return None  # nothing before today is news
            subscriptions = load_subscriptions(private)
            if not subscriptions:
                return None  # nobody to tell: the mark moves on
            if not _claim(private, "changes", ref):
                return None
        news = service_news(db, since, until)
        source = instance.settings.source_language
        jobs = []
        for subscription in subscriptions:
            theirs = news_for(subscription, news)
            if theirs:
                jobs.append((subscription, changes_message(db, theirs, subscription.language, source)))
    return _send(instance, "changes", ref, jobs, policy)


def notice_delivery(private: sqlite_utils.Database, notice_id: str) -> dict | None:
    """What pushing a notice did, for the staff page: queued, finished, recipients, sent, failed, removed."""
    rows = list(private.query(
        "SELECT queued, finished, recipients, sent, failed, removed, retried FROM push_deliveries WHERE ref = ?",
        [f"notice:{notice_id}"]))
    return rows[0] if rows else None


def ensure_cursor(db: sqlite_utils.Database, private: sqlite_utils.Database) -> None:
    """Mark where news starts (the change log as it is now) unless a mark exists."""
    with private.atomic():
        private.execute(
            "INSERT INTO push_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            [CURSOR, str(latest_change(db))],
        )


def _send(instance: Instance, kind: str, ref: str, jobs: list[tuple[Subscription, Message]],
          policy: Policy | None) -> Delivery:
    outcome = Outcome()
    if jobs:
        from directory.bundle.cache import offer_latest

        offer_latest(instance)  # a phone woken by this push fetches the data at once: have it ready
        try:
            vapid = load_vapid(instance.data_dir)
        except PushKeyError as error:
            log.error("push %s not sent: %s", ref, error)
            outcome.failed = len(jobs)
            outcome.errors["no key"] = len(jobs)
        else:
            outcome = asyncio.run(send_all(jobs, vapid, contact_claim(instance), policy or policy_from_env()))
    _record(instance, ref, len(jobs), outcome)
    return Delivery(kind, ref, len(jobs), outcome)


def contact_claim(instance: Instance) -> str:
    """VAPID `sub`: how a push service reaches whoever runs this directory."""
    contact = instance.settings.contact.strip()
    if contact.startswith(("mailto:", "https:")):
        return contact
    return f"mailto:{contact}" if "@" in contact else "mailto:webmaster@localhost"


def _claim(private: sqlite_utils.Database, kind: str, ref: str) -> bool:
    cursor = private.execute(
        "INSERT INTO push_deliveries (kind, ref, queued) VALUES (?, ?, ?) ON CONFLICT (ref) DO NOTHING",
        [kind, ref, now_iso()],
    )
    return cursor.rowcount == 1


def _record(instance: Instance, ref: str, recipients: int, outcome: Outcome) -> None:
    private = instance.private()
    try:
        with private.atomic():
            private.execute(
                "UPDATE push_deliveries SET finished = ?, recipients = ?, sent = ?, failed = ?, removed = ?,"
                " retried = ? WHERE ref = ?",
                [now_iso(), recipients, outcome.sent, outcome.failed, outcome.removed, outcome.retried, ref],
            )
            for endpoint in outcome.gone:
                private.execute("DELETE FROM push_subscriptions WHERE endpoint = ?", [endpoint])
            stamp = now_iso()
            for start in range(0, len(outcome.delivered), 500):
                chunk = outcome.delivered[start:start + 500]
                private.execute(
                    f"UPDATE push_subscriptions SET last_sent = ? WHERE endpoint IN ({', '.join('?' * len(chunk))})",
                    [stamp, *chunk],
                )
    finally:
        private.close()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_up(notice: dict) -> bool:
    now = now_iso()
    return not notice["withdrawn"] and notice["starts"] <= now and not (notice["ends"] and notice["ends"] <= now)


class PushDispatcher:
    """A daemon thread in `harbour serve`: due notices and change batches, every `tick` seconds or when woken."""

    def __init__(self, instance: Instance, tick: float = 5.0, policy_factory: Callable[[], Policy] = policy_from_env):
        self.instance, self.tick, self.policy_factory = instance, tick, policy_factory
        self.stopping, self.woken = threading.Event(), threading.Event()
        self.lock, self.named = threading.Lock(), []  # notices a staff page just posted
        self.thread = threading.Thread(target=self._loop, name="harbour-push", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.woken.set()

    def wake(self, notice_id: str | None = None) -> None:
        if notice_id:
            with self.lock:
                self.named.append(notice_id)
        self.woken.set()

    def run_once(self) -> list[Delivery]:
        policy = self.policy_factory()
        with self.lock:
            named, self.named = self.named, []
        deliveries = [d for d in (deliver_notice(self.instance, n, policy) for n in named) if d]
        deliveries += deliver_due_notices(self.instance, policy)
        changes = deliver_changes(self.instance, policy)
        return deliveries + ([changes] if changes else [])

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                for delivery in self.run_once():
                    if delivery.recipients:
                        log.warning("push %s: %s", delivery.ref, delivery.outcome.counts())
            except Exception:  # a dispatcher that dies silently would stop every alert
                log.exception("push dispatch failed")
            self.woken.wait(self.tick)
            self.woken.clear()
