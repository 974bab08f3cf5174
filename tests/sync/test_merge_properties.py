"""Property-based: whatever a feed sends, merge never crashes; bad records are quarantined, good ones land."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.store import Source
from directory.sync.merge import land
from directory.sync.normalise import CategoryMapper, NormaliseContext
from directory.sync.quarantine import quarantined
from directory.sync.report import RunReport
from tests.sync.helpers import service

SOURCE = Source("feed:fuzz")
KEYS = ["id", "name", "description", "status", "email", "url", "organization", "phones", "languages",
        "schedules", "service_at_locations", "attributes", "minimum_age"]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@st.composite
def mutated_services(draw):
    record = service(draw(st.integers(min_value=0, max_value=10_000)))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        key = draw(st.sampled_from(KEYS))
        action = draw(st.sampled_from(["drop", "junk", "blank", "nested"]))
        if action == "drop":
            record.pop(key, None)
        elif action == "junk":
            record[key] = draw(junk)
        elif action == "blank":
            record[key] = ""
        elif isinstance(record.get(key), list) and record[key] and isinstance(record[key][0], dict):
            record[key][0][draw(st.sampled_from(["id", "number", "name", "opens_at", "byday"]))] = draw(junk)
    return record


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    from directory.instance import init_instance

    instance = init_instance(tmp_path_factory.mktemp("fuzz"))
    return instance.directory(), instance.private()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=mutated_services())
def test_every_record_lands_or_is_quarantined_with_a_reason(stores, record):
    db, private = stores
    ctx = NormaliseContext(feed_name="fuzz", region="GB", timezone="Europe/London",
                           categories=CategoryMapper.from_db(db))
    report = RunReport(feed="fuzz")
    sent = copy.deepcopy(record)
    with db.atomic():
        landed_as = land(db, private, record, SOURCE, ctx, report)
    outcomes = report.created + report.updated + report.unchanged + report.quarantined + report.duplicates
    assert outcomes == 1
    if report.quarantined:
        # Compared as JSON: a NaN the feed sent is not equal to itself.
        held = [q for q in quarantined(private, SOURCE.name) if _same(q["raw"], sent)]
        assert held and all(reason.strip() for reason in held[-1]["reasons"])
    else:
        assert landed_as is not None
        row = db.execute(
            "SELECT s.name FROM provenance p JOIN services s ON s.id = p.record_id"
            " WHERE p.source = ? AND p.source_id = ?", [SOURCE.name, landed_as]).fetchone()
        assert row is not None and row[0].strip()


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
