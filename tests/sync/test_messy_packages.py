"""Tabular packages as publishers ship them: each lands whole, and what was repaired is said."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from directory.sync.errors import FetchError
from directory.sync.formats import hsds_csv
from directory.sync.formats.base import FetchResult
from directory.sync.formats.errors import FormatError
from tests.sync.feed_server import FeedServer, raw
from tests.sync.fixtures import messy_packages as messy
from tests.sync.fixtures.formats import read_all, records, rejected, schema_errors

read = hsds_csv.read


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def problems(parsed) -> list:
    return [problem for p in parsed for problem in p.problems]


def by_id(services: list[dict]) -> dict[str, dict]:
    return {s["id"]: s for s in services}


def assert_valid(services: list[dict]) -> None:
    for service in services:
        assert schema_errors(service) == [], service["id"]


def file_fetch(url: str) -> FetchResult:
    """A local fetch as an import of a folder has one: an absent file fails like a 404."""
    path = Path(urlsplit(url).path)
    if not path.is_file():
        raise FetchError(f"{url} answered 404 (no such file)")
    return FetchResult(url, 200, path.read_bytes())


def test_resources_not_at_their_declared_paths_are_read_from_beside_the_descriptor(server):
    parsed = read_all(read, messy.serve(server, "/pkg", messy.wrong_paths()))
    services = by_id(records(parsed))
    assert sorted(services) == ["svc-1", "svc-2"]
    clinic = services["svc-1"]
    assert [p["number"] for p in clinic["phones"]] == ["01632 960001"]
    assert clinic["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "4 Mill Lane"
    assert_valid(services.values())
    repaired = {p.field: p for p in problems(parsed)}
    assert set(repaired) == set(messy.TABLES)
    services_problem = repaired["services"]
    assert services_problem.kind == "repaired"
    assert services_problem.what == "declared at resources/services.csv; read services.csv beside the datapackage.json"
    assert services_problem.file == f"{server.url}/pkg/services.csv"
    assert rejected(parsed) == []


def test_declared_but_absent_resources_are_read_as_empty_and_named(server):
    parsed = read_all(read, messy.serve(server, "/pkg", messy.absent_resources()))
    assert sorted(s["id"] for s in records(parsed)) == ["svc-1", "svc-2"]
    absent = {p.field: p for p in problems(parsed) if "read as an empty table" in p.what}
    assert set(absent) == {"programs", "eligibility"}
    assert absent["eligibility"].kind == "repaired"
    assert absent["eligibility"].file == f"{server.url}/pkg/eligibility.csv"


def test_a_package_whose_services_are_nowhere_fails_with_a_clear_message(server):
    files = messy.wrong_paths()
    del files["services.csv"]
    with pytest.raises(FormatError, match=r"the package has no services table \(services.csv\): none where"):
        read_all(read, messy.serve(server, "/pkg", files))


def test_standard_tables_beside_the_descriptor_are_read_though_not_declared(server):
    url = messy.serve(server, "/v11", messy.undeclared_tables())
    parsed = read_all(read, url)
    services = by_id(records(parsed))
    clinic = services["svc-1"]
    assert [p["number"] for p in clinic["phones"]] == ["01632 960001"]
    assert [(s["byday"], s["opens_at"]) for s in clinic["schedules"]] == [("Monday", "09:00")]
    [at] = clinic["service_at_locations"]
    assert at["location"]["addresses"][0]["address_type"] == "physical"
    assert_valid(services.values())
    undeclared = {p.field for p in problems(parsed) if "is not declared" in p.what}
    assert undeclared == {"phones", "regular_schedules", "services_at_location", "physical_addresses"}
    # Probing is bounded: each standard name at most once, and nothing outside the package's folder.
    asked = [r.path for r in server.requests]
    assert len(asked) == len(set(asked)) and all(path.startswith("/v11/") for path in asked)


def test_a_zip_whose_files_sit_under_data_is_read_whole(server):
    server.route("/pkg.zip", raw(messy.zipped(messy.under_data()), content_type="application/zip"))
    parsed = read_all(read, server.url + "/pkg.zip")
    services = by_id(records(parsed))
    assert sorted(services) == ["svc-1", "svc-2"]
    assert services["svc-2"]["schedules"][0]["byday"] == "TH"
    moved = [p for p in problems(parsed) if p.field == "services"]
    assert [p.what for p in moved] == ["declared at services.csv; read services.csv under data/"]
    assert moved[0].file == f"{server.url}/pkg.zip!data/services.csv"


def test_a_zip_of_bare_files_one_folder_down_is_read(server):
    files = {k: v for k, v in messy.clean().items() if k != "datapackage.json"}
    server.route("/bare.zip", raw(messy.zipped(files, "export-2024/"), content_type="application/zip"))
    services = by_id(records(read_all(read, server.url + "/bare.zip")))
    assert sorted(services) == ["svc-1", "svc-2"] and services["svc-1"]["phones"]


def test_a_local_folder_and_zip_read_through_a_file_fetch_resolve_the_same_way(tmp_path):
    for name, body in messy.wrong_paths().items():
        (tmp_path / name).write_bytes(body)
    parsed = read_all(read, f"file://{tmp_path}/datapackage.json", fetch=file_fetch)
    assert sorted(s["id"] for s in records(parsed)) == ["svc-1", "svc-2"]
    assert any(p.what.startswith("declared at resources/phones.csv") for p in problems(parsed))
    (tmp_path / "package.zip").write_bytes(messy.zipped(messy.under_data()))
    from_zip = records(read_all(read, f"file://{tmp_path}/package.zip", fetch=file_fetch))
    assert sorted(s["id"] for s in from_zip) == ["svc-1", "svc-2"]


def test_idless_child_rows_get_stable_ids_from_their_parent_and_place(server):
    url = messy.serve(server, "/pkg", messy.idless_children())
    parsed = read_all(read, url)
    services = by_id(records(parsed))
    clinic = services["svc-1"]
    assert [(p["id"], p["number"]) for p in clinic["phones"]] == [
        ("~phones:service_id=svc-1#1", "01632 960001"),
        ("~phones:service_id=svc-1#2", "01632 960011"),
    ]
    assert [s["id"] for s in clinic["schedules"]] == ["~schedules:service_id=svc-1#1"]
    [at] = clinic["service_at_locations"]
    assert at["id"] == "~service_at_location:location_id=loc-1;service_id=svc-1#1"
    assert at["location"]["name"] == "Eastbrook Community Hall"
    assert_valid(services.values())
    given = [p for p in problems(parsed) if p.field == "phones.id"]
    assert [(p.kind, p.file, p.line) for p in given] == [
        ("repaired", f"{server.url}/pkg/phones.csv", line) for line in (2, 3, 4)
    ]
    assert len([p for p in problems(parsed) if p.what.startswith("no id; gave it")]) == 3 + 2 + 2
    # The same package read again gives the same ids; a number changed in place keeps its row's id.
    files = messy.idless_children()
    files["phones.csv"] = files["phones.csv"].replace(b"01632 960011", b"01632 960099")
    again = by_id(records(read_all(read, messy.serve(server, "/pkg", files))))
    assert [(p["id"], p["number"]) for p in again["svc-1"]["phones"]] == [
        ("~phones:service_id=svc-1#1", "01632 960001"),
        ("~phones:service_id=svc-1#2", "01632 960099"),
    ]


def test_one_idless_row_in_a_big_table_costs_nothing(server):
    parsed = read_all(read, messy.serve(server, "/big", messy.big_schedules(count=11_350, idless_at=7_000)))
    services = records(parsed)
    assert len(services) == 11_350
    assert sum(len(s["schedules"]) for s in services) == 11_350
    lone = by_id(services)["svc-7000"]
    assert [s["id"] for s in lone["schedules"]] == ["~regular_schedules:service_id=svc-7000#1"]
    [given] = [p for p in problems(parsed) if p.kind == "repaired" and p.field == "regular_schedules.id"]
    assert given.line == 7_002 and given.file.endswith("/big/regular_schedules.csv")
    assert rejected(parsed) == []
    assert_valid(services[:50] + [lone])


def test_a_bad_row_is_set_aside_with_file_and_line_and_the_table_lands(server):
    parsed = read_all(read, messy.serve(server, "/pkg", messy.bad_rows()))
    services = by_id(records(parsed))
    assert sorted(services) == ["svc-1", "svc-2"]
    assert services["svc-1"]["name"] == "Immigration advice clinic"
    assert_valid(services.values())
    aside = sorted(rejected(parsed), key=lambda r: r.line)
    file = f"{server.url}/pkg/services.csv"
    assert [(r.source_id, r.file, r.line) for r in aside] == [
        ("svc-3", file, 4), ("svc-1", file, 5), ("svc-4", file, 6),
    ]  # fmt: skip
    assert "field 'minimum_age' must be a number, got 'sixteen'" in aside[0].reasons[0]
    assert "id svc-1 appears twice" in aside[1].reasons[0]
    assert "1 more value(s) than the header has columns" in aside[2].reasons[0]
    # The run turns each into a set_aside problem: the reader says nothing more about them.
    assert [p for p in problems(parsed) if p.kind == "set_aside"] == []


def test_a_line_number_counts_the_lines_of_a_quoted_value_spanning_several(server):
    files = messy.bad_rows()
    files["services.csv"] = files["services.csv"].replace(
        b"Practise the local language over tea.", b'"Practise the local language\nover tea."'
    )
    aside = sorted(rejected(read_all(read, messy.serve(server, "/pkg", files))), key=lambda r: r.line)
    assert [r.line for r in aside] == [5, 6, 7]


def test_a_child_whose_parent_is_absent_is_reported_and_a_service_of_an_absent_organization_stays(server):
    parsed = read_all(read, messy.serve(server, "/pkg", messy.orphans()))
    services = by_id(records(parsed))
    assert sorted(services) == ["svc-1", "svc-2", "svc-5"]
    women = services["svc-5"]
    assert women["organization_id"] == "org-gone" and "organization" not in women
    assert [p["number"] for p in women["phones"]] == ["01632 960005"]
    assert [at["id"] for at in services["svc-2"]["service_at_locations"]] == ["sal-2"]
    dropped = {p.record: p for p in problems(parsed) if p.kind == "dropped_children"}
    assert set(dropped) == {"ph-9", "sal-9"}
    phones = f"{server.url}/pkg/phones.csv"
    assert (dropped["ph-9"].file, dropped["ph-9"].line, dropped["ph-9"].field) == (phones, 4, "phones")
    assert "its service_id svc-9 is not in the package's services" in dropped["ph-9"].what
    assert dropped["sal-9"].line == 4 and "its location_id loc-9 is not in the package's locations" in (
        dropped["sal-9"].what
    )
    assert rejected(parsed) == []


def test_children_of_a_row_set_aside_say_so(server):
    files = messy.clean()
    files["services.csv"] = files["services.csv"].replace(b",active,16", b",active,sixteen")
    parsed = read_all(read, messy.serve(server, "/pkg", files))
    assert [s["id"] for s in records(parsed)] == ["svc-2"]
    [phone] = [p for p in problems(parsed) if p.record == "ph-1"]
    assert phone.kind == "dropped_children" and "its service_id svc-1 was set aside" in phone.what


def messy_feed() -> messy.Package:
    """Several messes at once: paths that moved, an undeclared phones table of id-less rows, an orphan phone."""
    files = messy.idless_children()
    declared = ("organizations", "services", "locations", "service_at_location", "schedules", "addresses")
    files["datapackage.json"] = messy.descriptor({name: f"resources/{name}.csv" for name in declared})
    files["phones.csv"] += b"svc-9,01632 960009\n"
    return files


def test_a_messy_package_synced_twice_lands_whole_then_finds_everything_unchanged(empty_instance, server):
    from directory.hsds.assemble import assemble_service
    from directory.sync.feeds import Feed, add_feed
    from directory.sync.run import sync_feed

    url = messy.serve(server, "/messy", messy_feed())
    db, private = empty_instance.directory(), empty_instance.private()
    add_feed(db, private, Feed(name="eastbrook", url=url, format="hsds-csv", allow_private=True))
    private.close()
    first = sync_feed(empty_instance, "eastbrook")
    assert first.result != "failed" and (first.created, first.quarantined) == (2, 0), first.message
    counts = first.problems.counts
    assert counts["dropped_children"] == 1 and counts["repaired"] >= 7
    phones = sorted(row[0] for row in db.execute("SELECT number FROM phones").fetchall())
    assert [p.replace(" ", "")[-6:] for p in phones] == ["960001", "960002", "960011"]
    for (service_id,) in db.execute("SELECT id FROM services").fetchall():
        assert schema_errors(assemble_service(db, service_id)) == [], service_id
    before = {table: db.execute(f"SELECT * FROM [{table}] ORDER BY id").fetchall() for table in messy.TABLES}
    again = sync_feed(empty_instance, "eastbrook")
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 2), again.message
    after = {table: db.execute(f"SELECT * FROM [{table}] ORDER BY id").fetchall() for table in messy.TABLES}
    assert after == before
    # A number corrected in place on an id-less row is an update of that phone, not a delete and an insert.
    files = messy_feed()
    files["phones.csv"] = files["phones.csv"].replace(b"01632 960011", b"01632 960022")
    messy.serve(server, "/messy", files)
    phone_ids = sorted(row[0] for row in db.execute("SELECT id FROM phones").fetchall())
    corrected = sync_feed(empty_instance, "eastbrook")
    assert (corrected.created, corrected.updated, corrected.deleted) == (0, 1, 0), corrected.message
    assert sorted(row[0] for row in db.execute("SELECT id FROM phones").fetchall()) == phone_ids
    assert db.execute("SELECT count(*) FROM phones WHERE number LIKE '%960022'").fetchone() == (1,)
    db.close()


def test_a_category_link_of_an_absent_service_is_reported_and_one_of_a_present_service_lands(server):
    files = messy.undeclared_tables()
    files["taxonomy.csv"] = b"id,name,vocabulary\nOE-1,Legal aid,Open Eligibility\n"
    files["services_taxonomy.csv"] = b"id,service_id,taxonomy_id\nst-1,svc-1,OE-1\nst-9,svc-9,OE-1\n"
    parsed = read_all(read, messy.serve(server, "/v11", files))
    clinic = by_id(records(parsed))["svc-1"]
    assert [a["id"] for a in clinic["attributes"]] == ["st-1"]
    [dropped] = [p for p in problems(parsed) if p.kind == "dropped_children"]
    assert (dropped.record, dropped.line, dropped.field) == ("st-9", 3, "attributes")
    assert dropped.file.endswith("/v11/services_taxonomy.csv") and "svc-9 is not in the package" in dropped.what


def test_a_child_row_with_neither_id_nor_parent_is_set_aside_with_its_line(server):
    files = messy.idless_children()
    files["phones.csv"] += b",01632 960077\n"
    parsed = read_all(read, messy.serve(server, "/pkg", files))
    [aside] = rejected(parsed)
    assert (aside.file, aside.line) == (f"{server.url}/pkg/phones.csv", 5)
    assert "no id, and no link to a record it belongs to" in aside.reasons[0]
    assert sum(len(s["phones"]) for s in records(parsed)) == 3


def test_a_folder_of_csv_files_without_a_datapackage_json_is_read_from_the_standard_names(tmp_path):
    for name, body in messy.clean().items():
        if name != "datapackage.json":
            (tmp_path / name).write_bytes(body)
    parsed = read_all(read, f"file://{tmp_path}/datapackage.json", fetch=file_fetch)
    services = by_id(records(parsed))
    assert sorted(services) == ["svc-1", "svc-2"] and services["svc-1"]["phones"]
    assert problems(parsed)[0].what.startswith("no datapackage.json here")
