// What a phone follows and the topics it sends when it subscribes to alerts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { areasOf, choiceOf, followedServices, setFollowed, topicsOf } from "../../pwa/alert-topics.js";

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

test("a choice becomes the topics the server takes, areas normalised, nothing twice", () => {
  const topics = topicsOf({ notices: true, categories: ["c1", "c1"], area: "  km1  ", services: ["s1"] });
  assert.deepEqual(topics, ["notices", "category:c1", "area:KM1", "service:s1"]);
  assert.deepEqual(topicsOf({ notices: false, categories: [], area: " ", services: [] }), []);
});

test("areas come from the places' postcode districts and towns", () => {
  const services = [
    { locations: [{ address: "1 High St, Kingsmere, KM1 1GB" }, { address: "Unit 4, Dock Road, Kingsmere, KM12 5HN" }] },
    { locations: [{ address: "Market Square, Eastfield" }, { address: "" }] },
  ];
  assert.deepEqual(areasOf(services), ["EASTFIELD", "KINGSMERE", "KM1", "KM12"]);
});

test("followed services are kept newest first and can be dropped", () => {
  const storage = memoryStorage();
  setFollowed("a", true, storage);
  setFollowed("b", true, storage);
  setFollowed("a", true, storage);
  assert.deepEqual(followedServices(storage), ["a", "b"]);
  setFollowed("a", false, storage);
  assert.deepEqual(followedServices(storage), ["b"]);
  storage.setItem("harbour.followed", "not json");
  assert.deepEqual(followedServices(storage), []);
});

test("the screen shows what was subscribed, and suggests notices to a first-timer", () => {
  assert.deepEqual(choiceOf(null, ["s9"]), { notices: true, categories: [], area: "", services: ["s9"] });
  const saved = { topics: ["category:c1", "area:KM1", "service:s2"] };
  assert.deepEqual(choiceOf(saved, ["s2"]), { notices: false, categories: ["c1"], area: "KM1", services: ["s2"] });
});
