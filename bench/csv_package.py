"""The generated services as an HSDS 3.0 CSV datapackage: one CSV per table and a datapackage.json.

The same services as the generated API (bench/generate.py), flattened to the 3.0 tables
(services, organizations, locations, service_at_location, addresses, phones, schedules,
languages, cost_options, attributes, taxonomy_terms…), each row once.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

from bench.generate import generate_services
from directory.hsds.nested import flatten
from directory.hsds.tables import DATAPACKAGE, hsds_tables


def package_files(count: int) -> dict[str, bytes]:
    """{file name: content} of the package: `datapackage.json` and a CSV per table with rows."""
    by_table: dict[str, dict[str, dict]] = defaultdict(dict)
    for record in generate_services(count):
        for item in flatten("services", record).rows:
            by_table[item.table].setdefault(item.row["id"], item.row)
    files = {}
    tables = hsds_tables()
    for name, rows in by_table.items():
        columns = tables[name].columns
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(["" if row.get(c) is None else row[c] for c in columns] for row in rows.values())
        files[f"{name}.csv"] = out.getvalue().encode("utf-8")
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    descriptor["name"] = "bench"
    descriptor["resources"] = [r for r in descriptor["resources"] if r["path"] in files]
    files["datapackage.json"] = json.dumps(descriptor).encode("utf-8")
    return files
