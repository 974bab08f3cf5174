// Talking to the service worker: register it, ask it to keep a language for offline
// use, hear when it has fresher data. The page marks <html data-offline-ready="true">
// only after the worker confirms the shell and this language's bundle are stored.

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

// → {ready, version} once the worker has stored everything `language` needs offline.
export async function keepForOffline(language) {
  if (!("serviceWorker" in navigator)) return { ready: false };
  const registration = await navigator.serviceWorker.ready;
  return ask(registration.active, { type: "keep-language", language });
}

export function onDataUpdated(callback) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "data-updated") callback(event.data.version);
  });
}
