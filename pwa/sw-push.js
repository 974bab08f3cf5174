// Alerts by Web Push, in the service worker (imported by sw.js, whose keepLanguage,
// serially and DATA_CACHE it uses when an event comes).
//
// - push: show the notification in the reader's language and, in the same event, bring
//   every language this phone holds up to date, so what the alert speaks of is there
//   offline when the notification is opened;
// - notificationclick: open the notice or service it is about, in a window already
//   open if there is one.
/* global DATA_CACHE, keepLanguage, serially */

const HELD = /^\/bundle\/local\/([a-z]{2,3})$/;

function readPush(event) {
  if (!event.data) return {};
  try {
    return event.data.json();
  } catch {
    return { body: event.data.text() };
  }
}

async function refreshHeldData() {
  const cache = await caches.open(DATA_CACHE);
  const languages = (await cache.keys())
    .map((request) => new URL(request.url).pathname.match(HELD))
    .filter(Boolean)
    .map((match) => match[1]);
  for (const language of languages) await serially(() => keepLanguage(language)).catch(() => {});
}

self.addEventListener("push", (event) => {
  const message = readPush(event);
  const sameSite = (url) => (typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/#/");
  const shown = self.registration.showNotification(message.title || "Harbour", {
    body: message.body || "",
    tag: message.tag || undefined,
    renotify: Boolean(message.tag),
    lang: message.lang || "",
    dir: message.dir === "rtl" || message.dir === "ltr" ? message.dir : "auto",
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url: sameSite(message.url), kind: message.kind || "notice" },
  });
  event.waitUntil(Promise.all([shown, refreshHeldData().catch(() => {})]));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/#/", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === target.origin);
      if (open) {
        await open.focus();
        open.postMessage({ type: "open", url: target.pathname + target.hash });
        return;
      }
      await self.clients.openWindow(target.href);
    })(),
  );
});
