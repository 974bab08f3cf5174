// Harbour's service worker. The server prepends SHELL (URL path → sha256 prefix) and
// SHELL_VERSION (directory/bundle/shell.py), so a change to any shell file changes
// this script and the browser installs the new shell.
//
// - shell: precached at install, verified against its hashes, served cache-first;
// - data: per language, the bundle under its content-hashed URL and a pointer to it
//   (`/bundle/local/{lang}` → {version, url, sha256, generated, checked}) in DATA_CACHE.
//   The page reads them directly (data.js); only this worker writes them.
// - updates: the page asks "keep-language" (on open, every ~30 minutes, when back
//   online). The worker fetches the manifest; if its language's bundle changed, it asks
//   for a delta since the version it holds, applies it in memory (delta.js), checks the
//   result hashes to what the server says, writes it under its new URL, and only then
//   moves the pointer. A failed or half-done update leaves the old data in place.
/* global SHELL, SHELL_VERSION, applyDelta */
importScripts("/delta.js", "/sw-push.js");

const SHELL_CACHE = `harbour-shell-${SHELL_VERSION}`;
const DATA_CACHE = "harbour-data-v1"; // shared with data.js, which reads it
const MANIFEST = "/bundle/manifest.json";
const BUNDLE = /^\/bundle\/([a-z]{2,3})\.([0-9a-f]+)\.json$/;
const APP_PAGES = new Set(["/", "/index.html"]);
const MATCH = { ignoreVary: true };
const JSON_TYPE = { "Content-Type": "application/json" };

const pointerKey = (language) => `/bundle/local/${language}`;
const bundleUrl = (language, sha) => `/bundle/${language}.${sha.slice(0, 16)}.json`;

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Fetch, check the bytes are the ones announced, store. A mismatch (a deploy in
// between) fails the whole step, leaving what was stored before.
async function storeVerified(cache, url, expected) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const body = await response.arrayBuffer();
  if (!(await sha256(body)).startsWith(expected)) throw new Error(`${url}: hash mismatch`);
  const headers = { "Content-Type": response.headers.get("Content-Type") || "application/octet-stream" };
  await cache.put(url, new Response(body, { headers }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await Promise.all(Object.entries(SHELL).map(([url, hash]) => storeVerified(cache, url, hash)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("harbour-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// --- data ------------------------------------------------------------------------

// One data update at a time: two pages (or a page and a timer) must not interleave.
let queue = Promise.resolve();
function serially(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

// → {response, body}, {failed: true} when the server answers amiss, null when offline.
async function freshManifest() {
  let response;
  try {
    response = await fetch(MANIFEST, { cache: "no-store" });
  } catch {
    return null;
  }
  return response.ok ? { response, body: await response.clone().json() } : { failed: true };
}

async function readJSON(cache, key) {
  const stored = await cache.match(key, MATCH);
  return stored ? stored.json() : null;
}

// Write a verified bundle under its URL, then switch the language's pointer to it, then
// drop the language's older bundle: the pointer never names something missing.
async function install(cache, language, bytes, sha, bundle, checked) {
  const url = bundleUrl(language, sha);
  await cache.put(url, new Response(bytes, { headers: JSON_TYPE }));
  const pointer = { version: bundle.version, url, sha256: sha, generated: bundle.generated, checked };
  await cache.put(pointerKey(language), new Response(JSON.stringify(pointer), { headers: JSON_TYPE }));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const match = path.match(BUNDLE);
    if (match && match[1] === language && path !== url) await cache.delete(request);
  }
  return pointer;
}

// A bundle already in the cache under its content-hashed URL (the page stores what it
// downloads on a first visit, or an older worker stored it): take it, once its bytes
// prove to be the ones its name says, so nothing is downloaded twice.
async function adopt(cache, language) {
  for (const request of await cache.keys()) {
    const match = new URL(request.url).pathname.match(BUNDLE);
    if (!match || match[1] !== language) continue;
    const bytes = await (await cache.match(request)).arrayBuffer();
    const sha = await sha256(bytes);
    if (sha.startsWith(match[2])) {
      return install(cache, language, bytes, sha, JSON.parse(new TextDecoder().decode(bytes)), null);
    }
    await cache.delete(request);
  }
  return null;
}

async function download(cache, language, entry, checked) {
  const response = await fetch(entry.url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${entry.url}: ${response.status}`);
  const bytes = await response.arrayBuffer();
  const sha = await sha256(bytes);
  if (sha !== entry.sha256) throw new Error(`${entry.url}: hash mismatch`);
  return install(cache, language, bytes, sha, JSON.parse(new TextDecoder().decode(bytes)), checked);
}

// From the version held to the server's: a delta, patched in memory and verified.
async function update(cache, language, pointer, entry, checked) {
  const response = await fetch(`/bundle/${language}/delta?since=${pointer.version}`, { cache: "no-store" });
  // No delta to be had (a static copy of the site has none): the new bundle, whole.
  if (!response.ok) return download(cache, language, entry, checked);
  const bytes = await response.arrayBuffer();
  const answer = JSON.parse(new TextDecoder().decode(bytes));
  if (Array.isArray(answer.services)) {
    // Too old for a delta: the answer is the bundle itself.
    return install(cache, language, bytes, await sha256(bytes), answer, checked);
  }
  const held = await readJSON(cache, pointer.url);
  try {
    const patched = new TextEncoder().encode(JSON.stringify(applyDelta(held, answer)));
    const sha = await sha256(patched);
    if (sha === answer.sha256) return install(cache, language, patched, sha, answer, checked);
  } catch {
    // a delta that does not fit what this phone holds
  }
  return download(cache, language, entry, checked); // never show a bundle the server did not make
}

async function shellComplete() {
  const cache = await caches.open(SHELL_CACHE);
  for (const url of Object.keys(SHELL)) if (!(await cache.match(url))) return false;
  return true;
}

async function notify(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

// Store `language` for offline use if it is not, bring it up to date if online.
// → {ready, state: "up-to-date" | "offline" | "stale", version, generated, sha256}
async function keepLanguage(language) {
  const cache = await caches.open(DATA_CACHE);
  const fresh = await freshManifest();
  const entry = fresh?.body?.languages[language];
  const checked = new Date().toISOString();
  let pointer = await readJSON(cache, pointerKey(language));
  let state = fresh?.body ? "up-to-date" : fresh ? "stale" : "offline";
  let had = pointer?.sha256;
  try {
    if (!pointer) {
      pointer = await adopt(cache, language);
      had = pointer?.sha256; // the page already shows what it downloaded
    }
    if (entry && !pointer) pointer = await download(cache, language, entry, checked);
    else if (entry && pointer.sha256 !== entry.sha256) pointer = await update(cache, language, pointer, entry, checked);
    else if (entry) {
      pointer = { ...pointer, checked };
      await cache.put(pointerKey(language), new Response(JSON.stringify(pointer), { headers: JSON_TYPE }));
    } else if (fresh?.body) state = "stale"; // the server does not offer this language
  } catch {
    if (state === "up-to-date") state = "stale"; // the old data stays, and says how old it is
  }
  if (fresh?.body) await cache.put(MANIFEST, fresh.response);
  if (pointer && had && pointer.sha256 !== had) {
    const { version, generated, sha256: sha } = pointer;
    notify({ type: "data-updated", language, version, generated, sha256: sha });
  }
  const ready = Boolean(pointer && (await cache.match(pointer.url, MATCH)) && (await shellComplete()));
  const { version = null, generated = null, sha256: sha = null } = pointer || {};
  return { ready, state, version, generated, sha256: sha };
}

self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep-language") return;
  const reply = event.ports[0];
  event.waitUntil(
    serially(() => keepLanguage(event.data.language))
      .catch(() => ({ ready: false, state: "stale" }))
      .then((answer) => reply?.postMessage(answer)),
  );
});

// --- requests ----------------------------------------------------------------------

async function fromCache(cacheName, key, request) {
  const hit = await (await caches.open(cacheName)).match(key, MATCH);
  return hit || fetch(request);
}

async function networkThenStored(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const stored = await (await caches.open(DATA_CACHE)).match(MANIFEST);
    if (stored) return stored;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === MANIFEST) {
    event.respondWith(networkThenStored(event.request));
  } else if (BUNDLE.test(url.pathname)) {
    event.respondWith(fromCache(DATA_CACHE, url.pathname, event.request));
  } else if (event.request.mode === "navigate" && APP_PAGES.has(url.pathname)) {
    event.respondWith(fromCache(SHELL_CACHE, "/", event.request));
  } else if (Object.hasOwn(SHELL, url.pathname)) {
    event.respondWith(fromCache(SHELL_CACHE, url.pathname, event.request));
  }
  // Anything else (deltas, Datasette, the HSDS API, staff pages) goes to the network as usual.
});
