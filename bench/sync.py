"""Sync of a generated 50,000-service HSDS API on loopback: first sync and an unchanged re-sync.

Beside them, in the same run, the floor: a bare sqlite-utils insert of the same
flattened rows. The feed server encodes every service before it reports ready
(bench/feed_server.py), so the syncs are timed against an API that answers from
stored records, as a real one does, rather than against the generator. Targets: first sync within 3x of the floor, unchanged re-sync
under 5% of the first sync, peak memory under 300 MB (the feed is streamed page
by page, never held whole).

Second source: a generated feed of 10,000 services that overlap the demo city's
(re-listings, shared buildings and phones: bench/generate.py), synced into an empty
directory and into the demo city, where every record is checked for duplicates.
Target: into the demo city within 2x of into an empty directory.

CSV: the same services as the first case, as an HSDS 3.0 CSV datapackage (a CSV per
table, bench/csv_package.py) served by the feed server in its own process. Targets:
peak memory under 300 MB, records per second within 1.5x of the JSON first sync.

Run: `make bench` or `python -m bench.sync [--services N] [--second-source N] [--no-csv]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench.feed_server import feed_in_its_own_process  # noqa: E402
from bench.generate import generate_services  # noqa: E402
from bench.measure import measure_in_child, timed  # noqa: E402


def run_baseline(count: str, db_path: str) -> dict:
    from directory.db import open_directory
    from directory.hsds.nested import flatten

    db = open_directory(Path(db_path))
    records = list(generate_services(int(count)))  # generated before the clock starts

    def work():
        by_table: dict[str, dict[str, dict]] = defaultdict(dict)
        for record in records:
            for item in flatten("services", record).rows:
                by_table[item.table][item.row["id"]] = item.row
        with db.atomic():
            for table, rows in by_table.items():
                db[table].insert_all(rows.values(), batch_size=1000, replace=True)
        return sum(len(rows) for rows in by_table.values())

    return timed(work)


def run_sync(data_dir: str) -> dict:
    from directory.instance import Instance
    from directory.sync.run import sync_feed

    report = None

    def work():
        nonlocal report
        report = sync_feed(Instance(Path(data_dir)), "bench")
        keep = ("result", "fetched", "created", "unchanged", "duplicates", "quarantined", "message")
        return {k: getattr(report, k) for k in keep}

    return timed(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--second-source", type=int, default=10_000, metavar="N",
                        help="services of the feed synced into an empty directory and into the demo city")
    parser.add_argument("--no-csv", action="store_true", help="leave out the CSV datapackage case")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        print(json.dumps(run_baseline(*args.paths)))
        return
    if args.child == "sync":
        print(json.dumps(run_sync(*args.paths)))
        return

    if args.services:  # 0 skips a case
        first = first_source(args.services)
        if not args.no_csv:
            csv_package(args.services, first)
    if args.second_source:
        second_source(args.second_source)


def _new_instance(path: Path, feed_url: str, *, demo: bool = False, format: str = "hsds-json") -> Path:
    """A data directory (the demo city in it if asked) with the feed `bench` added."""
    from directory.instance import init_instance

    init_instance(path, demo=demo)
    subprocess.run(
        [sys.executable, "-m", "directory", "feeds", "add", "bench", feed_url,
         "--format", format, "--allow-private", "--data-dir", str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


def first_source(n: int) -> dict:
    with feed_in_its_own_process(n) as feed_url, tempfile.TemporaryDirectory() as tmp:
        data_dir = _new_instance(Path(tmp) / "var", feed_url)
        baseline = measure_in_child("bench.sync", "baseline", str(n), str(Path(tmp) / "floor.db"))
        first = measure_in_child("bench.sync", "sync", str(data_dir))
        again = measure_in_child("bench.sync", "sync", str(data_dir))
    print(f"sync of a generated HSDS API with {n} services on loopback ({time.strftime('%Y-%m-%d')})")
    print(f"  floor, bare sqlite-utils insert_all of the flattened rows: {baseline['seconds']:8.2f} s"
          f"  peak {baseline['peak_mb']:6.1f} MB")
    print(f"  first sync:     {first['seconds']:8.2f} s  {n / first['seconds']:8.0f} records/s"
          f"  peak {first['peak_mb']:6.1f} MB  {first['result']['result']}, {first['result']['created']} created")
    print(f"  unchanged sync: {again['seconds']:8.2f} s  {n / again['seconds']:8.0f} records/s"
          f"  peak {again['peak_mb']:6.1f} MB  {again['result']['result']}, {again['result']['unchanged']} unchanged")
    print(f"  first sync / floor: {first['seconds'] / baseline['seconds']:.2f}x (target ≤ 3x)")
    print(f"  unchanged / first:  {100 * again['seconds'] / first['seconds']:.1f}% (target < 5%)")
    print(f"  peak memory:        {max(first['peak_mb'], again['peak_mb']):.0f} MB (target < 300 MB)")
    return first


def csv_package(n: int, json_first: dict) -> None:
    with feed_in_its_own_process(n, package=True) as feed_url, tempfile.TemporaryDirectory() as tmp:
        data_dir = _new_instance(Path(tmp) / "var", feed_url, format="hsds-csv")
        first = measure_in_child("bench.sync", "sync", str(data_dir))
    print(f"sync of the same {n} services as a CSV datapackage (a CSV per HSDS 3.0 table) on loopback")
    print(f"  first sync:     {first['seconds']:8.2f} s  {n / first['seconds']:8.0f} records/s"
          f"  peak {first['peak_mb']:6.1f} MB  {first['result']['result']}, {first['result']['created']} created")
    print(f"  CSV / JSON time:    {first['seconds'] / json_first['seconds']:.2f}x (target ≤ 1.5x)")
    print(f"  peak memory:        {first['peak_mb']:.0f} MB (target < 300 MB)")


def second_source(n: int) -> None:
    with feed_in_its_own_process(n, neighbours=True) as feed_url, tempfile.TemporaryDirectory() as tmp:
        empty = measure_in_child("bench.sync", "sync", str(_new_instance(Path(tmp) / "empty", feed_url)))
        demo = measure_in_child("bench.sync", "sync", str(_new_instance(Path(tmp) / "demo", feed_url, demo=True)))
    print(f"sync of a generated HSDS API with {n} services overlapping the demo city's, as a second source")
    for title, run in (("into an empty directory:", empty), ("into the demo city:     ", demo)):
        result = run["result"]
        print(f"  {title} {run['seconds']:8.2f} s  {n / run['seconds']:8.0f} records/s  peak {run['peak_mb']:6.1f} MB"
              f"  {result['result']}, {result['created']} created, {result['duplicates']} duplicates")
    print(f"  demo city / empty: {demo['seconds'] / empty['seconds']:.2f}x (target ≤ 2x)")

if __name__ == "__main__":
    main()
