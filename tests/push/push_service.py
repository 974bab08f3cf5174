"""A local push service standing in for a browser vendor's, on 127.0.0.1.

Each subscriber is a P-256 key pair and an auth secret, as a browser would make them.
For every POST the service checks the VAPID JWT (ES256, signed by the key `/push/key`
publishes, audience = this service's origin, expiry in the future and within 24 h,
a mailto:/https: contact), decrypts the body with http_ece (aes128gcm) using the
subscriber's private key, and keeps the plaintext with the TTL, Urgency and Topic headers.
A subscriber can be told to answer with a script of statuses: [410] (gone), [429, 201]
(busy once, then fine), with a Retry-After.

    with PushService(vapid_public_key) as service:
        phone = service.subscriber("phone-1")
        phone.subscription()          # the JSON a browser's PushSubscription gives
        service.received("phone-1")   # [Received(payload, ttl, urgency, topic)]
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    payload: dict
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict


@dataclass
class Subscriber:
    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))
    script: list[int] = field(default_factory=list)  # statuses to answer, in order; then 201
    retry_after: str | None = None
    attempts: int = 0

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}


class PushService:
    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.subscribers: dict[str, Subscriber] = {}
        self.messages: dict[str, list[Received]] = {}
        self.rejections: list[str] = []  # why a request was refused (a bad JWT, a body that does not decrypt)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def subscriber(self, name: str, script: list[int] | None = None, retry_after: str | None = None) -> Subscriber:
        subscriber = Subscriber(name, f"{self.origin}/push/{name}", script=list(script or []),
                                retry_after=retry_after)
        self.subscribers[name] = subscriber
        return subscriber

    def received(self, name: str) -> list[Received]:
        with self.lock:
            return list(self.messages.get(name, []))

    def wait_for(self, name: str, count: int = 1, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(name)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{name} got {len(self.received(name))} messages, not {count}; "
                             f"rejections: {self.rejections}")

    # --- checking one request -------------------------------------------------------------

    def check_vapid(self, header: str) -> dict:
        scheme, _, params = header.partition(" ")
        assert scheme.lower() == "vapid", f"Authorization scheme {scheme!r}, not vapid"
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        assert parts["k"] == self.vapid_public_key, "signed with a key other than the one /push/key publishes"
        head, body, signature = parts["t"].split(".")
        assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "ES256"}
        raw = unb64url(signature)
        assert len(raw) == 64, "an ES256 signature is r || s, 64 bytes"
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises when forged
        claims = json.loads(unb64url(body))
        assert claims["aud"] == self.origin, f"audience {claims['aud']!r} is not {self.origin}"
        now = time.time()
        assert now < claims["exp"] <= now + 24 * 3600, "exp must be in the next 24 hours"
        assert claims["sub"].startswith(("mailto:", "https:")), f"sub {claims['sub']!r}"
        return claims

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                subscriber = service.subscribers.get(name)
                if subscriber is None:
                    return self._answer(404)
                try:
                    claims = service.check_vapid(self.headers.get("Authorization", ""))
                    assert self.headers.get("Content-Encoding") == "aes128gcm", "not aes128gcm"
                    plaintext = http_ece.decrypt(body, private_key=subscriber.private_key,
                                                 auth_secret=subscriber.auth, version="aes128gcm")
                    payload = json.loads(plaintext)
                except Exception as error:  # the test reads why
                    with service.lock:
                        service.rejections.append(f"{name}: {type(error).__name__}: {error}")
                    return self._answer(400)
                with service.lock:
                    subscriber.attempts += 1
                    status = subscriber.script.pop(0) if subscriber.script else 201
                    if status in (200, 201, 202):
                        service.messages.setdefault(name, []).append(Received(
                            payload, int(self.headers.get("TTL", "0")), self.headers.get("Urgency"),
                            self.headers.get("Topic"), claims))
                headers = {"Retry-After": subscriber.retry_after} if status == 429 and subscriber.retry_after else {}
                self._answer(status, headers)

            def _answer(self, status: int, headers: dict | None = None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
