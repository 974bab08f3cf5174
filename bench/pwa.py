"""The offline PWA at 2,000 and 10,000 generated services: bytes on the wire and speed on a slow phone.

For each size: a fresh instance (generated services saved through the store), served by
`harbour serve`; then
- per language, the bundle as served (brotli), bytes per service, and the ratio to
  `gzip -9` of the same minified JSON (what the compression choice buys);
- the delta for one changed service, as served;
- in headless Chromium with the CPU slowed 4x (DevTools), the time from opening the app
  offline (a fresh tab, and a reload of an open one) to the first results, with when the
  page asked for its data, had the bundle and the search index (performance marks of
  data.js and search.js: the page may show its first results before either, from the
  first page kept from the last visit); and, once the search index is ready, from each
  keystroke to the results list updating (the whole page) and to the search worker
  answering (search alone).
The shell is measured once. Targets at 10,000 services are printed beside the figures.
Run: `make bench` or `.venv/bin/python -m bench.pwa [--sizes 2000 10000]`.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench.generate import generate_one, generate_services, taxonomy_terms  # noqa: E402
from bench.measure import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ACCEPT = {"Accept-Encoding": "gzip, deflate, br"}
CPU_SLOWDOWN = 4
QUERIES = ["counselling mill", "night shelter station", "english class"]
TARGET_P95_MS, TARGET_RELOAD_MS, TARGET_SHELL_BYTES = 50, 1500, 100_000
# Written before any page script runs: when the results list first shows an item.
FIRST_RESULTS = """(() => {
  const seen = () => {
    if (!window.__firstResults && document.querySelector("#results li")) window.__firstResults = performance.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();"""
# Per keystroke: from the input event to the list saying it answers that text.
TYPE_AND_TIME = """async (text) => {
  const input = document.getElementById("q"), list = document.getElementById("results");
  const times = [];
  for (let i = 1; i <= text.length; i++) {
    const value = text.slice(0, i);
    const answered = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (list.dataset.query === value) { observer.disconnect(); resolve(performance.now()); }
      });
      observer.observe(list, { attributes: true, attributeFilter: ["data-query"] });
    });
    const started = performance.now();
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    times.push((await answered) - started);
  }
  input.value = "";
  input.dispatchEvent(new Event("input", { bubbles: true }));
  return times;
}"""
# When data.js had the bundle and search.js the index, after navigation start.
INDEX_READY = "() => performance.getEntriesByName('harbour:index-ready').length > 0"
MARKS = """() => Object.fromEntries(["harbour:data-asked", "harbour:data-loaded", "harbour:index-ready"].map(
  (name) => [name, performance.getEntriesByName(name)[0]?.startTime ?? NaN]))"""
# The search worker alone, on the same bundle: what typing costs before any rendering.
SEARCH_ONLY = """async (queries) => {
  const data = await import("/data.js"), search = await import("/search.js");
  const bundle = await data.loadData("en");
  const engine = search.createSearch();
  await engine.index(bundle.services);
  const times = [];
  for (const text of queries) for (let i = 1; i <= text.length; i++) {
    const started = performance.now();
    await engine.query(text.slice(0, i));
    times.push(performance.now() - started);
  }
  return times;
}"""


def make_instance(root: Path, count: int):
    from directory.instance import init_instance
    from directory.store import Source, save_record

    instance = init_instance(root / f"bench-{count}")
    db = instance.directory()
    try:
        with db.atomic():
            for service in generate_services(count):
                save_record(db, "services", service, Source("feed:bench"))
            # The generated terms become Harbour categories, so services carry categories.
            for order, term in enumerate(taxonomy_terms()):
                db.execute("INSERT OR IGNORE INTO term_details (term_id, kind, sort_order) VALUES (?, 'category', ?)",
                           [term["id"], 100 + order])
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return instance


@contextlib.contextmanager
def serving(data_dir: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "directory", "serve", "--data-dir", str(data_dir), "--port", str(port), "--no-store"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("harbour serve did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wire_sizes(url: str, count: int) -> list[dict]:
    manifest = httpx.get(url + "/bundle/manifest.json", timeout=300).json()
    rows = []
    for language, entry in manifest["languages"].items():
        response = httpx.get(url + entry["url"], headers=ACCEPT, timeout=300)
        gzip9 = len(gzip.compress(response.content, compresslevel=9))
        rows.append({"language": language, "raw": len(response.content), "wire": response.num_bytes_downloaded,
                     "coding": response.headers.get("content-encoding"), "gzip9": gzip9})
    return rows


def one_change_delta(url: str, instance) -> dict:
    from directory.store import Source, save_record

    since = httpx.get(url + "/bundle/manifest.json").json()["version"]
    # Number 1, not 0: services share a location in pairs, and the pair's second one wrote
    # it last, so saving it again changes this service alone.
    service = generate_one(1)
    service["name"] += " (moved)"
    db = instance.directory()
    try:
        save_record(db, "services", service, Source("feed:bench"))
    finally:
        db.close()
    httpx.get(url + "/bundle/manifest.json", timeout=300)  # builds the new version
    response = httpx.get(f"{url}/bundle/en/delta?since={since}", headers=ACCEPT, timeout=300)
    assert [s["id"] for s in response.json()["upserts"]] == [service["id"]], "the delta should hold one service"
    return {"wire": response.num_bytes_downloaded, "raw": len(response.content)}


def shell_bytes(url: str) -> int:
    from directory.bundle.shell import shell_manifest

    return sum(
        httpx.get(url + path, headers=ACCEPT).num_bytes_downloaded for path in [*shell_manifest(), "/sw.js"]
    )


def wait_for(page, script: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {script}")
        page.wait_for_timeout(100)


def browser_timings(url: str, reloads: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
        context.add_init_script(FIRST_RESULTS)
        page = context.new_page()
        page.goto(url + "/")
        wait_for(page, "() => navigator.serviceWorker.controller !== null")
        wait_for(page, "() => document.documentElement.dataset.offlineReady === 'true'")
        wait_for(page, "async () => (await (await caches.open('harbour-search-index-v2')).keys()).length > 0")
        built = page.evaluate("async () => (await import('/search.js')).indexStats")
        context.set_offline(True)
        reload_ms, asked_ms, data_ms, index_ms, loaded = [], [], [], [], {}
        for _ in range(reloads):
            # A fresh tab each time: opening the app, not unloading a page of 10,000 results first.
            page.close()
            page = context.new_page()
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            page.goto(url + "/")
            wait_for(page, "() => window.__firstResults !== undefined")
            reload_ms.append(page.evaluate("() => window.__firstResults"))
            wait_for(page, INDEX_READY)  # the list may come first: the marks come later
            marks = page.evaluate(MARKS)
            asked_ms.append(marks["harbour:data-asked"])
            data_ms.append(marks["harbour:data-loaded"])
            index_ms.append(marks["harbour:index-ready"])
            loaded = page.evaluate("async () => (await import('/search.js')).indexStats")
        reload_in_place = []
        for _ in range(2):  # the same, reloading a tab that shows the whole list
            page.reload()
            wait_for(page, "() => window.__firstResults !== undefined")
            reload_in_place.append(page.evaluate("() => window.__firstResults"))
            # Typing is timed once search is ready, as before the list could come first.
            wait_for(page, INDEX_READY)
        keystrokes = [ms for query in QUERIES for ms in page.evaluate(TYPE_AND_TIME, query)]
        search_only = page.evaluate(SEARCH_ONLY, QUERIES)
        browser.close()
    return {"reload_ms": statistics.median(reload_ms), "reload_in_place_ms": statistics.median(reload_in_place),
            "asked_ms": statistics.median(asked_ms),
            "data_ms": statistics.median(data_ms),
            "index_ms": statistics.median(index_ms), "keystrokes": keystrokes, "search_only": search_only,
            "index_built_ms": built["ms"], "index_loaded_ms": loaded["ms"], "index_source": loaded["source"]}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def verdict(value: float, target: float, applies: bool) -> str:
    if not applies:
        return ""
    return f"  (target < {target:g}: {'met' if value < target else 'MISSED'})"


def report(count: int, sizes: list[dict], delta: dict, timings: dict, is_target: bool) -> None:
    print(f"\n{count:,} services")
    print("  bundle per language, as served      bytes   per service   vs gzip -9   JSON")
    for row in sizes:
        print(f"    {row['language']:<4} {row['coding'] or 'plain':<6}  {row['wire']:>12,}  {row['wire'] / count:>10.1f}"
              f"   {row['wire'] / row['gzip9']:>9.2f}   {row['raw']:>12,}")
    print(f"  delta for one changed service:  {delta['wire']:,} bytes on the wire ({delta['raw']:,} JSON)"
          f"{verdict(delta['wire'], 4096, True)}")
    keys, search = timings["keystrokes"], timings["search_only"]
    p95 = percentile(keys, 0.95)
    print(f"  CPU slowed {CPU_SLOWDOWN}x:")
    print(f"    offline open (fresh tab) → first results: {timings['reload_ms']:5.0f} ms (median of 3)"
          f"{verdict(timings['reload_ms'], TARGET_RELOAD_MS, is_target)}")
    print(f"    offline reload of an open tab → first results: {timings['reload_in_place_ms']:5.0f} ms (median of 2)")
    print(f"      (fresh tab) page asked for data at {timings['asked_ms']:.0f} ms, had the bundle at {timings['data_ms']:.0f} ms,"
          f" the search index (search ready) at {timings['index_ms']:.0f} ms")
    print(f"    search index: built {timings['index_built_ms']:.0f} ms (normal CPU);"
          f" on reload from {timings['index_source']} in {timings['index_loaded_ms']:.0f} ms")
    print(f"    keystroke → results list updated:   median {statistics.median(keys):6.1f} ms, p95 {p95:6.1f} ms"
          f" ({len(keys)} keystrokes){verdict(p95, TARGET_P95_MS, is_target)}")
    print(f"    keystroke → search worker answered: median {statistics.median(search):6.1f} ms,"
          f" p95 {percentile(search, 0.95):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000])
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for index, count in enumerate(args.sizes):
            instance = make_instance(Path(tmp), count)
            with serving(instance.data_dir) as url:
                if index == 0:
                    shell = shell_bytes(url)
                    print(f"shell (every file the worker precaches, as served): {shell:,} bytes"
                          f"{verdict(shell, TARGET_SHELL_BYTES, True)}")
                sizes = wire_sizes(url, count)
                timings = browser_timings(url)
                delta = one_change_delta(url, instance)
            report(count, sizes, delta, timings, count == max(args.sizes))
    print(f"\n(bench ran {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
