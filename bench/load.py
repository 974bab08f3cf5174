"""Many hands at once: a 10,000-service sync while staff save through /api/ and 50 readers browse.

The demo city and a generated HSDS API on loopback (bench/feed_server.py). In the same run:
1. the baseline: `harbour sync` of the feed into one copy of the demo city, nothing else
   running; and each reader path and a staff save timed one at a time against an idle
   `harbour serve` of a second copy;
2. under load: the same sync into the second copy while that server answers four staff
   scripts (GET then PATCH with If-Match through /api/, each its own token and service)
   and 50 concurrent readers (HSDS search, the bundle manifest and file, /services,
   Datasette at /data/), httpx on asyncio, until the sync ends (or --max-seconds).
Reported: errors (goal 0: any 5xx, timeout or refused connection; a 503 counts too), staff
save p50/p95 (goal p95 ≤ 1 s), reader p50/p99 per path, each against its idle figure, and
the sync under load against alone (goal ≤ 1.5x). `--replicate URL` starts the server with
`harbour serve --replicate URL` and reports the replication lag (from `/healthz`) when `replication_lag`
can read it. Run: `make bench` or `.venv/bin/python -m bench.load [--services N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench.feed_server import feed_in_its_own_process  # noqa: E402
from bench.measure import free_port  # noqa: E402

READER_PATHS = [
    "/hsds/services?search=clinic",
    "/bundle/manifest.json",
    "BUNDLE",  # the English bundle file the manifest names at the time
    "/services",
    "/services?q=advice",
    "/data/directory/services.json?_size=20&_shape=array",
]
PATCH_TYPE = {"Content-Type": "application/merge-patch+json"}
FEED = "bench"


def harbour(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=check)  # fmt: skip


def timed_sync(data_dir: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    out = harbour(data_dir, "sync", FEED, "--json", check=False)
    seconds = time.perf_counter() - started
    report = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {"result": "no report"}
    if out.returncode != 0:
        report.setdefault("message", out.stderr.strip())
    return seconds, report


def staff_tokens(data_dir: Path, count: int) -> list[tuple[str, str]]:
    """(token, service id) for `count` staff scripts, each an admin with its own service."""
    from directory.instance import Instance
    from directory.staff.accounts.tokens import create_token
    from directory.staff.accounts.users import add_user

    instance = Instance(data_dir)
    with instance.databases() as (db, private):
        ids = [row[0] for row in db.execute("SELECT id FROM services ORDER BY id LIMIT ?", [count])]
        pairs = []
        for n, service_id in enumerate(ids):
            email = f"script{n}@load.bench"
            add_user(private, email, "admin", "load bench password, long enough", [])
            pairs.append((create_token(private, email), service_id))
    return pairs


@contextlib.contextmanager
def serving(data_dir: Path, replicate: str | None):
    port = free_port()
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 - closed below, after the server
    command = [sys.executable, "-m", "directory", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    if replicate:
        command += ["--replicate", replicate]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"harbour serve did not start: {(data_dir / 'serve.log').read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Tally:
    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()

    def ok(self, what: str, seconds: float) -> None:
        self.seconds[what].append(seconds)

    def error(self, what: str, why: str) -> None:
        self.errors[f"{what}: {why}"] += 1


async def read(client: httpx.AsyncClient, path: str, tally: Tally) -> None:
    what = path
    try:
        if path == "BUNDLE":
            manifest = (await client.get("/bundle/manifest.json")).json()
            path, what = manifest["languages"]["en"]["url"], "/bundle/{lang}.{hash}.json"
        started = time.perf_counter()
        answer = await client.get(path, headers={"Accept-Encoding": "br, gzip"})
        seconds = time.perf_counter() - started
    except httpx.HTTPError as error:
        tally.error(what, type(error).__name__)
        return
    if answer.status_code == 200:
        tally.ok(what, seconds)
    else:
        tally.error(what, str(answer.status_code))


async def save(client: httpx.AsyncClient, service_id: str, n: int, tally: Tally) -> None:
    try:
        got = await client.get(f"/api/services/{service_id}")
        if got.status_code != 200:
            tally.error("staff GET", str(got.status_code))
            return
        started = time.perf_counter()
        saved = await client.patch(f"/api/services/{service_id}", json={"description": f"Checked by script, edit {n}"},
                                   headers={**PATCH_TYPE, "If-Match": got.headers["etag"]})  # fmt: skip
        seconds = time.perf_counter() - started
    except httpx.HTTPError as error:
        tally.error("staff save", type(error).__name__)
        return
    if saved.status_code == 200:
        tally.ok("staff save", seconds)
    else:
        tally.error("staff save", str(saved.status_code))


async def idle_figures(url: str, staff: list[tuple[str, str]], rounds: int) -> Tally:
    """Each path and a staff save, one request at a time, nothing else running: the baseline."""
    tally = Tally()
    token, service_id = staff[0]
    async with httpx.AsyncClient(base_url=url, timeout=60) as readers, \
            httpx.AsyncClient(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as editor:
        for n in range(rounds):
            for path in READER_PATHS:
                await read(readers, path, tally)
            await save(editor, service_id, n, tally)
    return tally


async def under_load(url: str, staff: list[tuple[str, str]], readers: int, data_dir: Path, max_seconds: float,
                     sync: bool = True, lags: list[float] | None = None):
    """The load, and the sync under it; with `lags`, the replica's lag sampled once a second."""
    tally = Tally()
    stop = asyncio.Event()

    async def lag_sampler() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            while not stop.is_set():
                behind = replication_lag((await client.get("/healthz")).json())
                if behind is not None:
                    lags.append(behind)
                await asyncio.sleep(1)

    async def reader(n: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for path in itertools.islice(itertools.cycle(READER_PATHS), n, None):
                if stop.is_set():
                    return
                await read(client, path, tally)

    async def editor(token: str, service_id: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as client:
            for n in itertools.count():
                if stop.is_set():
                    return
                await save(client, service_id, n, tally)
                await asyncio.sleep(0.2)  # a script pausing between records

    workers = [asyncio.create_task(reader(n)) for n in range(readers)]
    workers += [asyncio.create_task(editor(token, service_id)) for token, service_id in staff]
    if lags is not None:
        workers.append(asyncio.create_task(lag_sampler()))
    await asyncio.sleep(2)  # the load settles before the sync starts
    if not sync:  # the readers' and editors' load alone, to tell it from the sync's
        await asyncio.sleep(max_seconds)
        stop.set()
        await asyncio.gather(*workers)
        return tally, float("nan"), {"result": "not run"}, True
    running = asyncio.create_task(asyncio.to_thread(timed_sync, data_dir))
    done, _ = await asyncio.wait({running}, timeout=max_seconds)
    stop.set()
    await asyncio.gather(*workers)
    seconds, report = await running
    return tally, seconds, report, bool(done)


def replication_lag(health: dict) -> float | None:
    """Seconds the replica is behind, as /healthz reports it (None without --replicate)."""
    replication = health.get("replication") or {}
    return replication.get("behind_seconds")


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=300, help="stop the load after this long")
    parser.add_argument("--replicate", metavar="URL", help="serve with `harbour serve --replicate URL`")
    parser.add_argument("--without-sync", action="store_true",
                        help="no sync under load: the load alone for --max-seconds (tells its cost from the sync's)")
    args = parser.parse_args()

    with feed_in_its_own_process(args.services) as feed_url, tempfile.TemporaryDirectory() as tmp:
        from directory.instance import init_instance

        alone, loaded = Path(tmp) / "alone", Path(tmp) / "loaded"
        init_instance(alone, demo=True)
        harbour(alone, "feeds", "add", FEED, feed_url, "--format", "hsds-json",
                "--allow-private")  # fmt: skip
        shutil.copytree(alone, loaded)
        staff = staff_tokens(loaded, args.editors)
        alone_seconds, alone_report = timed_sync(alone)
        with serving(loaded, args.replicate) as url:
            idle = asyncio.run(idle_figures(url, staff, rounds=5))
            lags: list[float] | None = [] if args.replicate else None
            tally, loaded_seconds, loaded_report, finished = asyncio.run(
                under_load(url, staff, args.readers, loaded, args.max_seconds, sync=not args.without_sync,
                           lags=lags)
            )
            settled = replication_lag(httpx.get(url + "/healthz", timeout=30).json()) if args.replicate else None
        server_log = (loaded / "serve.log").read_text()
        locked = server_log.count("database is locked")
        tracebacks = [part.split("\n\n")[0] for part in server_log.split("Traceback (most recent call last):")[1:]]

    print(f"load: demo city + a {args.services}-service feed, {args.editors} staff scripts, {args.readers} readers,"
          f" loopback ({time.strftime('%Y-%m-%d')})")  # fmt: skip
    print(f"  sync alone:      {alone_seconds:8.2f} s  {alone_report.get('result')}")
    print(f"  sync under load: {loaded_seconds:8.2f} s  {loaded_report.get('result')}"
          f"{'' if finished else '  (the load stopped at --max-seconds first)'}")  # fmt: skip
    print(f"  sync under load / alone: {loaded_seconds / alone_seconds:.2f}x (goal ≤ 1.5x)")
    errors = sum(tally.errors.values())
    print(f"  errors: {errors} (goal 0); 'database is locked' in the server log: {locked}")
    for what, count in tally.errors.most_common(10):
        print(f"    {count:6d}  {what}")
    for traceback in tracebacks[:3]:  # what the server said about its errors, the last lines of each
        print("    server: " + "\n            ".join(traceback.strip().splitlines()[-6:]))
    print("  latency under load (p50, p95 or p99) and against the same request on the idle server (its p50):")
    for what in ["staff save", *sorted(k for k in tally.seconds if k != "staff save")]:
        values, base = tally.seconds.get(what, []), idle.seconds.get(what, [])
        if not values:
            print(f"    {what:<52} no answers")
            continue
        q = 0.95 if what == "staff save" else 0.99
        p50, tail = statistics.median(values), quantile(values, q)
        ratio = f"{p50 / statistics.median(base):6.1f}x idle" if base else ""
        goal = "  (goal p95 ≤ 1000 ms)" if what == "staff save" else ""
        print(f"    {what:<52} n={len(values):6d}  p50 {p50 * 1000:7.0f} ms  p{round(q * 100)} {tail * 1000:7.0f} ms"
              f"  {ratio}{goal}")  # fmt: skip
    if args.replicate:
        if lags:
            print(f"  replication lag under load: p50 {statistics.median(lags):.1f} s, max {max(lags):.1f} s"
                  f" ({len(lags)} samples of /healthz); after the load: {settled} s")
        else:
            print("  replication lag: not reported by the server")


if __name__ == "__main__":
    main()
