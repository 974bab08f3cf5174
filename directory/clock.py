"""Time, in one place, so tests and the store agree on formats."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """UTC now as ISO 8601 with seconds, e.g. 2026-11-27T19:33:10Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")
