"""`harbour import` of a generated 20,000-service HSDS file, against a bare sqlite-utils insert.

Both run in fresh processes on the same machine in the same run; the ratio is what
to watch. Run: `make bench` or `.venv/bin/python -m bench.import [--services N]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench.generate import generate_services  # noqa: E402
from bench.measure import measure_in_child, timed  # noqa: E402


def write_feed(path: Path, count: int) -> None:
    path.write_text(json.dumps(list(generate_services(count))), encoding="utf-8")


def run_harbour(feed: Path, db_path: Path) -> dict:
    from directory.db import open_directory
    from directory.imports import import_path

    db = open_directory(db_path)
    return timed(lambda: dict(import_path(db, feed).counts))


def run_baseline(feed: Path, db_path: Path) -> dict:
    """The floor: the same flattened rows, bulk-inserted in one transaction, batches of 1000."""
    from directory.db import open_directory
    from directory.hsds.nested import flatten

    db = open_directory(db_path)

    def work():
        records = json.loads(feed.read_text(encoding="utf-8"))
        by_table: dict[str, dict[str, dict]] = defaultdict(dict)
        for record in records:
            for item in flatten("services", record).rows:
                by_table[item.table][item.row["id"]] = item.row
        with db.atomic():
            for table, rows in by_table.items():  # flatten's table order keeps foreign keys valid
                db[table].insert_all(rows.values(), batch_size=1000, replace=True)
        return {table: len(rows) for table, rows in by_table.items()}

    return timed(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        feed, db_path = map(Path, args.paths)
        runner = run_harbour if args.child == "harbour" else run_baseline
        print(json.dumps(runner(feed, db_path)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.json"
        write_feed(feed, args.services)
        size_mb = feed.stat().st_size / 1e6
        baseline = measure_in_child("bench.import", "baseline", str(feed), str(Path(tmp) / "baseline.db"))
        harbour = measure_in_child("bench.import", "harbour", str(feed), str(Path(tmp) / "harbour.db"))
    print(f"import of {args.services} generated services ({size_mb:.1f} MB of HSDS JSON)")
    print(f"  baseline sqlite-utils insert_all: {baseline['seconds']:8.2f} s  peak {baseline['peak_mb']:7.1f} MB")
    print(f"  harbour import:                   {harbour['seconds']:8.2f} s  peak {harbour['peak_mb']:7.1f} MB")
    print(f"  ratio harbour/baseline: time {harbour['seconds'] / baseline['seconds']:.2f}x,"
          f" memory {harbour['peak_mb'] / baseline['peak_mb']:.2f}x")


if __name__ == "__main__":
    main()
