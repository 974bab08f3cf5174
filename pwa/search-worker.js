// MiniSearch over the bundle's normalised text. Texts arrive normalised, so terms
// are used as they are; only the query is normalised here (normalise.js, the same
// rules as the Python that made the bundle).
import MiniSearch from "/vendor/minisearch.js";
import { normalise } from "/normalise.js";

let index = null;

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

self.addEventListener("message", ({ data }) => {
  if (data.type === "index") {
    index = new MiniSearch(OPTIONS);
    index.addAll(data.docs);
    self.postMessage({ seq: data.seq, count: index.documentCount });
  } else if (data.type === "search") {
    const query = normalise(data.query);
    const ids = query && index ? index.search(query).map((hit) => hit.id) : null;
    self.postMessage({ seq: data.seq, ids });
  }
});
