"""The `hxl` format: HXL-tagged CSV and XLSX, read by libhxl from fetched bytes, one service per row."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from directory.sync.formats import FORMATS, hxl
from directory.sync.formats.errors import FormatError
from tests.sync.feed_server import FeedServer, raw
from tests.sync.fixtures.formats import FIXTURES, complete, read_all, records, rejected, schema_errors

read = hxl.read
SHEET = (FIXTURES / "hxl_services.csv").read_bytes()


def as_xlsx(csv_bytes: bytes) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8"))):
        sheet.append(
            [float(cell) if cell.replace(".", "", 1).lstrip("-").isdigit() else cell for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def serve(server: FeedServer, body: bytes, path: str = "/3w.csv", content_type: str = "text/csv") -> str:
    server.route(path, raw(body, content_type=content_type))
    return server.url + path


def test_each_tagged_row_becomes_one_service_under_its_organization(server):
    parsed = read_all(read, serve(server, SHEET))
    services = records(parsed)
    assert [s["name"] for s in services] == [
        "Family tracing and messages", "Psychosocial support group", "Emergency food parcels",
    ]  # fmt: skip
    tracing = services[0]
    assert tracing["id"] == "KRC-01"  # the sheet's own id, as sent
    assert tracing["organization"] == {"id": "KRC", "name": "Kingsmere Red Cross"}
    assert tracing["email"] == "tracing@krc.example" and tracing["url"] == "https://krc.example/tracing"
    assert [lang["name"] for lang in tracing["languages"]] == ["English", "Arabic", "Tigrinya"]
    location = tracing["service_at_locations"][0]["location"]
    assert (location["name"], location["latitude"], location["longitude"]) == (
        "Welcome Centre",
        51.501,
        -0.121,
    )
    assert location["addresses"][0] == {
        "id": f"{location['id']}#address", "address_type": "physical", "address_1": "12 Harbour Road",
        "city": "Kingsmere", "state_province": "South East", "country": "GB",
    }  # fmt: skip
    assert complete(parsed)


def test_sectors_and_subsectors_become_hxl_sector_categories_as_sent(server):
    services = records(read_all(read, serve(server, SHEET)))
    support = services[1]
    terms = [
        (a["link_type"], a["taxonomy_term"]["code"], a["taxonomy_term"]["taxonomy"])
        for a in support["attributes"]
    ]
    assert terms == [("category", "Health", "hxl-sector"), ("category", "Protection", "hxl-sector"),
                     ("category", "MHPSS", "hxl-sector")]  # fmt: skip


def test_several_phone_numbers_in_one_cell_become_several_phones(server):
    services = records(read_all(read, serve(server, SHEET)))
    assert [p["number"] for p in services[1]["phones"]] == ["01632 960 101", "07700 900 101"]


def test_a_row_without_an_id_gets_a_stable_one_from_organization_service_and_place(server):
    first = records(read_all(read, serve(server, SHEET)))[2]
    header, tags, *rows = SHEET.decode().splitlines(keepends=True)
    reordered = (header + tags + "".join(reversed(rows))).encode()
    again = next(
        s
        for s in records(read_all(read, serve(server, reordered, "/again.csv")))
        if s["name"] == first["name"]
    )
    assert first["id"].startswith("hxl-") and again["id"] == first["id"]


def test_a_row_without_a_service_name_is_rejected_with_its_row_number(server):
    parsed = read_all(read, serve(server, SHEET))
    [bad] = rejected(parsed)
    assert bad.reasons == ["row 6: no service name (#service or #activity): every service needs a name"]
    assert bad.raw == {"#org+name": "Harbour Food Network", "#description": "A row with no activity name",
                       "#sector": "Food Security"}  # fmt: skip


def test_a_repeated_row_is_rejected_as_a_duplicate(server):
    lines = SHEET.decode().splitlines(keepends=True)
    parsed = read_all(read, serve(server, "".join(lines[:3] + lines[2:3]).encode()))
    assert len(records(parsed)) == 1
    assert rejected(parsed)[0].reasons == ["row 4: the same id (KRC-01) as row 3"]


def test_the_records_validate_against_the_hsds_schema_where_the_row_has_the_fields(server):
    for service in records(read_all(read, serve(server, SHEET))):
        # The sheet has no organization descriptions or postcodes, which the schema requires.
        errors = [e for e in schema_errors(service) if "'description' is a required" not in e
                  and "'postal_code' is a required" not in e]  # fmt: skip
        assert errors == [], service["id"]


def test_an_xlsx_sheet_gives_the_same_services_as_the_csv(server):
    from_csv = records(read_all(read, serve(server, SHEET)))
    from_xlsx = records(read_all(read, serve(server, as_xlsx(SHEET), "/3w.xlsx", "application/octet-stream")))
    assert from_xlsx == from_csv


def test_a_windows_1252_semicolon_sheet_is_read(server):
    body = "Organisation;Service\n#org;#service\nCroix-Rouge;Aide alimentaire d'urgence – épicerie\n".encode(
        "cp1252"
    )
    [service] = records(read_all(read, serve(server, body)))
    assert service["name"] == "Aide alimentaire d'urgence – épicerie"


def test_scripts_in_cells_are_passed_on_as_sent(server):
    body = b'#org,#service,#description\nA,B,"<script>alert(1)</script>"\n'
    [service] = records(read_all(read, serve(server, body)))
    assert service["description"] == "<script>alert(1)</script>"


def test_a_sheet_without_hashtags_is_a_format_error(server):
    with pytest.raises(FormatError, match="no HXL hashtag row"):
        read_all(read, serve(server, b"Organisation,Service\nRed Cross,Clinic\n"))


def test_a_sheet_without_an_organization_column_is_a_format_error(server):
    with pytest.raises(FormatError, match="no #org column"):
        read_all(read, serve(server, b"#service,#sector\nClinic,Health\n"))


def test_an_html_page_is_a_format_error(server):
    with pytest.raises(FormatError, match="HTML page"):
        read_all(
            read, serve(server, b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html")
        )


def test_a_truncated_workbook_is_a_format_error(server):
    with pytest.raises(FormatError, match="not a readable zip archive"):
        read_all(read, serve(server, as_xlsx(SHEET)[:2000], "/3w.xlsx"))


def test_a_zip_that_is_no_workbook_is_a_format_error(server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    with pytest.raises(FormatError, match="not readable as HXL"):
        read_all(read, serve(server, buffer.getvalue(), "/3w.xlsx"))


def test_the_registry_names_this_reader():
    assert FORMATS["hxl"] is hxl.read
