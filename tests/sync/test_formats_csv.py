"""The `csv` format: a spreadsheet plus a YAML column mapping (data/mappings/example-association.yaml)."""

from __future__ import annotations

import copy
import csv
import io
import json

import openpyxl
import pytest

from directory.sync.formats import FORMATS, csv_mapping
from directory.sync.formats.base import FormatOptions
from directory.sync.formats.errors import FormatError
from tests.sync.feed_server import FeedServer, raw
from tests.sync.fixtures.formats import (
    EXAMPLE_MAPPING,
    FIXTURES,
    complete,
    read_all,
    records,
    rejected,
    schema_errors,
)

read = csv_mapping.read
MAPPING = EXAMPLE_MAPPING
SHEET = (FIXTURES / "example-association.csv").read_bytes()


def options(mapping: dict | None = None) -> FormatOptions:
    return FormatOptions(
        mapping=copy.deepcopy(mapping if mapping is not None else MAPPING), where="feed welcome"
    )


def sheet_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SHEET.decode("utf-8"))))


def as_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows: list[list[str]], title: str = "Services") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["This sheet is for our own notes"])
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append([float(c) if c.replace(".", "", 1).lstrip("-").isdigit() else (c or None) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def serve(server: FeedServer, body: bytes, path: str = "/services.csv") -> str:
    server.route(path, raw(body, content_type="text/csv"))
    return server.url + path


def test_the_example_mapping_reads_the_example_sheet_into_valid_services(server):
    parsed = read_all(read, serve(server, SHEET), options())
    services = records(parsed)
    assert [s["id"] for s in services] == ["KMW-001", "KMW-002", "KMW-003", "KMW-004"]
    assert rejected(parsed) == [] and complete(parsed)
    for service in services:
        assert schema_errors(service) == [], service["id"]
    advice = services[0]
    assert advice["name"] == "Immigration advice drop-in" and advice["status"] == "active"
    assert advice["eligibility_description"] == "Anyone living in Kingsmere"
    assert advice["organization"]["name"] == "Kingsmere Migrant Welcome"
    assert advice["email"] == "advice@welcome.kingsmere.example"
    assert [p["number"] for p in advice["phones"]] == ["01632 960 123", "07700 900 123"]
    assert [lang["name"] for lang in advice["languages"]] == ["English", "Arabic", "Dari"]


def test_rows_at_the_same_address_share_one_location_and_one_organization(server):
    services = records(read_all(read, serve(server, SHEET), options()))
    location_ids = [s["service_at_locations"][0]["location"]["id"] for s in services]
    assert location_ids[0] == location_ids[1] == location_ids[3] != location_ids[2]
    assert len({s["organization"]["id"] for s in services}) == 1
    address = services[0]["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["country"]) == (
        "12 Harbour Road",
        "KM1 2AB",
        "GB",
    )


def test_categories_are_mapped_to_codes_and_attributes_come_from_yes_no_columns(server):
    services = records(read_all(read, serve(server, SHEET), options()))
    peer = services[2]
    categories = [(a["taxonomy_term"]["code"], a["taxonomy_term"]["name"]) for a in peer["attributes"]
                  if a["link_type"] == "category"]  # fmt: skip
    assert categories == [("community-peer", "Peer support"), ("psychosocial-wellbeing", "Wellbeing")]
    attributes = {a["taxonomy_term"]["code"] for a in peer["attributes"] if a["link_type"] == "attribute"}
    assert attributes == {"free", "appointment-needed", "interpreters", "no-status-check"}
    assert all(a["taxonomy_term"]["taxonomy"] == "harbour" for a in peer["attributes"])


def test_day_columns_become_weekly_hours_and_free_text_is_kept_as_description(server):
    services = records(read_all(read, serve(server, SHEET), options()))
    advice, _, peer, jobs = services
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in advice["schedules"]] == [
        ("Monday", "10:00", "13:00"), ("Wednesday", "10:00", "13:00"),
    ]  # fmt: skip
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in jobs["schedules"]] == [
        ("Friday", "09:30", "12:30"), ("Friday", "14:00", "16:00"),
    ]  # fmt: skip
    assert peer["schedules"] == [
        {"id": "KMW-003#schedule:1", "description": "Every other Saturday 14:00-16:00; ask us for dates"}
    ]


def test_a_day_cell_that_is_not_a_time_range_is_kept_in_the_description(server):
    rows = sheet_rows()
    rows[1][rows[0].index("Fri")] = "by appointment"
    [advice, *_] = records(read_all(read, serve(server, as_csv(rows)), options()))
    assert advice["schedules"][-1]["description"] == "Friday: by appointment"


def test_text_is_passed_on_as_sent_including_scripts_and_other_alphabets(server):
    rows = sheet_rows()
    rows[1][rows[0].index("What we do")] = "<script>alert('x')</script> مرحبا"
    services = records(read_all(read, serve(server, as_csv(rows)), options()))
    assert services[0]["description"] == "<script>alert('x')</script> مرحبا"
    assert services[1]["description"].endswith("نرحب بالجميع")


def test_a_row_without_a_service_name_is_rejected_with_the_column_and_row(server):
    rows = sheet_rows()
    rows[3][rows[0].index("Service")] = ""
    parsed = read_all(read, serve(server, as_csv(rows)), options())
    assert [s["id"] for s in records(parsed)] == ["KMW-001", "KMW-002", "KMW-004"]
    [bad] = rejected(parsed)
    assert bad.source_id == "KMW-003"
    assert bad.reasons == ["row 4: column 'Service' is empty: every service needs a name"]
    assert bad.raw["Ref"] == "KMW-003" and "Service" not in bad.raw


def test_a_row_without_its_reference_is_rejected_and_a_repeated_reference_too(server):
    rows = sheet_rows()
    rows[2][0] = ""
    rows[4][0] = "KMW-001"
    parsed = read_all(read, serve(server, as_csv(rows)), options())
    assert [s["id"] for s in records(parsed)] == ["KMW-001", "KMW-003"]
    assert [r.reasons for r in rejected(parsed)] == [
        ["row 3: column 'Ref' is empty: every row needs its reference"],
        ["row 5: the same id (KMW-001) as row 2"],
    ]


def test_without_an_id_column_ids_are_derived_and_stable(server):
    mapping = {k: v for k, v in MAPPING.items() if k != "id"}
    first = records(read_all(read, serve(server, SHEET), options(mapping)))
    rows = sheet_rows()
    again = records(
        read_all(read, serve(server, as_csv([rows[0], *reversed(rows[1:])]), "/again.csv"), options(mapping))
    )
    assert sorted(s["id"] for s in first) == sorted(s["id"] for s in again)
    assert all(s["id"].startswith("row-") for s in first)


def test_an_xlsx_workbook_with_a_named_sheet_gives_the_same_services(server):
    mapping = {**MAPPING, "sheet": "Services"}
    from_csv = records(read_all(read, serve(server, SHEET), options()))
    from_xlsx = records(
        read_all(read, serve(server, as_xlsx(sheet_rows()), "/services.xlsx"), options(mapping))
    )
    assert from_xlsx == from_csv


def test_a_semicolon_separated_windows_1252_sheet_is_read(server):
    body = "Service;Organisation\nAide juridique – droit d'asile;Accueil Réfugiés\n".encode("cp1252")
    mapping = {"service": {"name": "Service"}, "organization": {"name": "Organisation"}}
    [service] = records(read_all(read, serve(server, body), options(mapping)))
    assert service["name"] == "Aide juridique – droit d'asile"
    assert service["organization"]["name"] == "Accueil Réfugiés"


def test_a_header_further_down_is_found_with_header_row(server):
    body = b"Our services, updated monthly\n\nService,Organisation\nLegal clinic,Law Centre\n"
    mapping = {"header_row": 3, "service": {"name": "Service"}, "organization": {"name": "Organisation"}}
    [service] = records(read_all(read, serve(server, body), options(mapping)))
    assert service["name"] == "Legal clinic"


def test_yes_keys_survive_the_json_round_trip_of_stored_feed_settings(server):
    stored = json.loads(json.dumps(MAPPING | {"attributes": {"Free?": {True: "free"}}}))
    assert stored["attributes"]["Free?"] == {"true": "free"}
    services = records(read_all(read, serve(server, SHEET), options(stored)))
    assert all(any(a["taxonomy_term"]["code"] == "free" for a in s["attributes"]) for s in services)


def test_a_mapping_naming_a_column_the_sheet_lacks_is_a_format_error_naming_it(server):
    mapping = {**MAPPING, "phones": ["Phone", "Landline"]}
    with pytest.raises(FormatError, match=r"the mapping names columns the sheet lacks: 'Landline'"):
        read_all(read, serve(server, SHEET), options(mapping))


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (None, "the csv format needs a mapping"),
        ({"servce": {"name": "Service"}}, "unknown key 'servce'"),
        (
            {"service": {"description": "What we do"}, "organization": {"name": "X"}},
            "service.name is required",
        ),
        ({"service": {"name": "Service"}}, "organization.name is required"),
        (
            {"service": {"name": ["Service"]}, "organization": {"name": "X"}},
            "service.name must be a column name",
        ),
        ({"service": {"name": "S"}, "organization": {"name": "O"}, "header_row": 0}, "header_row must be"),
        (
            {"service": {"name": "S"}, "organization": {"name": "O"}, "attributes": {"Free?": "yes"}},
            "must map an answer",
        ),
    ],
)
def test_a_mistaken_mapping_is_a_format_error_saying_what_is_wrong(server, mapping, message):
    url = serve(server, SHEET)
    with pytest.raises(FormatError, match=f"^feed welcome mapping: .*{message}"):
        read_all(read, url, FormatOptions(mapping=mapping, where="feed welcome"))
    assert server.requests == []  # nothing fetched for a mapping that cannot work


def test_an_html_page_instead_of_a_spreadsheet_is_a_format_error(server):
    with pytest.raises(FormatError, match="HTML page"):
        read_all(read, serve(server, b"<!DOCTYPE html><html>Sign in to continue</html>"), options())


def test_an_old_xls_file_is_a_format_error_with_advice(server):
    with pytest.raises(FormatError, match=r"\.xls file; save it as \.xlsx or CSV"):
        read_all(read, serve(server, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), options())


def test_an_empty_sheet_is_a_format_error(server):
    with pytest.raises(FormatError, match="empty"):
        read_all(read, serve(server, b""), options())


def test_the_registry_names_this_reader():
    assert FORMATS["csv"] is csv_mapping.read
