// Alerts by Web Push: a screen where the reader chooses what to hear about, in their
// language, and turns alerts on or off. Never asked on first load: the browser's
// permission prompt only follows a tap on "Turn on alerts".
//
// Nothing is sent to the server but the subscription and the chosen topics (never a
// search, a location or a name), and only when the reader acts — or, once subscribed,
// to keep that subscription working (a new server key, a new interface language).
import {
  areasOf, choiceOf, followedServices, saveAlerts, savedAlerts, setFollowed, topicsOf,
} from "./alert-topics.js";
import { categoryIcon, h, icon } from "./dom.js";
import { topCategories } from "./filters.js";
import { currentLanguage, t } from "./i18n.js";

const BELL = "M12 22a2.5 2.5 0 002.5-2.5h-5A2.5 2.5 0 0012 22zm7-6V11a7 7 0 00-5.5-6.8V3a1.5 1.5 0 00-3 0v1.2A7 7 0 005 11v5l-2 2v1h18v-1z";
const DATA_CACHE = "harbour-data-v1";
const JSON_HEADERS = { "Content-Type": "application/json" };
const $ = (id) => document.getElementById(id);

let panel = null;
let lastStatus = null; // [key, values]: said again in a new language
let offered = null; // does this site take subscriptions? (a static copy of the app does not)

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// --- the bundle's categories and places, in the reader's language -----------------------

// The manifest says whether this site sends alerts; the worker keeps the last one it saw.
async function alertsOffered() {
  try {
    const stored = await (await caches.open(DATA_CACHE)).match("/bundle/manifest.json", { ignoreVary: true });
    if (stored) return Boolean((await stored.json()).alerts);
  } catch {
    // no Cache Storage: ask
  }
  try {
    return Boolean((await (await fetch("/bundle/manifest.json")).json()).alerts);
  } catch {
    return false;
  }
}

async function storedBundle(language) {
  try {
    const cache = await caches.open(DATA_CACHE);
    const pointer = await cache.match(`/bundle/local/${language}`, { ignoreVary: true });
    if (pointer) {
      const hit = await cache.match((await pointer.json()).url, { ignoreVary: true });
      if (hit) return hit.json();
    }
  } catch {
    // no Cache Storage (a private window): ask the server
  }
  const manifest = await (await fetch("/bundle/manifest.json")).json();
  const entry = manifest.languages[language] || Object.values(manifest.languages)[0];
  return (await fetch(entry.url)).json();
}

// --- talking to the push service and to our server ------------------------------------

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function serverKey() {
  const response = await fetch("/push/key", { cache: "no-store" });
  if (!response.ok) throw new Error(`push key: ${response.status}`);
  return (await response.json()).publicKey;
}

// A push subscription made with `key`; an old one made with another key is dropped first.
async function pushSubscription(key, saved) {
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && saved?.key !== key) {
    await subscription.unsubscribe().catch(() => {});
    subscription = null;
  }
  return subscription || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body), cache: "no-store" });
  if (!response.ok && response.status !== 404) throw new Error(`${path}: ${response.status}`);
  return response;
}

// Subscribe (or change topics or language); → the saved state.
async function subscribe(topics, saved = savedAlerts()) {
  const key = await serverKey();
  const subscription = (await pushSubscription(key, saved)).toJSON();
  const lang = currentLanguage();
  await post("/push/subscribe", { subscription, topics, lang });
  const state = { subscription, topics, lang, key };
  saveAlerts(state);
  return state;
}

async function unsubscribe(saved = savedAlerts()) {
  if (saved?.subscription) await post("/push/unsubscribe", { subscription: saved.subscription });
  try {
    const registration = await navigator.serviceWorker.ready;
    await (await registration.pushManager.getSubscription())?.unsubscribe();
  } catch {
    // the browser's side is gone already
  }
  saveAlerts(null);
}

// --- the screen ------------------------------------------------------------------------

function say(key, values = {}) {
  lastStatus = [key, values];
  const status = $("alerts-status");
  if (status) status.textContent = key ? t(key, values) : "";
}

function checkbox(name, value, checked, ...label) {
  return h("label", { class: "alerts-check" },
    h("input", { type: "checkbox", name, value, checked: checked || undefined }), h("span", {}, ...label));
}

async function render() {
  const language = currentLanguage();
  const saved = savedAlerts();
  const choice = choiceOf(saved, followedServices());
  panel.replaceChildren(h("h2", { id: "alerts-title" }, t("alerts_title")), h("p", { role: "status" }, t("loading")));
  let bundle = { categories: [], services: [] };
  try {
    bundle = await storedBundle(language);
  } catch {
    // offline before anything was stored: notices and followed services still work
  }
  if (language !== currentLanguage() || panel.hidden) return;
  const names = new Map((bundle.services || []).map((s) => [s.id, s.name]));
  const areas = areasOf(bundle.services);
  const followed = choice.services.filter((id) => names.has(id));
  const form = h("form", { id: "alerts-form", class: "alerts-form", onsubmit: onSubmit },
    h("fieldset", {}, h("legend", {}, t("alerts_notices_legend")),
      checkbox("notices", "notices", choice.notices, t("alerts_topic_notices"))),
    h("fieldset", {}, h("legend", {}, t("alerts_categories_legend")),
      h("div", { class: "alerts-categories" }, topCategories(bundle.categories || []).map((category) =>
        checkbox("category", category.id, choice.categories.includes(category.id), categoryIcon(category, 24), category.name)))),
    h("label", { for: "alerts-area", class: "alerts-area-label" }, t("alerts_area_label")),
    h("input", { id: "alerts-area", name: "area", list: "alerts-areas", autocomplete: "off", maxlength: "40",
      value: choice.area, placeholder: areas[0] ? t("alerts_area_example", { example: areas[0] }) : undefined }),
    h("datalist", { id: "alerts-areas" }, areas.map((area) => h("option", { value: area }))),
    followed.length
      ? h("fieldset", {}, h("legend", {}, t("alerts_services_legend")),
        followed.map((id) => checkbox("service", id, true, h("bdi", {}, names.get(id)))))
      : h("p", { class: "hint" }, t("alerts_services_hint")),
    h("div", { class: "alerts-actions" },
      h("button", { type: "submit", class: "primary" }, t(saved ? "alerts_save" : "alerts_turn_on")),
      saved ? h("button", { type: "button", onclick: onTurnOff }, t("alerts_turn_off")) : null),
  );
  panel.replaceChildren(
    h("h2", { id: "alerts-title" }, t("alerts_title")),
    h("p", {}, t("alerts_intro")),
    h("p", { class: "hint" }, t("alerts_privacy")),
    supported() ? form : null,
    h("p", { id: "alerts-status", class: "alerts-status", role: "status", "aria-live": "polite" }),
  );
  if (!supported()) say("alerts_unsupported");
  else if (saved) say("alerts_on", { n: saved.topics.length });
  else say(null);
}

function formChoice(form) {
  const data = new FormData(form);
  return {
    notices: data.has("notices"),
    categories: data.getAll("category"),
    area: String(data.get("area") || ""),
    services: data.getAll("service"),
  };
}

async function onSubmit(event) {
  event.preventDefault();
  const choice = formChoice(event.currentTarget);
  const topics = topicsOf(choice);
  if (!topics.length) return say("alerts_choose_one");
  if (!navigator.onLine) return say("alerts_offline");
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission !== "granted") return say("alerts_blocked");
  say("alerts_working");
  try {
    const state = await subscribe(topics);
    await render();
    say("alerts_on", { n: state.topics.length });
  } catch {
    say("alerts_failed");
  }
}

async function onTurnOff() {
  if (!navigator.onLine) return say("alerts_offline");
  try {
    await unsubscribe();
    await render();
    say("alerts_off");
  } catch {
    say("alerts_failed");
  }
}

function showPanel(open) {
  panel.hidden = !open;
  $("alerts-button").setAttribute("aria-expanded", String(open));
  if (open) {
    $("languages").hidden = true;
    render().then(() => panel.querySelector("h2")?.focus());
  }
}

// --- a service's page: "Get alerts about this service" -----------------------------------

export function followButton(service) {
  if (offered === false) return null;
  const following = followedServices().includes(service.id);
  return h("button", {
    type: "button", class: "follow-button", "data-follow": service.id, "aria-pressed": String(following),
    onclick: (event) => toggleFollow(service.id, event.currentTarget),
  }, icon(BELL), h("span", {}, t(following ? "alerts_unfollow" : "alerts_follow")));
}

async function toggleFollow(id, button) {
  const on = !followedServices().includes(id);
  setFollowed(id, on);
  button.setAttribute("aria-pressed", String(on));
  button.querySelector("span").textContent = t(on ? "alerts_unfollow" : "alerts_follow");
  const saved = savedAlerts();
  if (!saved) {
    if (on) showPanel(true); // choose to turn alerts on; this service is ticked already
    return;
  }
  const topics = topicsOf({ ...choiceOf(saved, []), services: followedServices() });
  if (navigator.onLine && topics.length) await subscribe(topics, saved).catch(() => {});
}

// --- keeping a subscription working, quietly ---------------------------------------------

async function keepSubscription() {
  const saved = savedAlerts();
  if (!saved || !supported() || !navigator.onLine || Notification.permission !== "granted") return;
  try {
    const key = await serverKey();
    if (key !== saved.key || saved.lang !== currentLanguage()) await subscribe(saved.topics, saved);
  } catch {
    // try again next time the app opens
  }
}

// "#/notice/<id>" (a notification's link): show that notice on the list.
function showNotice(attempt = 0) {
  const match = location.hash.match(/^#\/notice\/(.+)$/);
  if (!match) return;
  const card = document.querySelector(`[data-notice="${CSS.escape(decodeURIComponent(match[1]))}"]`);
  if (!card) {
    if (attempt < 50) setTimeout(() => showNotice(attempt + 1), 100);
    return;
  }
  card.classList.add("notice-opened");
  card.setAttribute("tabindex", "-1");
  card.scrollIntoView({ block: "center" });
  card.focus();
}

function init() {
  const button = h("button", { id: "alerts-button", class: "alerts-button", type: "button", "aria-expanded": "false",
    "aria-controls": "alerts", hidden: true, onclick: () => showPanel(panel.hidden) },
  icon(BELL), h("span", { "data-i18n": "alerts_button" }, t("alerts_button")));
  $("language-button").before(button);
  panel = h("section", { id: "alerts", class: "alerts", hidden: true, "aria-labelledby": "alerts-title", tabindex: "-1" });
  $("languages").after(panel);
  $("language-button").addEventListener("click", () => showPanel(false));
  // A new interface language: the screen in it, and the alerts too from now on.
  new MutationObserver(() => {
    if (!panel.hidden) render().then(() => lastStatus?.[0] && say(...lastStatus));
    keepSubscription();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  alertsOffered().then((yes) => {
    offered = yes;
    button.hidden = !yes;
    if (!yes) document.querySelectorAll("[data-follow]").forEach((follow) => follow.remove());
  });
  window.addEventListener("hashchange", () => showNotice());
  // A tapped notification while the app is open: the worker asks this window to show it.
  navigator.serviceWorker?.addEventListener("message", (event) => {
    const url = event.data?.type === "open" ? String(event.data.url || "") : "";
    if (url.startsWith("/#/")) location.hash = url.slice(2);
  });
  showNotice();
  setTimeout(keepSubscription, 3000); // after the page has what it needs
}

if (typeof document !== "undefined" && $("language-button")) init();
