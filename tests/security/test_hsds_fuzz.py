"""The HSDS API fuzzed from the official OpenAPI document: no request it describes gets a 5xx,
and every answer it documents is valid against its schema. A fixed seed and a bounded number
of cases keep the run the same every time, within a minute."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from directory.ids import HARBOUR_TAXONOMY_ID, term_id
from tests.conftest import HSDS_DIR, PROJECT_ROOT, RunningServer
from tests.security.hsds_openapi import hsds_openapi

EXAMPLES_PER_OPERATION = 120  # 11 operations: about 1,300 cases


def demo_ids() -> dict[str, tuple[str, str]]:
    """(table, id) of a record of the demo city for each `/{collection}/{id}`, so records get checked too."""
    service = json.loads((PROJECT_ROOT / "data" / "demo" / "services.json").read_text())[0]
    return {
        "services": ("services", service["id"]),
        "organizations": ("organizations", service["organization_id"]),
        "service_at_locations": ("service_at_location", service["service_at_locations"][0]["id"]),
        "taxonomies": ("taxonomies", HARBOUR_TAXONOMY_ID),
        "taxonomy_terms": ("taxonomy_terms", term_id("legal")),
    }


def fuzzed_openapi() -> dict:
    spec = hsds_openapi(HSDS_DIR)
    for collection, (_, record_id) in demo_ids().items():
        (parameter,) = spec["paths"][f"/{collection}/{{id}}"]["parameters"]
        parameter["example"] = record_id
    return spec


schema = schemathesis.openapi.from_dict(fuzzed_openapi())
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none", allow_x00=True
)


@pytest.fixture(scope="module")
def hsds_url(demo_template, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzzed") / "demo"
    shutil.copytree(demo_template, data_dir)
    with sqlite3.connect(data_dir / "directory.db") as db:
        for table, record_id in demo_ids().values():
            assert db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone(), (table, record_id)
    server = RunningServer(data_dir)
    yield server.url + "/hsds"
    server.stop()


@schema.parametrize()
def test_hsds_api_answers_every_described_request_without_5xx_and_as_documented(case, hsds_url):
    case.call_and_validate(base_url=hsds_url, checks=[not_a_server_error, response_schema_conformance])
