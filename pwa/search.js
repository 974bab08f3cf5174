// Search runs in a worker (search-worker.js) so typing never waits for MiniSearch.
import { bundleInfo, onBundleFound } from "./data.js";

/** How the last index came to be: {source: "cache" | "built", key, count, ms} (tests and benchmarks read it). */
export const indexStats = { source: null, key: null, count: 0, ms: 0 };

const keyOf = (info) => `/search-index/${info.language}/${info.version}-${String(info.sha256).slice(0, 16)}`;
let latest = null; // the worker of the last createSearch(): it may load an index before it is asked
let found = null; // a stored bundle found before any worker existed

// A stored bundle was found: start loading its index while the page reads the bundle.
onBundleFound((info) => {
  found = info;
  latest?.postMessage({ type: "load", key: keyOf(info), seq: 0 });
});

export function createSearch() {
  const worker = new Worker("/search-worker.js", { type: "module" });
  latest = worker;
  if (found) worker.postMessage({ type: "load", key: keyOf(found), seq: 0 });
  const pending = new Map();
  let sequence = 0;
  let indexing = Promise.resolve(); // the last index() call: searches wait for it
  let current = null; // the cache key of the index it made: searches name it
  let searching = null; // the search the worker is answering
  let waiting = null; // the newest query not yet sent: {text, resolve}
  worker.addEventListener("message", ({ data }) => {
    const resolve = pending.get(data.seq);
    pending.delete(data.seq);
    resolve?.(data);
  });
  function ask(message) {
    const seq = ++sequence;
    return new Promise((resolve) => {
      pending.set(seq, resolve);
      worker.postMessage({ ...message, seq });
    });
  }
  // One search at a time: while the worker answers one, only the newest query waits;
  // a query overtaken by a newer keystroke is never searched (it answers undefined).
  function pump() {
    if (searching || !waiting) return;
    const { text, resolve } = waiting;
    waiting = null;
    searching = indexing
      .then(() => ask({ type: "search", query: text, key: current }))
      .then((answer) => resolve(answer.ids ?? null), () => resolve(null))
      .finally(() => {
        searching = null;
        pump();
      });
  }
  async function index(services, info) {
    const started = performance.now();
    const key = info ? keyOf(info) : null;
    if (key) {
      const cached = await ask({ type: "load", key });
      if (cached.found) {
        current = key;
        performance.mark("harbour:index-ready");
        return Object.assign(indexStats, { source: "cache", key, count: cached.count, ms: performance.now() - started });
      }
    }
    const docs = services.map((s, i) => ({ id: i, name: s.search_name || "", search: s.search || "" }));
    const built = await ask({ type: "index", docs, key });
    current = key;
    performance.mark("harbour:index-ready");
    return Object.assign(indexStats, { source: "built", key, count: built.count, ms: performance.now() - started });
  }
  return {
    /**
     * Index these services. The bundle brings its text normalised (by Python); only the
     * query is normalised here. With `info` ({language, version, sha256}; by default that
     * of the bundle data.js loaded them from) the index is cached for that bundle, and a
     * later call for the same bundle loads it instead of indexing again. Queries asked
     * meanwhile wait for this index, not an older one.
     */
    index(services, info = bundleInfo(services)) {
      const done = indexing.then(() => index(services, info));
      indexing = done.catch(() => {});
      return done;
    },
    /**
     * → positions in the indexed `services`, best first (a Uint32Array), null for an
     * empty query (show everything), or undefined when a newer query overtook this one
     * before the worker got to it (drop the answer).
     */
    query(text) {
      return new Promise((resolve) => {
        waiting?.resolve(undefined);
        waiting = { text, resolve };
        pump();
      });
    },
  };
}
