// The directory's data for the page. Use these three:
//
//   const bundle = await loadData(language);   // the bundle, from the phone if it has it
//   onDataUpdated(({language, version}) => …); // newer data is stored: call loadData again
//   dataStatus();                              // {state, generated, version}, for "up to date"
//                                              // or "data from <generated>"
//   storedFirstPage(language) / keepFirstPage(…) // the list's first page, to show at once
//
// loadData never waits for the network when the phone has the language: it answers
// from storage, then checks for news in the background (at once, every ~30 minutes
// while the page is open, and when the phone comes back online). The service worker
// (sw.js) does the downloading, delta-patching and storing; this module only reads
// what it stored: `/bundle/local/{lang}` → {version, url, sha256, generated, checked},
// and the bundle at `url`, in the DATA_CACHE.
import { askPersistentStorage, keepForOffline, onDataUpdated as onWorkerUpdate, registerWorker } from "./offline.js";

export const MANIFEST_URL = "/bundle/manifest.json";
export const DATA_CACHE = "harbour-data-v1";
const CHECK_EVERY_MS = 30 * 60 * 1000;
const RECHECK_AFTER_MS = 60 * 1000;
const LAST_LANGUAGE = "harbour.data.language";
const FIRST_PAGE = "harbour.data.first-page";
const pointerKey = (language) => `/bundle/local/${language}`;

const status = { state: "stale", generated: null, version: null };
let shown = null; // {language, version, sha256} of the bundle the page last loaded
let lastCheck = 0;
let checkedLanguage = null;
const updateListeners = new Set();
const statusListeners = new Set();
const loaded = new WeakMap(); // services array → {language, version, sha256}, for search.js
const foundListeners = new Set();

function setStatus(changes) {
  Object.assign(status, changes);
  if (!navigator.onLine) status.state = "offline";
  for (const listener of statusListeners) listener(dataStatus());
}

// `onPointer(pointer | null)` hears the pointer first read, before the (slow) bundle.
async function readLocal(language, onPointer = () => {}) {
  if (!("caches" in window)) return null;
  const cache = await caches.open(DATA_CACHE);
  // Twice: the worker may move the pointer on between our two reads.
  for (let attempt = 0; attempt < 2; attempt++) {
    const pointer = await (await cache.match(pointerKey(language)))?.json();
    onPointer(pointer || null);
    if (!pointer) return null;
    // Reading and parsing a big bundle takes a while: let the search index load meanwhile.
    for (const listener of foundListeners) listener({ language, version: pointer.version, sha256: pointer.sha256 });
    const stored = await cache.match(pointer.url);
    if (stored) return { pointer, bundle: await stored.json() };
  }
  return null;
}

async function download(language) {
  const response = await fetch(MANIFEST_URL);
  if (!response.ok) throw new Error(`${MANIFEST_URL}: ${response.status}`);
  const manifest = await response.json();
  const entry = manifest.languages[language] || manifest.languages.en || Object.values(manifest.languages)[0];
  const bundleResponse = await fetch(entry.url);
  if (!bundleResponse.ok) throw new Error(`${entry.url}: ${bundleResponse.status}`);
  const bytes = await bundleResponse.arrayBuffer();
  // Leave a copy where the worker looks (it checks the hash): it need not download
  // the same bundle again over prepaid data, even before it controls this page.
  if ("caches" in window) {
    try {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(entry.url, new Response(bytes, { headers: { "Content-Type": "application/json" } }));
    } catch {
      // the worker will fetch it itself
    }
  }
  const bundle = JSON.parse(new TextDecoder().decode(bytes));
  return { bundle, pointer: { version: bundle.version, sha256: entry.sha256, generated: bundle.generated } };
}

/**
 * The bundle for `language` (or English, when the directory does not offer it): from
 * the phone when stored, else from the server. Starts a background update check.
 * @param {string} language
 * @returns {Promise<object>} the bundle (see directory/bundle/build.py for its fields)
 */
export async function loadData(language) {
  performance.mark("harbour:data-asked");
  const local = early?.language === language ? early.reading : readLocal(language);
  early = null;
  const found = (await local.catch(() => null)) || (await download(language));
  remember(bundleLanguage(found, language));
  const { bundle, pointer } = found;
  shown = { language: bundle.language, version: bundle.version, sha256: pointer.sha256 };
  loaded.set(bundle.services, shown);
  const recent = pointer.checked && Date.now() - Date.parse(pointer.checked) < CHECK_EVERY_MS;
  setStatus({ state: !pointer.url || recent ? "up-to-date" : "stale", generated: bundle.generated, version: bundle.version });
  // Reloading after an update needs no second check; a new language needs storing.
  if (checkedLanguage !== shown.language || Date.now() - lastCheck > RECHECK_AFTER_MS) checkForUpdates();
  performance.mark("harbour:data-loaded"); // bench/pwa.py reads it
  return bundle;
}

function bundleLanguage(found, asked) {
  return found.bundle.language === asked ? asked : null;
}

// The language last loaded, so the next visit can start reading its bundle while the
// page is still starting (kept on this phone only, like the language choice).
function remember(language) {
  try {
    if (language) localStorage.setItem(LAST_LANGUAGE, language);
  } catch {
    // storage blocked: no head start next time
  }
}

function startEarly() {
  try {
    const language = localStorage.getItem(LAST_LANGUAGE);
    if (!language) return null;
    let pointerFound;
    const pointer = new Promise((resolve) => {
      pointerFound = resolve;
    });
    const reading = readLocal(language, pointerFound).catch(() => null);
    reading.then(() => pointerFound(null)); // no pointer at all: nothing stored
    earlyPointer = { language, pointer };
    return { language, reading };
  } catch {
    return null;
  }
}

// --- the first page, before the bundle ------------------------------------------------
// Reading and parsing a big bundle takes a second or more on a slow phone. The list's
// first page as last shown (the unfiltered list: what opening the app shows) is kept
// in localStorage with the hash of the bundle it came from, so the next opening can
// show it at once; it is used only while the stored bundle is still that one.

let earlyPointer = null; // {language, pointer: Promise}: the stored pointer, read at start

// What an item of the list shows when the app opens (results.js), and no more: no
// places (a distance needs the phone's position, never known at opening).
const LIST_FIELDS = ["id", "name", "org", "categories", "attributes", "schedules", "fallback"];
const listFields = (service) => Object.fromEntries(LIST_FIELDS.filter((key) => key in service).map((key) => [key, service[key]]));
let keptFirstPage = null; // sha256 of the bundle whose first page is kept

/**
 * The first page of the list kept for the bundle stored for `language`, or null (none
 * kept, another language, or the stored bundle has changed since):
 * {language, sha256, total, bundle: {language, source_language, timezone, categories,
 * attributes, notices}, services: the first page}.
 */
export async function storedFirstPage(language) {
  let page = null;
  try {
    page = JSON.parse(localStorage.getItem(FIRST_PAGE));
  } catch {
    return null;
  }
  keptFirstPage = page?.sha256 || null;
  if (!page || page.language !== language || earlyPointer?.language !== language) return null;
  const pointer = await earlyPointer.pointer;
  return pointer && pointer.sha256 === page.sha256 && Array.isArray(page.services) ? page : null;
}

/**
 * Keep `services` (the first page of the unfiltered list, of `total`) of a bundle that
 * loadData returned, for storedFirstPage. Written once per bundle.
 */
export function keepFirstPage(bundle, services, total) {
  const info = loaded.get(bundle.services);
  if (!info?.sha256 || info.sha256 === keptFirstPage) return;
  keptFirstPage = info.sha256;
  const { language, source_language, timezone, categories, attributes, notices } = bundle;
  const page = {
    language, sha256: info.sha256, total,
    bundle: { language, source_language, timezone, categories, attributes, notices },
    services: services.map(listFields),
  };
  try {
    localStorage.setItem(FIRST_PAGE, JSON.stringify(page));
  } catch {
    // storage full or blocked: the next opening waits for the bundle
  }
}

/** The same as loadData; the name app.js used first. */
export const loadBundle = loadData;

/**
 * How fresh the data shown is, at once (no waiting):
 * `state` "up-to-date" (the server confirmed it within the last ~30 minutes),
 * "stale" (not confirmed: a check is under way or failed) or "offline" (no network);
 * `generated`: when the directory last changed in this data (ISO 8601, UTC);
 * `version`: the bundle's version.
 * @returns {{state: "up-to-date" | "stale" | "offline", generated: string | null, version: number | null}}
 */
export function dataStatus() {
  return { ...status };
}

/**
 * Call `callback({language, version, generated})` when newer data for the language
 * shown has been stored; load it with loadData(language). Returns an unsubscribe function.
 */
export function onDataUpdated(callback) {
  updateListeners.add(callback);
  return () => updateListeners.delete(callback);
}

/** Call `callback(dataStatus())` whenever the status changes. Returns an unsubscribe function. */
export function onDataStatus(callback) {
  statusListeners.add(callback);
  return () => statusListeners.delete(callback);
}

/** {language, version, sha256} of the bundle whose `services` array this is (search.js keys its index cache so). */
export function bundleInfo(services) {
  return loaded.get(services) || null;
}

/** Call `callback({language, version, sha256})` when a stored bundle is found, before it is read. */
export function onBundleFound(callback) {
  foundListeners.add(callback);
}

/**
 * Ask for news now (loadData does, and a timer every ~30 minutes): the worker stores it
 * for offline use and, when newer, onDataUpdated listeners hear. Never throws.
 * Also marks <html data-offline-ready="true"> once this language works offline.
 */
export async function checkForUpdates() {
  if (!shown) return;
  const language = shown.language;
  lastCheck = Date.now();
  checkedLanguage = language;
  if (!("serviceWorker" in navigator)) return checkWithoutWorker(language);
  const answer = await keepForOffline(language).catch(() => ({ ready: false, state: "stale" }));
  if (!shown || language !== shown.language) return;
  const root = document.documentElement;
  if (answer.ready) {
    root.dataset.offlineReady = "true";
    askPersistentStorage();
  }
  const current = answer.sha256 ? answer.sha256 === shown.sha256 : answer.version === shown.version;
  setStatus({ state: answer.state === "up-to-date" && !current ? "stale" : answer.state || "stale" });
}

async function checkWithoutWorker(language) {
  try {
    const manifest = await (await fetch(MANIFEST_URL, { cache: "no-store" })).json();
    const entry = manifest.languages[language];
    if (entry && entry.sha256 !== shown.sha256) announce({ language, version: manifest.version, sha256: entry.sha256 });
    else setStatus({ state: "up-to-date" });
  } catch {
    setStatus({ state: "stale" });
  }
}

function announce(update) {
  if (!shown || update.language !== shown.language || update.sha256 === shown.sha256) return;
  for (const listener of updateListeners) listener(update);
}

let early = startEarly(); // read before app.js asks: it asks after loading its strings

// The worker stored something newer; the page hears once per update.
onWorkerUpdate(announce);
registerWorker();
setInterval(() => {
  if (document.visibilityState === "visible") checkForUpdates();
}, CHECK_EVERY_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && Date.now() - lastCheck > CHECK_EVERY_MS) checkForUpdates();
});
window.addEventListener("online", () => checkForUpdates());
window.addEventListener("offline", () => setStatus({}));
