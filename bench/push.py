"""Push fan-out: one notice to 10,000 subscribed phones through a local push endpoint.

    python -m bench.push [--subscriptions 10000]

Prints messages per second of the real path (`deliver_notice`: load subscriptions,
build the message per language, encrypt per phone with aes128gcm, sign VAPID, POST
with a bounded pool, record the delivery) against a floor measured in the same run:
the encryption alone per message (an ephemeral P-256 key, ECDH, HKDF, AES-GCM), which
no sender can skip. The endpoint (bench/push_endpoint.py, its own process) answers 201
at once, as a push service does; it does not decrypt. Target: ≥ 300 messages/s.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bench.measure import free_port

TARGET = 300
LANGUAGES = ["en", "ar", "prs", "uk", "fr", "es", "ti", "so", "ps"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def phone_keys(count: int) -> list[tuple[str, str]]:
    """(p256dh, auth) as browsers make them; public points of fresh P-256 keys."""
    keys = []
    for _ in range(count):
        point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        keys.append((b64url(point), b64url(os.urandom(16))))
    return keys


def encryption_floor(keys: list[tuple[str, str]], data: bytes, samples: int = 2000) -> float:
    """Seconds per message of the encryption alone, as pywebpush does it."""
    from pywebpush import WebPusher

    started = time.perf_counter()
    for p256dh, auth in keys[:samples]:
        WebPusher({"endpoint": "https://push.invalid/x", "keys": {"p256dh": p256dh, "auth": auth}}).encode(data)
    return (time.perf_counter() - started) / min(samples, len(keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    args = parser.parse_args()
    n = args.subscriptions

    from directory.clock import now_iso
    from directory.instance import init_instance
    from directory.push.dispatch import deliver_notice, policy_from_env
    from directory.push.messages import notice_message
    from directory.staff.notices.store import NoticeInput, create_notice, get_notice

    port = free_port()
    endpoint = subprocess.Popen([sys.executable, "-m", "bench.push_endpoint", "--port", str(port)],
                                stdout=subprocess.PIPE, text=True)
    try:
        endpoint.stdout.readline()  # "ready"
        with tempfile.TemporaryDirectory() as tmp:
            instance = init_instance(Path(tmp) / "var")
            keys = phone_keys(n)
            private = instance.private()
            rows = [(f"http://127.0.0.1:{port}/push/{i}", p256dh, auth, LANGUAGES[i % len(LANGUAGES)], now_iso())
                    for i, (p256dh, auth) in enumerate(keys)]
            with private.atomic():
                private.conn.executemany(
                    "INSERT INTO push_subscriptions (endpoint, p256dh, auth, language, topics, created)"
                    " VALUES (?, ?, ?, ?, '[\"notices\"]', ?)", rows)
            private.close()
            db = instance.directory()
            notice_id = create_notice(db, NoticeInput(
                title="Cold weather shelter open tonight",
                body="The Guildhall opens as a warm space from 8 pm to 8 am. Free soup, no ID needed.",
                severity="warning"))
            data = notice_message(db, get_notice(db, notice_id), "en").data()
            db.close()

            floor = encryption_floor(keys, data)
            os.environ["HARBOUR_ALLOW_PRIVATE_PUSH"] = "1"
            started = time.perf_counter()
            delivery = deliver_notice(instance, notice_id, policy_from_env())
            seconds = time.perf_counter() - started
    finally:
        endpoint.terminate()
    counts = delivery.outcome.counts()
    rate = counts["sent"] / seconds
    floor_rate = 1 / floor
    print(f"push fan-out of one notice to {n} subscriptions on a local endpoint ({time.strftime('%Y-%m-%d')})")
    print(f"  floor, encryption alone: {floor * 1000:8.3f} ms/message  {floor_rate:8.0f} messages/s")
    print(f"  deliver_notice:          {seconds:8.2f} s  {rate:8.0f} messages/s  {counts}")
    print(f"  time per message / floor: {floor_rate / rate:.2f}x")
    print(f"  messages per second: {rate:.0f} (target ≥ {TARGET}: {'met' if rate >= TARGET else 'NOT met'})")
    if counts["sent"] != n:
        raise SystemExit(f"only {counts['sent']} of {n} messages were accepted")


if __name__ == "__main__":
    main()
