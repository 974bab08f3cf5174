// Talking to the service worker: register it, ask it to keep a language for offline
// use (which also brings it up to date), hear when it has stored fresher data.
// data.js builds the page's data API on these; app.js may still call them directly.

export async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch {
    return null; // private modes may refuse: the page still works online
  }
}

function ask(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

const asking = new Map(); // language → the answer on its way: callers at the same time share it

/**
 * Ask the worker to store `language` for offline use and to bring it up to date.
 * Never blocks on the network for the page: the page already shows what it has.
 * @param {string} language
 * @returns {Promise<{ready: boolean, state?: "up-to-date" | "stale" | "offline",
 *   version?: number | null, generated?: string | null}>} `ready`: the shell and this
 *   language's bundle are stored, so the page works offline.
 */
export function keepForOffline(language) {
  if (!("serviceWorker" in navigator)) return Promise.resolve({ ready: false });
  if (!asking.has(language)) {
    const answer = navigator.serviceWorker.ready
      .then((registration) => ask(registration.active, { type: "keep-language", language }))
      .finally(() => asking.delete(language));
    asking.set(language, answer);
  }
  return asking.get(language);
}

/**
 * Call `callback({language, version, generated})` each time the worker stores a newer
 * bundle than the one it held (the page should load its data again).
 */
export function onDataUpdated(callback) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "data-updated") callback(event.data);
  });
}

let persistAsked = false;

// Ask once that the browser keep our storage under pressure; it may say no, and the
// data is then still there until the browser needs the space.
export async function askPersistentStorage() {
  if (persistAsked || !navigator.storage?.persist) return;
  persistAsked = true;
  try {
    if (!(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch {
    // not granted: nothing else to do
  }
}
