// Harbour's service worker. The server prepends SHELL (URL path → sha256 prefix) and
// SHELL_VERSION (directory/bundle/shell.py), so a change to any shell file changes
// this script and the browser installs the new shell.
//
// - shell: precached at install, verified against its hashes, served cache-first;
// - data: the manifest and the bundles of the languages this phone keeps, cache-first;
//   when online, each manifest request also checks for a newer version in the
//   background, stores the new bundles, then tells the pages;
// - the page asks "keep-language" to store its language and hears whether all is ready.
/* global SHELL, SHELL_VERSION */

const SHELL_CACHE = `harbour-shell-${SHELL_VERSION}`;
const DATA_CACHE = "harbour-data-v1"; // the page (data.js) writes here on a first visit
const MANIFEST = "/bundle/manifest.json";
const BUNDLE = /^\/bundle\/([a-z]{2,3})\.[0-9a-f]+\.json$/;
const APP_PAGES = new Set(["/", "/index.html"]);
const MATCH = { ignoreVary: true, ignoreSearch: false };

async function sha256(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Fetch, check the bytes are the ones announced, store. A mismatch (a deploy in
// between) fails the whole step, leaving what was stored before.
async function storeVerified(cache, url, expected, prefixOnly) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const body = await response.arrayBuffer();
  const digest = await sha256(body);
  if (prefixOnly ? !digest.startsWith(expected) : digest !== expected) throw new Error(`${url}: hash mismatch`);
  const headers = { "Content-Type": response.headers.get("Content-Type") || "application/octet-stream" };
  await cache.put(url, new Response(body, { headers }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await Promise.all(Object.entries(SHELL).map(([url, hash]) => storeVerified(cache, url, hash, true)));
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

// One data update at a time: a keep-language and a background check must not interleave.
let queue = Promise.resolve();
function serially(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

async function freshManifest() {
  try {
    const response = await fetch(MANIFEST, { cache: "no-store" });
    return response.ok ? { response, body: await response.clone().json() } : null;
  } catch {
    return null; // offline
  }
}

async function keptLanguages(cache) {
  const languages = new Set();
  for (const request of await cache.keys()) {
    const match = new URL(request.url).pathname.match(BUNDLE);
    if (match) languages.add(match[1]);
  }
  return languages;
}

// Store `manifest` with the bundles of every kept language (and `more`), then drop
// bundles it no longer names: the stored manifest never points at a missing bundle.
async function storeData(cache, fresh, more = []) {
  const languages = new Set([...(await keptLanguages(cache)), ...more]);
  for (const language of languages) {
    const entry = fresh.body.languages[language];
    if (entry && !(await cache.match(entry.url, MATCH))) await storeVerified(cache, entry.url, entry.sha256, false);
  }
  await cache.put(MANIFEST, fresh.response);
  const named = new Set(Object.values(fresh.body.languages).map((entry) => entry.url));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (BUNDLE.test(path) && !named.has(path)) await cache.delete(request);
  }
}

async function shellComplete() {
  const cache = await caches.open(SHELL_CACHE);
  for (const url of Object.keys(SHELL)) if (!(await cache.match(url))) return false;
  return true;
}

async function keepLanguage(language) {
  const cache = await caches.open(DATA_CACHE);
  const fresh = await freshManifest();
  if (fresh) await storeData(cache, fresh, [language]);
  const stored = await cache.match(MANIFEST);
  if (!stored) return { ready: false };
  const manifest = await stored.json();
  const entry = manifest.languages[language];
  const ready = Boolean(entry && (await cache.match(entry.url, MATCH)) && (await shellComplete()));
  return { ready, version: manifest.version };
}

async function checkForUpdate() {
  const cache = await caches.open(DATA_CACHE);
  const fresh = await freshManifest();
  if (!fresh) return;
  const stored = await cache.match(MANIFEST);
  const current = stored ? await stored.json() : null;
  if (current && current.version === fresh.body.version) return;
  await storeData(cache, fresh);
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "data-updated", version: fresh.body.version });
  }
}

self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep-language") return;
  const reply = event.ports[0];
  event.waitUntil(
    serially(() => keepLanguage(event.data.language))
      .catch(() => ({ ready: false }))
      .then((answer) => reply?.postMessage(answer)),
  );
});

// --- requests ----------------------------------------------------------------------

async function fromCache(cacheName, key, request) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(key, MATCH);
  if (hit) return hit;
  const response = await fetch(request);
  // A content-hashed bundle never changes: keep it once fetched.
  if (response.ok && cacheName === DATA_CACHE) await cache.put(key, response.clone());
  return response;
}

async function manifestResponse(event) {
  const cache = await caches.open(DATA_CACHE);
  const stored = await cache.match(MANIFEST);
  if (!stored) return fetch(event.request);
  // Answer at once from the phone; look for news without making anyone wait.
  event.waitUntil(serially(checkForUpdate).catch(() => {}));
  return stored;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === MANIFEST) {
    event.respondWith(manifestResponse(event));
  } else if (BUNDLE.test(url.pathname)) {
    event.respondWith(fromCache(DATA_CACHE, url.pathname, event.request));
  } else if (event.request.mode === "navigate" && APP_PAGES.has(url.pathname)) {
    event.respondWith(fromCache(SHELL_CACHE, "/", event.request));
  } else if (Object.hasOwn(SHELL, url.pathname)) {
    event.respondWith(fromCache(SHELL_CACHE, url.pathname, event.request));
  }
  // Anything else (Datasette, the HSDS API, staff pages) goes to the network as usual.
});
