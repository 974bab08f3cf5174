"""Property-based: whatever a feed sends, a format yields records and reasoned rejections, or one FormatError.

Nothing else may come out: no KeyError from a missing field, no TypeError from a list
where a string belongs, no record the store could not take. Random and mutated
documents go through an in-memory fetch, as the paging and HTTP paths are tested
against a real server in the per-format tests.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.sync.formats import FORMATS
from directory.sync.formats.base import FetchResult, FormatOptions
from directory.sync.formats.checks import service_problems
from directory.sync.formats.errors import FormatError
from tests.sync.fixtures.formats import EXAMPLE_MAPPING as MAPPING
from tests.sync.fixtures.formats import EXAMPLES, FIXTURES, HSDS_11

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
URL = "http://feed.example/services"

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
FULL_SERVICE = json.loads((EXAMPLES / "service_full.json").read_text())
ORUK_SERVICE = json.loads((FIXTURES / "oruk_service.json").read_text())


def assert_contract(reader, fetch, options: FormatOptions | None = None) -> None:
    """Records the store can take, rejections with reasons and their raw form, or one FormatError line."""
    try:
        parsed = list(reader(fetch, URL, options or FormatOptions(page_cap=5)))
    except FormatError as error:
        assert str(error).strip() and "\n" not in str(error).strip("\n")
        return
    for page in parsed:
        for record in page.records:
            assert service_problems(record) == [], record
        for rejection in page.rejected:
            assert rejection.reasons and all(isinstance(r, str) and r for r in rejection.reasons)
            json.dumps(rejection.raw)  # the quarantine stores it as JSON


def serving(documents: list[bytes]):
    """A fetch answering each call with the next document, the last one for ever after."""
    calls = []

    def fetch(url: str) -> FetchResult:
        calls.append(url)
        return FetchResult(url, 200, documents[min(len(calls), len(documents)) - 1])

    return fetch


@st.composite
def mutated(draw, record: dict):
    """`record` with some values, anywhere in it, replaced by random JSON or removed."""
    result = copy.deepcopy(record)
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append(path + (key,))
                walk(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                paths.append(path + (index,))
                walk(value, path + (index,))

    walk(result, ())
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = result
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return result


def page_of(items: list, shape: str, last: object) -> dict:
    if shape == "oruk":
        return {"totalElements": 3, "totalPages": 1, "number": 0, "last": last, "content": items}
    return {"total_items": 3, "total_pages": 1, "page_number": 1, "last_page": last, "contents": items}


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_give_records_rejections_or_a_format_error_in_every_format(body):
    for name, reader in FORMATS.items():
        assert_contract(
            reader, serving([body]), FormatOptions(mapping=MAPPING, page_cap=3) if name == "csv" else None
        )


@SETTINGS
@given(json_values)
def test_any_json_document_gives_records_rejections_or_a_format_error(document):
    body = json.dumps(document).encode()
    for name in ("hsds-json", "oruk", "hsds-csv"):
        assert_contract(FORMATS[name], serving([body]))


@SETTINGS
@given(st.lists(mutated(FULL_SERVICE), min_size=1, max_size=3), st.sampled_from(["list", "page", "single"]))
def test_mutated_official_services_never_crash_the_hsds_json_reader(services, shape):
    document = {"list": services, "page": page_of(services, "hsds", True), "single": services[0]}[shape]
    assert_contract(FORMATS["hsds-json"], serving([json.dumps(document).encode()]))


@SETTINGS
@given(
    st.lists(st.lists(mutated(FULL_SERVICE) | json_values, max_size=3), min_size=1, max_size=4), json_values
)
def test_mutated_pages_never_crash_the_hsds_api_walk(pages, last):
    bodies = [json.dumps(page_of(items, "hsds", last)).encode() for items in pages]
    assert_contract(FORMATS["hsds-json"], serving(bodies))


@SETTINGS
@given(
    st.lists(st.lists(mutated(ORUK_SERVICE) | json_values, max_size=3), min_size=1, max_size=4), json_values
)
def test_mutated_oruk_pages_never_crash_the_oruk_reader(pages, last):
    bodies = [json.dumps(page_of(items, "oruk", last)).encode() for items in pages]
    assert_contract(FORMATS["oruk"], serving(bodies))


HXL_TAGS = ["#org", "#org+name", "#org+id", "#service", "#activity+name", "#activity+id", "#sector", "#sector+code",
            "#subsector", "#loc+name", "#loc+address", "#adm1+name", "#geo+lat", "#geo+lon", "#contact+phone",
            "#contact+email", "#language", "#description", "#meta"]  # fmt: skip
cells = st.text(max_size=15) | st.sampled_from(["", "1.5", "-200", "Health; Food", "a,b", "#sector", "nan"])


@SETTINGS
@given(
    st.lists(st.sampled_from(HXL_TAGS), min_size=1, max_size=8),
    st.lists(st.lists(cells, max_size=9), max_size=6),
)
def test_random_hxl_sheets_never_crash_the_hxl_reader(tags, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Human header"] * len(tags))
    writer.writerow(tags)
    writer.writerows(rows)
    assert_contract(FORMATS["hxl"], serving([buffer.getvalue().encode("utf-8")]))


SHEET = list(csv.reader(io.StringIO((FIXTURES / "example-association.csv").read_text(encoding="utf-8"))))


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, len(SHEET) - 1), st.integers(0, len(SHEET[0]) - 1), cells), max_size=12)
)
def test_mutated_association_sheets_never_crash_the_csv_reader(changes):
    rows = copy.deepcopy(SHEET)
    for row, column, value in changes:
        rows[row][column] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    assert_contract(
        FORMATS["csv"], serving([buffer.getvalue().encode("utf-8")]), FormatOptions(mapping=MAPPING)
    )


@SETTINGS
@given(mutated(MAPPING))
def test_mutated_mappings_give_a_format_error_or_a_reading(mapping):
    body = (FIXTURES / "example-association.csv").read_bytes()
    assert_contract(FORMATS["csv"], serving([body]), FormatOptions(mapping=mapping))


V11_FILES = {p.name: p.read_bytes() for p in HSDS_11.iterdir() if p.suffix in (".csv", ".json")}
V11_TABLES = sorted(name for name in V11_FILES if name.endswith(".csv"))


@SETTINGS
@given(
    st.sampled_from(V11_TABLES),
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 15), cells), max_size=10),
)
def test_mutated_hsds_1_1_packages_never_crash_the_hsds_csv_reader(table, changes):
    rows = list(csv.reader(io.StringIO(V11_FILES[table].decode("utf-8"))))
    for row, column, value in changes:
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    files = {**V11_FILES, table: buffer.getvalue().encode("utf-8")}
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    assert_contract(FORMATS["hsds-csv"], serving([package.getvalue()]))
