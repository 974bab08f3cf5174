// The directory's data: the manifest names each language's content-hashed bundle.

export const MANIFEST_URL = "/bundle/manifest.json";
// Shared with sw.js, which owns this cache; the page only adds to it on a first visit.
export const DATA_CACHE = "harbour-data-v1";

async function getJSON(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

export async function loadBundle(language) {
  const manifest = await getJSON(MANIFEST_URL);
  const entry = manifest.languages[language] || manifest.languages.en || Object.values(manifest.languages)[0];
  const response = await fetch(entry.url);
  if (!response.ok) throw new Error(`${entry.url}: ${response.status}`);
  // On a first visit no worker controls this page yet: store what we fetched, so the
  // worker need not download the same bundle a second time over prepaid data.
  if (!navigator.serviceWorker?.controller && "caches" in window) {
    try {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(entry.url, response.clone());
    } catch {
      // the worker will fetch it itself
    }
  }
  return response.json();
}
