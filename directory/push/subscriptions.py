"""What a phone asked to be told about, checked and kept in private.db.

    {"subscription": {"endpoint": "https://push.example/…", "keys": {"p256dh": …, "auth": …}},
     "topics": ["notices", "category:legal", "area:KM1", "service:<id>"], "lang": "ar"}

No account: whoever holds a subscription's `auth` secret (only the browser that made
it, and us) may change or delete it. The endpoint is a URL we will POST to, so it
passes the same guard as a feed URL: https on a public address only.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric import ec

from directory.clock import now_iso
from directory.config import UI_LANGUAGES
from directory.sync.errors import FetchError
from directory.sync.guard import check_url

ENDPOINT_LIMIT = 2048
TOPIC_LIMIT = 40  # topics per phone
AREA_LIMIT = 40  # characters of an area name such as a postcode district
TOPIC_KINDS = ("category", "area", "service")


class SubscriptionError(ValueError):
    """A subscription we will not keep; the message names each problem."""


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str
    language: str
    topics: tuple[str, ...]

    def info(self) -> dict:
        """The `subscription_info` pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class TopicCatalogue:
    """What topics may name: a category (term id or code → id) and a service id."""

    category_id: Callable[[str], str | None]
    service_exists: Callable[[str], bool]

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> TopicCatalogue:
        def category_id(value: str) -> str | None:
            row = db.execute("SELECT id FROM taxonomy_terms WHERE id = ? OR code = ?", [value, value]).fetchone()
            return row[0] if row else None

        def service_exists(value: str) -> bool:
            return db.execute("SELECT 1 FROM services WHERE id = ?", [value]).fetchone() is not None

        return cls(category_id, service_exists)


def endpoint_problem(endpoint: object, allow_private: bool = False) -> str | None:
    """Why we must not POST to `endpoint`, or None. `allow_private` (tests) admits http on loopback."""
    if not isinstance(endpoint, str) or not endpoint:
        return "subscription.endpoint: missing"
    if len(endpoint) > ENDPOINT_LIMIT:
        return f"subscription.endpoint: longer than {ENDPOINT_LIMIT} characters"
    scheme = urlsplit(endpoint).scheme.lower()
    if scheme != "https" and not (allow_private and scheme == "http"):
        return "subscription.endpoint: must be an https URL"
    try:
        check_url(endpoint, allow_private=allow_private)
    except FetchError as error:
        return f"subscription.endpoint: {error}"
    return None


def check_subscription(
    payload: object, catalogue: TopicCatalogue, *, allow_private: bool = False
) -> Subscription:
    """The subscription in a POST body, or SubscriptionError naming every problem."""
    if not isinstance(payload, dict):
        raise SubscriptionError("the body must be a JSON object with subscription, topics and lang")
    problems: list[str] = []
    endpoint, p256dh, auth = _keys(payload.get("subscription"), problems)
    if not problems:
        problem = endpoint_problem(endpoint, allow_private)
        if problem:
            problems.append(problem)
    topics = check_topics(payload.get("topics"), catalogue, problems)
    language = payload.get("lang")
    if language not in UI_LANGUAGES:
        problems.append(f"lang: one of {', '.join(UI_LANGUAGES)}, not {language!r}")
    if problems:
        raise SubscriptionError("; ".join(problems))
    return Subscription(endpoint, p256dh, auth, language, topics)


def check_unsubscribe(payload: object) -> tuple[str, str]:
    """(endpoint, auth) from `{"subscription": {endpoint, keys: {auth}}}`."""
    subscription = payload.get("subscription") if isinstance(payload, dict) else None
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    endpoint = subscription.get("endpoint") if isinstance(subscription, dict) else None
    auth = keys.get("auth") if isinstance(keys, dict) else None
    if not isinstance(endpoint, str) or not isinstance(auth, str):
        raise SubscriptionError("the body must be {\"subscription\": {\"endpoint\": …, \"keys\": {\"auth\": …}}}")
    return endpoint, auth


def check_topics(topics: object, catalogue: TopicCatalogue, problems: list[str]) -> tuple[str, ...]:
    """Topics as stored: `notices`, `category:<term id>`, `area:<NAME>`, `service:<id>`."""
    if not isinstance(topics, list) or not topics:
        problems.append("topics: a list of at least one topic (notices, category:ID, area:NAME, service:ID)")
        return ()
    if len(topics) > TOPIC_LIMIT:
        problems.append(f"topics: at most {TOPIC_LIMIT}")
        return ()
    kept: dict[str, None] = {}
    for topic in topics:
        if not isinstance(topic, str):
            problems.append(f"topics: {topic!r} is not text")
            continue
        if topic == "notices":
            kept["notices"] = None
            continue
        kind, _, value = topic.partition(":")
        value = value.strip()
        if kind == "category" and value:
            term = catalogue.category_id(value)
            if term is None:
                problems.append(f"topics: {topic!r} names no category of the directory")
            else:
                kept[f"category:{term}"] = None
        elif kind == "area" and value:
            if len(value) > AREA_LIMIT:
                problems.append(f"topics: the area in {topic[:60]!r}… is longer than {AREA_LIMIT} characters")
            else:
                kept[f"area:{normalise_area(value)}"] = None
        elif kind == "service" and value:
            if not catalogue.service_exists(value):
                problems.append(f"topics: {topic!r} names no service of the directory")
            else:
                kept[f"service:{value}"] = None
        else:
            problems.append(f"topics: {topic[:60]!r} is not notices, category:ID, area:NAME or service:ID")
    return tuple(kept)


def normalise_area(text: str) -> str:
    """Areas compare case- and space-insensitively: ' km1 ' and 'KM1' are one area."""
    return " ".join(text.split()).upper()


def save_subscription(db: sqlite_utils.Database, subscription: Subscription) -> bool:
    """Store or update; True when it is new. SubscriptionError when the endpoint is held by other keys."""
    existing = db.execute("SELECT auth FROM push_subscriptions WHERE endpoint = ?", [subscription.endpoint]).fetchone()
    if existing and existing[0] != subscription.auth:
        raise SubscriptionError("subscription.endpoint: already subscribed with other keys")
    now = now_iso()
    with db.atomic():
        db.execute(
            "INSERT INTO push_subscriptions (endpoint, p256dh, auth, language, topics, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET"
            " p256dh = excluded.p256dh, language = excluded.language, topics = excluded.topics,"
            " updated = excluded.updated",
            [subscription.endpoint, subscription.p256dh, subscription.auth, subscription.language,
             json.dumps(list(subscription.topics)), now, now],
        )
    return existing is None


def delete_subscription(db: sqlite_utils.Database, endpoint: str, auth: str | None = None) -> bool:
    """Forget a subscription (only with its auth secret when one is given); True when one went."""
    with db.atomic():
        if auth is None:
            cursor = db.execute("DELETE FROM push_subscriptions WHERE endpoint = ?", [endpoint])
        else:
            cursor = db.execute("DELETE FROM push_subscriptions WHERE endpoint = ? AND auth = ?", [endpoint, auth])
    return cursor.rowcount > 0


def load_subscriptions(db: sqlite_utils.Database) -> list[Subscription]:
    return [
        Subscription(row["endpoint"], row["p256dh"], row["auth"], row["language"], tuple(json.loads(row["topics"])))
        for row in db.query("SELECT endpoint, p256dh, auth, language, topics FROM push_subscriptions ORDER BY created")
    ]


def _keys(subscription: object, problems: list[str]) -> tuple[str, str, str]:
    if not isinstance(subscription, dict):
        problems.append("subscription: an object with endpoint and keys, as PushSubscription.toJSON() gives")
        return "", "", ""
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    if not isinstance(endpoint, str) or not endpoint:
        problems.append("subscription.endpoint: missing")
    if not isinstance(keys, dict):
        problems.append("subscription.keys: missing (p256dh and auth)")
        return endpoint or "", "", ""
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    point = _b64url(p256dh)
    if point is None or len(point) != 65 or point[0] != 4:
        problems.append("subscription.keys.p256dh: not a base64url uncompressed P-256 point (65 bytes)")
    else:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        except ValueError:
            problems.append("subscription.keys.p256dh: not a point on the P-256 curve")
    secret = _b64url(auth)
    if secret is None or len(secret) != 16:
        problems.append("subscription.keys.auth: not a base64url 16-byte secret")
    return endpoint if isinstance(endpoint, str) else "", p256dh or "", auth or ""


def _b64url(text: object) -> bytes | None:
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
