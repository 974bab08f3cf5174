"""Properties over random and mutated records: no crash, idempotent, deterministic, storable."""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.hsds.nested import flatten
from directory.sync.normalise import (
    CategoryMapper,
    InvalidRecord,
    NormaliseContext,
    Normalised,
    normalise_service,
    tree,
)
from directory.sync.normalise.html import RICH_FIELDS
from directory.taxonomy.load import read_taxonomy

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0" / "examples" / "service_full.json"
CTX = NormaliseContext("prop-feed", "GB", "Europe/London", CategoryMapper.from_taxonomy(read_taxonomy()))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# Values real feeds send, good and bad, mixed with arbitrary ones.
TRICKY = [
    "",
    " ",
    "0",
    "null",
    "<script>alert(1)</script>",
    "<p onclick=x()>Hi</p>",
    "<a href='javascript:alert(1)'>x</a>",
    "Fish &amp; chips",
    "&lt;b&gt;",
    "9am",
    "25:00",
    "17:00",
    "9",
    "5",
    "noon",
    "Mon-Fri",
    "weekdays",
    "first monday",
    "Mon-Fri 9-5",
    "+44 (0)1632 960 123",
    "01632 960123 ext 4",
    "111",
    "n/a",
    "a@b.org",
    "mailto:X@Y.ORG",
    "not an email",
    "example.org",
    "javascript:alert(1)",
    "Arabic",
    "Arabic, Dari",
    "fa",
    "Klingon",
    "emergency-food",
    "open-eligibility",
    "Legal help",
    "52.4",
    "-1.06",
    "100",
    "ac148810-d857-441c-9679-408f346de14b",
    "Europe/London",
    "+01:00",
    "active",
    "physical",
    "GB",
    "United Kingdom",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**7), 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(TRICKY),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _record_of(table: str, depth: int) -> st.SearchStrategy[dict]:
    """A record of `table` with any subset of its columns and relations, filled with anything."""
    optional: dict[str, st.SearchStrategy] = {
        name: st.one_of(scalars, json_values) for name in tree.columns(table)
    }
    if depth > 0:
        for child in tree.children(table):
            optional[child.key] = st.one_of(
                st.lists(_record_of(child.table, depth - 1), max_size=2), json_values
            )
        for reference in tree.references(table):
            optional[reference.key] = st.one_of(_record_of(reference.table, depth - 1), scalars)
    if table == "attributes":
        optional["taxonomy_term"] = st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    k: st.one_of(scalars, st.sampled_from(TRICKY)) for k in ("id", "code", "name", "taxonomy")
                },
            ),
            scalars,
        )
    return st.fixed_dictionaries({}, optional=optional)


REQUIRED = {"name": "Advice", "status": "active", "organization_id": "org-1"}
random_services = st.one_of(
    _record_of("services", depth=3),
    _record_of("services", depth=3).map(lambda record: record | REQUIRED),  # so that many are accepted
)


def _valid_example() -> dict:
    record = json.loads(EXAMPLE.read_text())
    for location in (record["organization"]["locations"][0], record["service_at_locations"][0]["location"]):
        location["latitude"], location["longitude"] = 52.4, -1.06
    return record


BASE = _valid_example()


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


PATHS = list(_paths(BASE))[1:]
mutations = st.lists(st.tuples(st.sampled_from(PATHS), json_values, st.booleans()), min_size=1, max_size=6)


def _mutated(changes) -> dict:
    record = copy.deepcopy(BASE)
    for path, value, delete in changes:
        holder = record
        try:
            for step in path[:-1]:
                holder = holder[step]
            if delete and isinstance(holder, dict):
                holder.pop(path[-1], None)
            else:
                holder[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return record


mutated_services = mutations.map(_mutated)
any_service = st.one_of(random_services, mutated_services)


def _outcome(record) -> Normalised | InvalidRecord:
    try:
        return normalise_service(record, CTX)
    except InvalidRecord as refused:
        return refused


def _walk(table: str, record: dict):
    yield table, record
    for reference in tree.references(table):
        if isinstance(record.get(reference.key), dict):
            yield from _walk(reference.table, record[reference.key])
    for child in tree.children(table):
        for item in record.get(child.key) or []:
            yield from _walk(child.table, item)


@SETTINGS
@given(any_service)
def test_any_record_is_either_normalised_or_refused_with_at_least_one_reason(record):
    outcome = _outcome(record)
    if isinstance(outcome, InvalidRecord):
        assert outcome.reasons and all(isinstance(r, str) and r for r in outcome.reasons)
    else:
        assert isinstance(outcome.record, dict) and isinstance(outcome.warnings, list)


@SETTINGS
@given(any_service)
def test_normalising_a_normalised_record_again_changes_nothing(record):
    outcome = _outcome(record)
    if isinstance(outcome, Normalised):
        assert normalise_service(outcome.record, CTX).record == outcome.record


@SETTINGS
@given(any_service)
def test_the_same_record_always_gives_the_same_result_and_ids(record):
    first, second = _outcome(copy.deepcopy(record)), _outcome(copy.deepcopy(record))
    assert type(first) is type(second)
    if isinstance(first, Normalised):
        assert first.record == second.record and first.warnings == second.warnings
    else:
        assert first.reasons == second.reasons


@SETTINGS
@given(any_service)
def test_the_order_of_keys_in_the_feed_does_not_change_the_record(record):
    def reverse(value):
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    first, second = _outcome(record), _outcome(reverse(record))
    assert type(first) is type(second)
    if isinstance(first, Normalised):
        assert first.record == second.record


@SETTINGS
@given(any_service)
def test_the_input_record_is_left_unchanged(record):
    before = copy.deepcopy(record)
    _outcome(record)
    assert record == before


@SETTINGS
@given(any_service)
def test_an_accepted_record_flattens_into_rows_the_store_can_write(record):
    outcome = _outcome(record)
    if isinstance(outcome, Normalised):
        flat = flatten("services", outcome.record)
        assert any(row.table == "services" and row.row["id"] == outcome.record["id"] for row in flat.rows)


@SETTINGS
@given(any_service)
def test_every_id_and_reference_in_an_accepted_record_is_a_canonical_uuid(record):
    outcome = _outcome(record)
    if isinstance(outcome, Normalised):
        for table, item in _walk("services", outcome.record):
            for column, value in item.items():
                if column == "id" or column.endswith("_id"):
                    assert value == str(uuid.UUID(value)), (table, column, value)


ALLOWED_TAG = re.compile(r"</?(?:p|br|ul|ol|li|strong|em|a)(?:\s[^>]*)?/?>")
TAG = re.compile(r"<\s*[a-zA-Z/!?]")


@SETTINGS
@given(any_service)
def test_no_markup_outside_the_allow_list_survives_in_any_text(record):
    outcome = _outcome(record)
    if isinstance(outcome, Normalised):
        for table, item in _walk("services", outcome.record):
            for column, value in item.items():
                if not isinstance(value, str) or column not in tree.columns(table):
                    continue
                if column in RICH_FIELDS:
                    assert not TAG.search(ALLOWED_TAG.sub("", value)), (table, column, value)
                    for href in re.findall(r"href=\"([^\"]*)\"", value):
                        assert href.split(":", 1)[0].lower() in ("http", "https", "mailto", "tel"), href
                    assert not re.search(r"<[^>]*\s(?:on\w+|style)\s*=", value, re.I), value
                else:
                    assert not TAG.search(value), (table, column, value)
