"""What a phone asked to be told about, checked and kept in private.db.

    {"subscription": {"endpoint": "https://push.example/…", "keys": {"p256dh": …, "auth": …}},
     "topics": ["notices", "category:legal", "area:KM1", "service:<id>"], "lang": "ar"}

No account: whoever holds a subscription's `auth` secret (only the browser that made
it, and us) may change or delete it.

The endpoint is a URL we will POST to. It must be `https://HOST/…` on the standard
port, and HOST neither a non-public address nor a name for this machine or a local
network. Its name is not looked up here: the answer to a phone must not tell anyone
whether a host resolves, or to what (nor take the time to find out). The sender
resolves it at send time through the same guard as feeds, and refuses a non-public
address then. The push services of the browsers (KNOWN_PUSH_SERVICES) take any number
of phones; any other host at most PER_HOST_LIMIT, so nobody can point thousands of
our POSTs at a host of their choosing; and all together at most MAX_SUBSCRIPTIONS.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric import ec

from directory.clock import now_iso
from directory.config import UI_LANGUAGES
from directory.sync.guard import address_problem

ENDPOINT_LIMIT = 2048
TOPIC_LIMIT = 40  # topics per phone
AREA_LIMIT = 40  # characters of an area name such as a postcode district
TOPIC_KINDS = ("category", "area", "service")

# Where browsers' push subscriptions point: Chrome and most Chromium browsers (FCM),
# Firefox (Mozilla autopush), Edge on Windows (WNS), Safari (Apple). A leading dot
# stands for any host under that domain.
KNOWN_PUSH_SERVICES = (
    "fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
    "web.push.apple.com", ".push.apple.com", ".notify.windows.com",
)  # fmt: skip
PER_HOST_LIMIT = 20  # phones on one push service of another host
MAX_SUBSCRIPTIONS = 200_000  # phones in all: several times a large town's readers

HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
# Names that never lead to a public push service (RFC 6761, 6762, 8375 and common practice).
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp", ".onion")


class SubscriptionError(ValueError):
    """A subscription we will not keep; the message names each problem."""

    status = 400


class NoRoom(SubscriptionError):
    """A new subscription past a limit: its host's (403) or the server's (503)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


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
    """Why we must not keep `endpoint`, or None; never a DNS look-up.

    `allow_private` (tests only) admits http and any port on a loopback or private address.
    """
    if not isinstance(endpoint, str) or not endpoint:
        return "subscription.endpoint: missing"
    if len(endpoint) > ENDPOINT_LIMIT:
        return f"subscription.endpoint: longer than {ENDPOINT_LIMIT} characters"
    if any(ch.isspace() or not ch.isprintable() for ch in endpoint):
        return "subscription.endpoint: must not contain spaces or control characters"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "subscription.endpoint: not a URL"
    host = parts.hostname or ""
    literal = _ip_literal(host)
    if allow_private and literal is not None and parts.scheme in ("http", "https"):
        if address_problem(literal, allow_private=True) is None and not literal.is_global:
            return None  # the tests' stand-in push service
    if parts.scheme != "https":
        return "subscription.endpoint: must be an https URL"
    if port is not None or parts.username is not None or parts.password is not None:
        return "subscription.endpoint: must be https://HOST/… with no port (push services take 443) and no user"
    if literal is not None:
        problem = address_problem(literal, allow_private)
        return f"subscription.endpoint: {host} is a {problem} address" if problem else None
    if not HOST_NAME.fullmatch(host) or host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"subscription.endpoint: {host[:60]!r} is not the name of a public push service"
    return None


def is_known_push_service(endpoint: str) -> bool:
    host = urlsplit(endpoint).hostname or ""
    return any(host.endswith(known) if known.startswith(".") else host == known for known in KNOWN_PUSH_SERVICES)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
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
    """Store or update; True when it is new. SubscriptionError when the endpoint is held by
    other keys; NoRoom when a new one would pass its host's limit or the server's."""
    with db.atomic():
        existing = db.execute(
            "SELECT auth FROM push_subscriptions WHERE endpoint = ?", [subscription.endpoint]
        ).fetchone()
        if existing and existing[0] != subscription.auth:
            raise SubscriptionError("subscription.endpoint: already subscribed with other keys")
        if existing is None:
            check_room(db, subscription.endpoint)
        now = now_iso()
        db.execute(
            "INSERT INTO push_subscriptions (endpoint, p256dh, auth, language, topics, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET"
            " p256dh = excluded.p256dh, language = excluded.language, topics = excluded.topics,"
            " updated = excluded.updated",
            [subscription.endpoint, subscription.p256dh, subscription.auth, subscription.language,
             json.dumps(list(subscription.topics)), now, now],
        )
    return existing is None


def check_room(db: sqlite_utils.Database, endpoint: str) -> None:
    """NoRoom when one more subscription on `endpoint`'s host, or in all, is one too many."""
    if db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] >= MAX_SUBSCRIPTIONS:
        raise NoRoom("alerts cannot take more phones on this server for now", 503)
    if is_known_push_service(endpoint):
        return
    parts = urlsplit(endpoint)
    prefix = f"{parts.scheme}://{parts.netloc}/"
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    count = db.execute(
        "SELECT count(*) FROM push_subscriptions WHERE endpoint LIKE ? ESCAPE '\\'", [pattern]
    ).fetchone()[0]
    if count >= PER_HOST_LIMIT:
        raise NoRoom(
            f"subscription.endpoint: {parts.hostname} is not a browser's push service, and already has"
            f" {PER_HOST_LIMIT} phones, as many as one such host may",
            403,
        )


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
