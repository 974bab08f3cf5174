"""`harbour export hsds OUT`: the directory as an HSDS 3.0 tabular datapackage.

Its cells are written as they are, formula-like ones included (a phone "+44…", a
description "- free"): this package is for HSDS tools and `harbour import`, which read
CSV as data, and prefixing an apostrophe would change every such value for all of them
(the HSDS spec has no such convention to take it off). The export meant for
spreadsheet programs, where a leading = or + runs, is the staff bulk export, and that
one is guarded (directory/staff/bulk/formulas.py).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlite_utils

from directory.hsds.tables import DATAPACKAGE, hsds_tables


def export_datapackage(db: sqlite_utils.Database, out: Path) -> dict[str, int]:
    """Write one CSV per HSDS table plus datapackage.json; returns rows written per table."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in hsds_tables().values():
        columns = table.columns
        with open(out / f"{table.name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            cursor = db.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table.name}] ORDER BY rowid")
            n = 0
            for row in cursor:
                writer.writerow(["" if v is None else _text(v) for v in row])
                n += 1
        counts[table.name] = n
    (out / "datapackage.json").write_text(DATAPACKAGE.read_text(encoding="utf-8"), encoding="utf-8")
    return counts


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export_json(db: sqlite_utils.Database) -> str:
    from directory.hsds.assemble import assemble_service

    ids = [r[0] for r in db.execute("SELECT id FROM services ORDER BY rowid")]
    return json.dumps([assemble_service(db, i) for i in ids], ensure_ascii=False)
