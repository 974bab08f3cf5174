"""Push test helpers: subscribe phones straight into private.db, post notices, pick demo records."""

from __future__ import annotations

from directory.instance import Instance
from directory.push.keys import public_key
from directory.push.subscriptions import Subscription, TopicCatalogue, check_subscription, save_subscription
from directory.staff.notices.store import NoticeInput, create_notice
from tests.push.push_service import PushService, Subscriber


def vapid_key(instance: Instance) -> str:
    return public_key(instance.data_dir)


def subscribe(instance: Instance, phone: Subscriber, topics: list[str], lang: str = "en") -> Subscription:
    """What POST /push/subscribe stores, checked the same way (loopback allowed, as in tests)."""
    with instance.databases() as (db, private):
        subscription = check_subscription(
            {"subscription": phone.subscription(), "topics": topics, "lang": lang},
            TopicCatalogue.of(db), allow_private=True,
        )
        save_subscription(private, subscription)
    return subscription


def post_notice(instance: Instance, title: str = "Clinic closed tomorrow", body: str = "Go to the one on Mill Road.",
                **fields) -> str:
    with instance.databases() as (db, private):  # a scheduled notice waits in private.db
        return create_notice(db, NoticeInput(title=title, body=body, **fields), private)


def term_id(instance: Instance, code: str) -> str:
    with instance.reading() as db:
        return db.execute("SELECT id FROM taxonomy_terms WHERE code = ?", [code]).fetchone()[0]


def subscriptions(instance: Instance) -> dict[str, dict]:
    private = instance.private()
    try:
        return {row["endpoint"]: row for row in private.query("SELECT * FROM push_subscriptions")}
    finally:
        private.close()


__all__ = ["PushService", "Subscriber", "post_notice", "subscribe", "subscriptions", "term_id", "vapid_key"]
