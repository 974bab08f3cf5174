"""`harbour import` as a one-off sync: folders, zips, descriptors, JSON and URLs through the sync's readers."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from directory.hsds.assemble import assemble_service
from directory.imports import ImportFailed, import_source
from directory.sync.detect import TABULAR_JSON, TRANSLATIONS, DetectError, detect_format
from directory.sync.errors import FetchError
from directory.sync.local import file_url, local_fetcher
from tests.conftest import HSDS_DIR
from tests.sync.feed_server import FeedServer, raw
from tests.sync.fixtures.formats import schema_errors
from tests.sync.helpers import page, serve_services, service
from tests.test_import_export import harbour

SAMPLE_11 = HSDS_DIR.parent / "hsds-1.1-sample"
EXAMPLES = HSDS_DIR / "examples"


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


PACKAGE = {
    "organizations.csv": [
        {"id": "org-1", "name": "Riverside Advice Network", "description": "Volunteer advisers."},
    ],
    "services.csv": [
        {"id": f"svc-{n}", "organization_id": "org-1", "name": f"Advice drop-in {n}", "status": "active",
         "description": "Free advice on housing and immigration questions.", "email": f"drop{n}@riverside.example"}
        for n in range(1, 4)
    ],  # fmt: skip
    "phones.csv": [
        {"id": f"ph-{n}", "service_id": f"svc-{n}", "number": f"01632 96{n:04d}"} for n in range(1, 4)
    ],
}


def write_package(folder: Path, descriptor: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in PACKAGE.items():
        (folder / name).write_text(csv_text(rows), encoding="utf-8")
    if descriptor:
        resources = [{"name": name.removesuffix(".csv"), "path": name} for name in PACKAGE]
        (folder / "datapackage.json").write_text(json.dumps({"name": "riverside", "resources": resources}))
    return folder


def zipped(folder: Path, out: Path, under: str = "") -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, under + path.name)
    return out


def landed(instance, source: str) -> list[str]:
    with closing(instance.directory()) as db:
        return [row[0] for row in db.execute(
            "SELECT s.name FROM services s JOIN provenance p ON p.record_id = s.id AND p.table_name = 'services'"
            " WHERE p.source = ? AND p.deleted_at IS NULL ORDER BY s.name", [source])]  # fmt: skip


def assert_valid_hsds(instance, source: str) -> None:
    """What the HSDS API serves for each landed service validates against the unmodified 3.0 schema."""
    with closing(instance.directory()) as db:
        ids = [row[0] for row in db.execute(
            "SELECT record_id FROM provenance WHERE source = ? AND table_name = 'services'", [source])]  # fmt: skip
        assert ids
        for service_id in ids:
            assert schema_errors(assemble_service(db, service_id)) == [], service_id


@pytest.mark.parametrize("how", ["folder", "descriptor", "zip", "zip-under-a-folder", "folder-without-descriptor"])
def test_a_package_imports_from_a_folder_its_descriptor_or_a_zip(empty_instance, tmp_path, how):
    folder = write_package(tmp_path / "riverside", descriptor=how != "folder-without-descriptor")
    location = {
        "folder": folder, "folder-without-descriptor": folder, "descriptor": folder / "datapackage.json",
        "zip": zipped(folder, tmp_path / "riverside.zip"),
        "zip-under-a-folder": zipped(folder, tmp_path / "riverside.zip", under="riverside/"),
    }[how]  # fmt: skip
    report = import_source(empty_instance, str(location))
    source = f"import:{Path(location).name}"
    assert (report.result, report.created, report.quarantined) == ("ok", 3, 0), report.message
    assert landed(empty_instance, source) == ["Advice drop-in 1", "Advice drop-in 2", "Advice drop-in 3"]
    with closing(empty_instance.directory()) as db:
        assert db.execute("SELECT count(*) FROM phones").fetchone()[0] == 3
        # The run is kept like a sync's, under the import's source name.
        assert db.execute("SELECT feed, result, created FROM sync_runs").fetchall() == [(source, "ok", 3)]
    assert_valid_hsds(empty_instance, source)


def test_importing_the_same_package_again_changes_nothing(empty_instance, tmp_path):
    folder = write_package(tmp_path / "riverside")
    import_source(empty_instance, str(folder))
    again = import_source(empty_instance, str(folder))
    assert (again.result, again.created, again.updated, again.unchanged) == ("ok", 0, 0, 3)


def test_a_json_file_of_services_lands_good_records_and_sets_a_bad_one_aside(empty_instance, tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service(1), service(2), service(3, name="")]))
    report = import_source(empty_instance, str(path))
    assert (report.result, report.created, report.quarantined) == ("ok_with_problems", 2, 1)
    (aside,) = report.problems.examples("set_aside")
    assert aside.record == "svc-3" and "name" in aside.what
    assert_valid_hsds(empty_instance, "import:services.json")


def test_tabular_json_sets_a_bad_row_aside_and_lands_the_rest_of_its_table(empty_instance, tmp_path):
    document = {name: rows for name, rows in PACKAGE.items()}
    document["phones.csv"] = [*document["phones.csv"], {"service_id": "svc-1", "number": "01632 960999", "id": {}}]
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps(document))
    report = import_source(empty_instance, str(path))
    assert report.created == 3 and report.quarantined == 1 and report.result == "ok_with_problems"
    (aside,) = report.problems.examples("set_aside")
    assert "phones.csv[3]" in aside.what


def test_an_import_says_which_terms_map_to_no_harbour_term(empty_instance, tmp_path):
    tagged = service(1, attributes=[{"id": "a-1", "taxonomy_term": {
        "id": "t-1", "code": "zz-widgets", "name": "Widget repair", "taxonomy": "riverside-codes"}}])  # fmt: skip
    path = tmp_path / "tagged.json"
    path.write_text(json.dumps([tagged]))
    report = import_source(empty_instance, str(path))
    (term,) = report.problems.examples("unmapped_terms")
    assert "zz-widgets" in term.what and report.created == 1


def test_tabular_json_says_which_organizations_no_service_brings(empty_instance, tmp_path):
    document = {**PACKAGE, "organizations.csv": [*PACKAGE["organizations.csv"], {"id": "org-9", "name": "Lone Org"}]}
    path = tmp_path / "tabular.json"
    path.write_text(json.dumps(document))
    report = import_source(empty_instance, str(path))
    assert report.created == 3 and report.result == "ok_with_problems"  # never a silent "ok"
    (left,) = report.problems.examples("set_aside")
    assert (left.record, left.field) == ("org-9", "organizations") and "Lone Org" in left.what


def test_a_translation_list_is_stored_and_a_bad_item_reported(demo_instance, tmp_path):
    with closing(demo_instance.directory()) as db:
        service_id = db.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
    items = [
        {"table": "services", "id": service_id, "field": "name", "language": "uk", "text": "Консультації"},
        {"table": "services", "id": service_id, "field": "name", "language": "uk", "text": "x", "status": "wild"},
    ]
    path = tmp_path / "translations.json"
    path.write_text(json.dumps(items, ensure_ascii=False))
    report = import_source(demo_instance, str(path))
    assert (report.result, report.updated, report.quarantined) == ("ok_with_problems", 1, 1)
    assert "wild" in report.problems.examples("set_aside")[0].what
    with closing(demo_instance.directory()) as db:
        assert db.execute(
            "SELECT text FROM translations WHERE record_id = ? AND language = 'uk' AND field = 'name'", [service_id]
        ).fetchone()[0] == "Консультації"


def test_a_url_on_a_loopback_address_is_refused_naming_allow_private_then_imported_with_it(empty_instance):
    with FeedServer() as server:
        url = serve_services(server, [service(1), service(2)])
        with pytest.raises(ImportFailed, match="--allow-private"):
            import_source(empty_instance, url)
        assert server.requests == []  # refused before any connection
        report = import_source(empty_instance, url, allow_private=True)
        assert (report.result, report.created) == ("ok", 2)
    assert landed(empty_instance, "import:services") == [service(1)["name"], service(2)["name"]]


def test_a_zipped_package_by_url_imports(empty_instance, tmp_path):
    archive = zipped(write_package(tmp_path / "riverside"), tmp_path / "riverside.zip").read_bytes()
    with FeedServer() as server:
        server.route("/riverside.zip", raw(archive, content_type="application/zip"))
        report = import_source(empty_instance, server.url + "/riverside.zip", allow_private=True)
        assert len(server.requests) == 1  # telling the format cost no second download
    assert (report.result, report.created) == ("ok", 3)


def test_a_descriptor_naming_a_file_outside_its_folder_is_refused(empty_instance, tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "services.csv").write_text(csv_text([{"id": "s-1", "name": "Secret service", "status": "active"}]))
    folder = write_package(tmp_path / "pkg" / "inner")
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{"path": "../../secret/services.csv"}]}))
    report = import_source(empty_instance, str(folder))
    said = [report.message or ""] + [p.what for p in report.problems.all]
    assert any("outside the folder" in text for text in said), said
    assert "Secret service" not in landed(empty_instance, "import:inner")


def test_the_local_fetcher_reads_only_files_inside_its_folder(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\n")
    (tmp_path / "outside.csv").write_text("id,name\n")
    os.symlink(tmp_path / "outside.csv", folder / "link.csv")
    fetch = local_fetcher(folder)
    assert fetch(file_url(folder / "services.csv")).body == b"id,name\n"
    for url in (file_url(folder) + "/../outside.csv", file_url(folder / "link.csv"), "http://127.0.0.1/x.csv"):
        with pytest.raises(FetchError) as refused:
            fetch(url)
        assert refused.value.status is None, url
    with pytest.raises(FetchError) as absent:
        fetch(file_url(folder / "phones.csv"))
    assert absent.value.status == 404  # as an HTTP server would answer, so readers fall back alike


def test_the_format_is_told_from_the_content_when_it_is_unambiguous(tmp_path):
    package = zipped(write_package(tmp_path / "p"), tmp_path / "p.zip").read_bytes()
    oruk = {"totalElements": 1, "totalPages": 1, "number": 1, "size": 1, "first": True, "last": True,
            "content": [{"id": "s-1", "name": "Drop-in"}]}  # fmt: skip
    cases = {
        "hsds-csv": [package, json.dumps({"resources": [{"path": "services.csv"}]}).encode()],
        "hsds-json": [json.dumps(page([service(1)])).encode(), json.dumps([service(1)]).encode(),
                      json.dumps(service(1)).encode(), json.dumps({"version": "3.0", "profile": "x"}).encode()],
        "oruk": [json.dumps(oruk).encode()],
        "hxl": [b"Organisation,Service\n#org+name,#service+name\nRiverside,Drop-in\n"],
        TRANSLATIONS: [json.dumps([{"table": "services", "id": "x", "field": "name", "language": "ar",
                                    "text": "نص"}]).encode()],  # fmt: skip
        TABULAR_JSON: [json.dumps({"services.csv": [{"id": "s-1"}]}).encode()],
    }
    for expected, bodies in cases.items():
        for body in bodies:
            assert detect_format(body, "input") == expected, body[:80]
    assert detect_format(b"Organisation,Service\nRiverside,Drop-in\n", "sheet.csv", has_mapping=True) == "csv"


@pytest.mark.parametrize("body, says", [
    (b"Organisation,Service\nRiverside,Drop-in\n", "--mapping"),
    (b'{"hello": "world"}', "--format"),
    (b"<!doctype html><p>Sign in</p>", "HTML"),
])  # fmt: skip
def test_an_ambiguous_input_is_refused_saying_what_to_give(body, says):
    with pytest.raises(DetectError, match=says):
        detect_format(body, "input")


def test_cli_import_of_an_ambiguous_file_says_so_in_one_line_and_imports_with_format(empty_instance, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Organisation,Service\nRiverside,Drop-in\n")
    refused = harbour("import", str(sheet), data_dir=empty_instance.data_dir)
    assert refused.returncode == 1
    (line,) = refused.stderr.strip().splitlines()
    assert "sheet.csv" in line and "--mapping" in line
    folder = write_package(tmp_path / "riverside")
    forced = harbour("import", str(folder / "services.csv"), "--format", "hsds-json", data_dir=empty_instance.data_dir)
    assert forced.returncode == 1 and "not valid JSON" in forced.stderr  # --format is obeyed, not second-guessed


def test_cli_imports_a_spreadsheet_with_its_mapping_and_refuses_an_absent_path(empty_instance, tmp_path):
    repo = Path(__file__).resolve().parents[2]
    sheet = repo / "tests" / "sync" / "fixtures" / "example-association.csv"
    mapping = repo / "data" / "mappings" / "example-association.yaml"
    result = harbour("import", str(sheet), "--mapping", str(mapping), "--json", data_dir=empty_instance.data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["created"] >= 1 and summary["feed"] == "import:example-association.csv"
    absent = harbour("import", str(tmp_path / "nowhere.json"), data_dir=empty_instance.data_dir)
    assert absent.returncode == 1 and absent.stderr.strip() == (
        f"harbour import: {tmp_path / 'nowhere.json'}: no such file or folder"
    )


@pytest.mark.parametrize("location, services", [
    (SAMPLE_11, 13),
    (EXAMPLES / "csv", 1),
    (EXAMPLES / "service_full.json", 1),
    (EXAMPLES / "tabular.json", 1),
])  # fmt: skip
def test_the_official_hsds_samples_import_with_the_cli(empty_instance, location, services):
    result = harbour("import", str(location), "--json", data_dir=empty_instance.data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["result"] in ("ok", "ok_with_problems")
    assert summary["created"] == services and summary["quarantined"] == 0
    assert_valid_hsds(empty_instance, f"import:{location.name}")
