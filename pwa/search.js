// Search runs in a worker (search-worker.js) so typing never waits for MiniSearch.

export function createSearch() {
  const worker = new Worker("/search-worker.js", { type: "module" });
  const pending = new Map();
  let sequence = 0;
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
  return {
    // The bundle brings its text normalised (by Python); only the query is normalised here.
    index: (services) =>
      ask({
        type: "index",
        docs: services.map((s) => ({ id: s.id, name: s.search_name || "", search: s.search || "" })),
      }),
    // → ids best first, or null for an empty query (show everything).
    query: (text) => ask({ type: "search", query: text }).then((answer) => answer.ids),
  };
}
