// MiniSearch over the bundle's normalised text. Texts arrive normalised, so terms
// are used as they are; only the query is normalised here (normalise.js, the same
// rules as the Python that made the bundle).
//
// A built index is kept in Cache Storage per bundle (language, version, hash), so
// opening the app again loads it (MiniSearch.loadJSON) instead of indexing every
// service again; the index of an older bundle of the language is dropped.
//
// A document's id is its position in the bundle's `services`: a search answers with
// positions (a Uint32Array handed over, not copied), so the page takes the services
// from its array without a lookup by id. The index is kept per bundle, so its
// positions always belong to that bundle.
import MiniSearch from "/vendor/minisearch.js";
import { normalise } from "/normalise.js";

const INDEX_CACHE = "harbour-search-index-v2";
const OLD_CACHES = ["harbour-search-index-v1"]; // ids were service ids then, not positions
// Indexes by cache key (null: one not cached), the latest last. Two at most: a search
// names the index it means, so one loaded ahead for the next bundle (a new language,
// an update) never answers for the bundle still shown: positions belong to one bundle.
const indexes = new Map();
let ready = Promise.resolve();

function keep(key, index) {
  indexes.delete(key);
  indexes.set(key, index);
  while (indexes.size > 2) indexes.delete(indexes.keys().next().value);
}

const OPTIONS = {
  fields: ["name", "search"],
  idField: "id",
  tokenize: (text) => text.split(" "),
  processTerm: (term) => term || null,
  searchOptions: {
    boost: { name: 3 },
    prefix: true,
    // One typo allowed in longer words; short words must match (or start) exactly.
    fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
    combineWith: "AND",
  },
};

// `/search-index/{language}/{version}-{hash}`: the key search.js sends.
const keyUrl = (key) => new URL(key, self.location.origin).href;
const languageOf = (key) => key.split("/")[2];

async function loadCached(key) {
  if (!key || !("caches" in self)) return null;
  try {
    const stored = await (await caches.open(INDEX_CACHE)).match(keyUrl(key));
    return stored ? MiniSearch.loadJSON(await stored.text(), OPTIONS) : null;
  } catch {
    return null; // a damaged entry: build it again
  }
}

async function storeIndex(key, built) {
  if (!key || !("caches" in self)) return;
  try {
    for (const name of OLD_CACHES) await caches.delete(name);
    const cache = await caches.open(INDEX_CACHE);
    await cache.put(keyUrl(key), new Response(JSON.stringify(built), { headers: { "Content-Type": "application/json" } }));
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path !== key && languageOf(path) === languageOf(key)) await cache.delete(request);
    }
  } catch {
    // storage full or refused: the index is built again next time
  }
}

async function handle(data) {
  if (data.type === "load") {
    const ahead = data.key ? indexes.get(data.key) : null; // loaded ahead
    const cached = ahead || (await loadCached(data.key));
    if (cached) keep(data.key, cached);
    return { found: Boolean(cached), count: cached ? cached.documentCount : 0 };
  }
  if (data.type === "index") {
    const built = new MiniSearch(OPTIONS);
    built.addAll(data.docs);
    keep(data.key ?? null, built);
    storeIndex(data.key, built); // after answering: nobody waits for the write
    return { count: built.documentCount };
  }
  if (data.type === "search") {
    const query = normalise(data.query);
    const index = indexes.get(data.key ?? null);
    return { ids: query && index ? Uint32Array.from(index.search(query), (hit) => hit.id) : null };
  }
  return {};
}

self.addEventListener("message", ({ data }) => {
  // In order: a search sent after an index waits for that index.
  ready = ready
    .then(() => handle(data))
    .catch(() => ({}))
    .then((answer) => self.postMessage({ seq: data.seq, ...answer }, answer.ids?.buffer ? [answer.ids.buffer] : []));
});
