"""Encrypt each message for its subscriber (RFC 8291, aes128gcm) and POST it, many at once.

    outcome = asyncio.run(send_all(jobs, vapid, contact="mailto:…"))
    outcome.sent, outcome.failed, outcome.gone  # gone: endpoints answered 404/410

- A bounded number of requests are in flight (`concurrency`); a retry's wait holds no slot.
- 404 and 410 mean the subscription is gone: the caller deletes it.
- 429 and 5xx (and a dropped connection) are retried with backoff, honouring Retry-After,
  at most `attempts` times in all.
- Every connection goes through the same address guard as feeds, at connect time, so an
  endpoint that resolved to a public address yesterday cannot be pointed at our network today.
- The VAPID JWT is signed once per push service (audience) per fan-out, from a fresh claims
  dict each time: pywebpush and py_vapid change the dict they are given.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import random
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from py_vapid import Vapid02
from pywebpush import WebPusher

from directory.push.messages import Message
from directory.push.subscriptions import Subscription
from directory.sync.guard import address_problem

JWT_LIFETIME = 12 * 3600
DELIVERED = {200, 201, 202}
GONE = {404, 410}
RETRY_WAIT_MAX = 300.0  # never wait longer than this for one retry, whatever Retry-After says


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    gone: list[str] = field(default_factory=list)  # endpoints to delete
    delivered: list[str] = field(default_factory=list)  # endpoints that took their message
    errors: dict[str, int] = field(default_factory=dict)  # reason → count, for the delivery log

    @property
    def removed(self) -> int:
        return len(self.gone)

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "removed": self.removed}

    def add(self, other: Outcome) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.gone += other.gone
        self.delivered += other.delivered
        for reason, count in other.errors.items():
            self.errors[reason] = self.errors.get(reason, 0) + count


@dataclass(frozen=True)
class Policy:
    concurrency: int = 32
    attempts: int = 4
    backoff: float = 1.0  # seconds before the first retry when the service gives no Retry-After
    timeout: float = 15.0
    allow_private: bool = False  # tests only: admit http endpoints on loopback


async def send_all(
    jobs: Iterable[tuple[Subscription, Message]], vapid: Vapid02, contact: str, policy: Policy = Policy()
) -> Outcome:
    outcome = Outcome()
    slots = asyncio.Semaphore(policy.concurrency)
    signer = Signer(vapid, contact)
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(policy.allow_private), limit=policy.concurrency, ttl_dns_cache=60
    )
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
        tasks = [
            asyncio.create_task(_deliver(session, slots, signer, subscription, message, policy, outcome))
            for subscription, message in jobs
        ]
        if tasks:
            await asyncio.gather(*tasks)
    return outcome


async def _deliver(session, slots, signer, subscription: Subscription, message: Message, policy: Policy,
                   outcome: Outcome) -> None:
    problem = _literal_address_problem(subscription.endpoint, policy.allow_private)
    if problem:
        _fail(outcome, problem)
        return
    data = message.data()
    for attempt in range(1, policy.attempts + 1):
        headers = {**signer.headers(subscription.endpoint), "Urgency": message.urgency, "Topic": message.topic}
        async with slots:
            try:
                pusher = WebPusher(subscription.info(), aiohttp_session=session)
                response = await pusher.send_async(
                    data, headers, ttl=message.ttl, content_encoding="aes128gcm",
                    timeout=aiohttp.ClientTimeout(total=policy.timeout),
                )
                status, retry_after = response.status, response.headers.get("Retry-After")
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                status, retry_after = None, None
                reason = f"network: {type(error).__name__}"
            except Exception as error:  # keys that cannot encrypt: this phone fails, the fan-out goes on
                _fail(outcome, f"cannot send: {type(error).__name__}")
                return
        if status in DELIVERED:
            outcome.sent += 1
            outcome.delivered.append(subscription.endpoint)
            return
        if status in GONE:
            outcome.gone.append(subscription.endpoint)
            return
        if status is not None:
            reason = f"HTTP {status}"
        if status is not None and status != 429 and status < 500:
            _fail(outcome, reason)  # 400, 403 (a key we rotated), 413: sending again will not help
            return
        if attempt == policy.attempts:
            _fail(outcome, reason)
            return
        outcome.retried += 1
        await asyncio.sleep(retry_wait(retry_after, attempt, policy.backoff))


def retry_wait(retry_after: str | None, attempt: int, backoff: float, now: float | None = None) -> float:
    """Seconds to wait before the next attempt: the service's Retry-After (seconds or an HTTP date),
    else exponential backoff with jitter; never more than RETRY_WAIT_MAX."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return min(float(value), RETRY_WAIT_MAX)
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            return min(max(when - (now if now is not None else time.time()), 0.0), RETRY_WAIT_MAX)
    return min(backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), RETRY_WAIT_MAX)


class Signer:
    """VAPID Authorization headers, one JWT per push service per fan-out."""

    def __init__(self, vapid: Vapid02, contact: str):
        self.vapid, self.contact = vapid, contact
        self.expires = int(time.time()) + JWT_LIFETIME
        self._by_audience: dict[str, dict[str, str]] = {}

    def headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        if audience not in self._by_audience:
            claims = {"aud": audience, "exp": self.expires, "sub": self.contact}  # fresh: sign() may change it
            self._by_audience[audience] = self.vapid.sign(claims)
        return dict(self._by_audience[audience])


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then refuses a host with any non-public address (the feed guard's rules)."""

    def __init__(self, allow_private: bool = False):
        self.allow_private = allow_private
        self._resolver: ThreadedResolver | None = None

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        if self._resolver is None:
            self._resolver = ThreadedResolver()
        answers = await self._resolver.resolve(host, port, family)
        for answer in answers:
            problem = address_problem(answer["host"], self.allow_private)
            if problem:
                raise OSError(f"push endpoint host {host} resolves to {answer['host']}, a {problem} address")
        return answers

    async def close(self) -> None:
        if self._resolver is not None:
            await self._resolver.close()


def _literal_address_problem(endpoint: str, allow_private: bool) -> str | None:
    """aiohttp does not ask the resolver about an IP literal: judge it here."""
    parts = urlsplit(endpoint)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return "not https"
    try:
        ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return None
    problem = address_problem(parts.hostname, allow_private)
    return f"{problem} address" if problem else None


def _fail(outcome: Outcome, reason: str) -> None:
    outcome.failed += 1
    outcome.errors[reason] = outcome.errors.get(reason, 0) + 1
