"""The `hsds-csv` format: the official 3.0 datapackage and the 1.1 sample over HTTP, zips, bad packages."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from directory.sync.formats import FORMATS, hsds_csv, tabular
from directory.sync.formats.errors import FormatError
from tests.conftest import HSDS_DIR
from tests.sync.feed_server import FeedServer, raw
from tests.sync.fixtures.formats import (
    EXAMPLES,
    HSDS_11,
    complete,
    read_all,
    records,
    rejected,
    schema_errors,
)

read = hsds_csv.read
CSV_EXAMPLE = EXAMPLES / "csv"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def official_v3_files() -> dict[str, bytes]:
    # The example folder's datapackage.json is a link to the package one level up: serve that one.
    files = {p.name: p.read_bytes() for p in CSV_EXAMPLE.glob("*.csv")}
    files["datapackage.json"] = (HSDS_DIR / "datapackage.json").read_bytes()
    return files


def v11_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in HSDS_11.iterdir() if p.suffix in (".csv", ".json")}


def serve(server: FeedServer, prefix: str, files: dict[str, bytes]) -> str:
    for name, body in files.items():
        server.route(f"{prefix}/{name}", raw(body, content_type="text/csv"))
    return f"{server.url}{prefix}/datapackage.json"


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(folder + name, body)
    return buffer.getvalue()


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def test_the_official_csv_datapackage_served_over_http_gives_one_valid_service(server):
    parsed = read_all(read, serve(server, "/pkg", official_v3_files()))
    [service] = records(parsed)
    assert service["id"] == SERVICE_ID and service["name"] == "Community Counselling"
    assert schema_errors(service) == []
    assert service["organization"]["name"] == "Example Organization Inc."
    [at] = service["service_at_locations"]
    assert at["location"]["addresses"][0]["address_1"] == "1-30 Main Street"
    assert service["schedules"][0]["byday"] == "TH,FR" and service["phones"][0]["extension"] == 100
    assert rejected(parsed) == [] and complete(parsed)


def test_each_resource_is_fetched_relative_to_the_datapackage(server):
    read_all(read, serve(server, "/deep/folder", official_v3_files()))
    fetched = {r.path for r in server.requests}
    assert "/deep/folder/services.csv" in fetched and "/deep/folder/addresses.csv" in fetched


def test_a_zip_of_the_official_datapackage_gives_the_same_records(server):
    over_http = records(read_all(read, serve(server, "/plain", official_v3_files())))
    server.route("/package.zip", raw(zipped(official_v3_files(), "hsds/"), content_type="application/zip"))
    from_zip = records(read_all(read, server.url + "/package.zip"))
    assert from_zip == over_http


def test_a_zip_without_a_descriptor_is_read_from_the_folder_holding_services_csv(server):
    files = {k: v for k, v in official_v3_files().items() if k != "datapackage.json"}
    server.route("/bare.zip", raw(zipped(files, "export/"), content_type="application/zip"))
    [service] = records(read_all(read, server.url + "/bare.zip"))
    assert service["id"] == SERVICE_ID and service["service_at_locations"]


def test_the_hsds_1_1_sample_parses_into_valid_3_0_records(server):
    parsed = read_all(read, serve(server, "/v11", v11_files()))
    services = records(parsed)
    assert len(services) == 13 and rejected(parsed) == []
    for service in services:
        assert schema_errors(service) == [], service["id"]
    helpline = next(s for s in services if s["name"] == "Never Homeless Helpline")
    assert helpline["eligibility_description"] == "adult"
    location = helpline["service_at_locations"][0]["location"]
    assert location["location_type"] == "physical"
    assert {a["address_type"]: a["id"] for a in location["addresses"]} == {
        "physical": "da556310-1b0b-11e9-b56e-0800200c9a66",
        "postal": "c7071b40-1b0c-11e9-b56e-0800200c9a66#postal",
    }
    assert [a["description"] for a in location["accessibility"]] == ["disabled_parking"]
    assert [lang["name"] for lang in location["languages"]] == ["English", "Spanish"]


def test_hsds_1_1_schedules_keep_the_weekday_as_sent_and_holidays_get_dates_and_a_description(server):
    services = records(read_all(read, serve(server, "/v11", v11_files())))
    helpline = next(s for s in services if s["name"] == "Never Homeless Helpline")
    weekly = [s for s in helpline["schedules"] if s.get("freq") == "WEEKLY"]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in weekly] == [
        ("1", "09:00:00", "17:00:00"), ("2", "09:00:00", "17:00:00"), ("3", "09:00:00", "17:00:00"),
    ]  # fmt: skip
    [holiday] = [s for s in helpline["schedules"] if "valid_from" in s]
    # The 1.1 sample gives the holiday the same id as a weekly schedule; they must stay two records.
    assert holiday["id"] == "fa9dbdb0-1b0c-11e9-b56e-0800200c9a66#holiday"
    assert (holiday["valid_from"], holiday["valid_to"]) == ("2019-12-24", "2019-12-26")
    assert holiday["description"] == "Closed 2019-12-24 to 2019-12-26"


def test_hsds_1_1_organization_phones_and_urls_move_to_their_3_0_places(server):
    services = records(read_all(read, serve(server, "/v11", v11_files())))
    cross = next(s for s in services if s["name"] == "Meals To-Go at The Cross")
    assert cross["organization"]["website"] == "http://example.com"
    assert {p["type"] for p in cross["organization"]["phones"]} == {"voice", "textphone"}
    laundry = next(s for s in services if s["name"] == "Bubbles at The Cross")
    [phone] = laundry["phones"]
    assert [lang["name"] for lang in phone["languages"]] == ["en", "es"]


def test_hsds_1_1_services_taxonomy_becomes_category_attributes_with_non_uuid_ids_kept(server):
    files = v11_files()
    files["taxonomy.csv"] = (
        b"id,name,parent_id,parent_name,vocabulary\nOE-1102,Emergency Food,,,Open Eligibility\n"
    )
    files["services_taxonomy.csv"] = (
        b"id,service_id,taxonomy_id,taxonomy_detail\n"
        b"st-1,62e95523-07b9-4d1b-9bcf-6cea6e2be5d8,OE-1102,hot meals\n"
    )
    services = records(read_all(read, serve(server, "/v11", files)))
    meals = next(s for s in services if s["id"] == "62e95523-07b9-4d1b-9bcf-6cea6e2be5d8")
    [attribute] = meals["attributes"]
    assert attribute["id"] == "st-1" and attribute["link_type"] == "category"
    term = attribute["taxonomy_term"]
    assert (term["id"], term["code"], term["name"], term["taxonomy"]) == (
        "OE-1102", "OE-1102", "Emergency Food", "Open Eligibility",
    )  # fmt: skip
    assert schema_errors(meals) == []


def test_a_bad_row_is_rejected_with_file_line_and_field_and_the_rest_goes_on(server):
    files = official_v3_files()
    header, row = files["services.csv"].decode().splitlines()[:2]
    second = row.replace("ac148810-d857-441c-9679-408f346de14b", "svc-two").replace(
        ",12,100,", ",twelve,100,"
    )
    files["services.csv"] = f"{header}\n{row}\n{second}\n".encode()
    parsed = read_all(read, serve(server, "/pkg", files))
    assert [s["id"] for s in records(parsed)] == [SERVICE_ID]
    [bad] = rejected(parsed)
    assert bad.source_id == "svc-two"
    assert bad.reasons == [
        f"{server.url}/pkg/services.csv line 3, record svc-two: field 'minimum_age' must be a number, got 'twelve'"
    ]


def test_a_service_row_without_a_name_is_rejected(server):
    files = official_v3_files()
    header, row = files["services.csv"].decode().splitlines()[:2]
    files["services.csv"] = f"{header}\n{row.replace(',Community Counselling,', ',,')}\n".encode()
    parsed = read_all(read, serve(server, "/pkg", files))
    assert records(parsed) == []
    assert rejected(parsed)[0].reasons == ["'name' is missing: every service needs a name"]


def test_a_table_of_records_standing_alone_without_an_id_column_is_a_format_error_naming_the_file(server):
    # (a child table without one gets ids from its parents: see test_messy_packages.py)
    files = official_v3_files()
    files["organizations.csv"] = b"name,description\nExample,An organization\n"
    with pytest.raises(FormatError, match=r"organizations.csv: the header row has no 'id' column"):
        read_all(read, serve(server, "/pkg", files))


def test_an_empty_csv_file_is_a_format_error(server):
    files = official_v3_files()
    files["services.csv"] = b""
    with pytest.raises(FormatError, match="services.csv: no header row"):
        read_all(read, serve(server, "/pkg", files))


def test_an_html_page_instead_of_the_datapackage_is_a_format_error(server):
    server.route(
        "/pkg/datapackage.json", raw("<!doctype html><title>Not found</title>", content_type="text/html")
    )
    with pytest.raises(FormatError, match="HTML page"):
        read_all(read, server.url + "/pkg/datapackage.json")


def test_a_descriptor_without_resources_is_a_format_error(server):
    server.route("/pkg/datapackage.json", raw(json.dumps({"name": "x"}), content_type="application/json"))
    with pytest.raises(FormatError, match="no 'resources' list"):
        read_all(read, server.url + "/pkg/datapackage.json")


def test_a_package_without_services_is_a_format_error(server):
    files = official_v3_files()
    package = json.loads(files["datapackage.json"])
    package["resources"] = [r for r in package["resources"] if r["path"] != "services.csv"]
    files["datapackage.json"] = json.dumps(package).encode()
    del files["services.csv"]  # one beside the descriptor would be read, declared or not
    with pytest.raises(FormatError, match="no services table"):
        read_all(read, serve(server, "/pkg", files))


def test_a_damaged_zip_is_a_format_error(server):
    server.route("/broken.zip", raw(zipped(official_v3_files())[:300], content_type="application/zip"))
    with pytest.raises(FormatError, match="zip"):
        read_all(read, server.url + "/broken.zip")


def test_a_zip_that_would_unpack_past_the_cap_is_refused_before_reading(server, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNZIPPED_BYTES", 10_000)
    server.route("/package.zip", raw(zipped(official_v3_files()), content_type="application/zip"))
    with pytest.raises(FormatError, match=r"the zip unpacks to \d+ bytes, more than the 10000 allowed"):
        read_all(read, server.url + "/package.zip")


def test_a_multi_line_name_in_a_header_still_gives_a_one_line_error(server):
    files = official_v3_files()
    files["organizations.csv"] = b'"na\nme",description\nExample,An organization\n'
    with pytest.raises(FormatError) as failure:
        read_all(read, serve(server, "/pkg", files))
    assert "\n" not in str(failure.value) and "no 'id' column" in str(failure.value)


def test_the_registry_names_this_reader():
    assert FORMATS["hsds-csv"] is hsds_csv.read
