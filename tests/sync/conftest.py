"""Fixtures shared by the sync tests."""

from __future__ import annotations

import pytest

from directory.store import Source, save_record
from tests.sync.duplicate_helpers import feed_record


@pytest.fixture
def two_feeds(empty_instance):
    """directory.db holding feed A's asylum drop-in and, at the same address and phone, its housing clinic."""
    db = empty_instance.directory()
    drop_in = feed_record(
        "Immigration and asylum advice drop-in",
        phone="+441632960579",
        postcode="KM1 3SX",
        url="https://kingsmerelawcentre.example/immigration-drop-in",
    )
    housing = feed_record("Legal help with eviction and disrepair", phone="+441632960579", postcode="KM1 3SX")
    save_record(db, "services", drop_in, Source("feed:a"))
    save_record(db, "services", housing, Source("feed:a"))
    incoming = feed_record(
        "Kingsmere Law Centre – Asylum & Immigration Advice Drop-In",
        phone="+441632960579",
        postcode="km13sx",
        email="advice@kingsmerelawcentre.example",
    )
    yield db, drop_in, housing, incoming
    db.close()
