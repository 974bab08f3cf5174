// Harbour's page: pick a language, load its bundle, search it, show a service.
// Plain ES modules, no framework, nothing from another host.
import { loadBundle } from "./data.js";
import { renderDetail } from "./detail.js";
import { h } from "./dom.js";
import { applyLanguage, chooseLanguage, loadLanguages, saveLanguage, t } from "./i18n.js";
import { keepForOffline, onDataUpdated, registerWorker } from "./offline.js";
import { renderResults } from "./results.js";
import { createSearch } from "./search.js";

const $ = (id) => document.getElementById(id);
const state = { languages: {}, language: "en", bundle: null, byId: new Map(), search: null, querySeq: 0 };

function say(element, key, values) {
  element.textContent = key ? t(key, values) : "";
}

// --- language picker -----------------------------------------------------------

function buildPicker() {
  $("language-list").replaceChildren(
    ...Object.entries(state.languages).map(([code, { name, dir }]) =>
      h(
        "li",
        {},
        h("button", { type: "button", lang: code, dir, "data-language": code, onclick: () => pickLanguage(code) }, name),
      ),
    ),
  );
  $("language-button").addEventListener("click", () => showPicker($("languages").hidden));
}

function showPicker(open) {
  $("languages").hidden = !open;
  $("language-button").setAttribute("aria-expanded", String(open));
  if (open) $("language-list").querySelector(`[data-language="${state.language}"]`)?.focus();
}

async function pickLanguage(code) {
  saveLanguage(code);
  showPicker(false);
  if (code !== state.language) await setLanguage(code);
  $("q").focus();
}

async function setLanguage(code) {
  state.language = code;
  await applyLanguage(code, state.languages);
  $("language-name").textContent = state.languages[code].name;
  for (const button of $("language-list").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.language === code));
  }
  if (state.bundle) await loadData();
}

// --- data and offline ----------------------------------------------------------

async function loadData() {
  const language = state.language;
  say($("status"), "loading");
  let bundle;
  try {
    bundle = await loadBundle(language);
  } catch {
    say($("status"), "no_data");
    return;
  }
  if (language !== state.language) return loadData(); // the person switched language meanwhile
  state.bundle = bundle;
  state.byId = new Map(bundle.services.map((s) => [s.id, s]));
  await state.search.index(bundle.services);
  await showResults();
  route();
  saveForOffline(language);
}

async function saveForOffline(language) {
  const root = document.documentElement;
  delete root.dataset.offlineReady;
  say($("offline-status"), navigator.onLine ? "offline_saving" : "offline_now");
  const answer = await keepForOffline(language).catch(() => ({ ready: false }));
  if (language !== state.language) return;
  if (answer.ready) {
    root.dataset.offlineReady = "true";
    say($("offline-status"), navigator.onLine ? "offline_ready" : "offline_now");
  } else {
    say($("offline-status"), "offline_failed");
  }
}

// --- search --------------------------------------------------------------------

async function showResults() {
  if (!state.bundle) return;
  const query = $("q").value;
  const seq = ++state.querySeq;
  const ids = await state.search.query(query);
  if (seq !== state.querySeq) return; // a newer keystroke already answered
  const services = ids ? ids.map((id) => state.byId.get(id)).filter(Boolean) : state.bundle.services;
  renderResults($("results"), services, state.bundle);
  $("results").dataset.query = query; // which query the list answers (tests wait on it)
  if (ids && !services.length) say($("status"), "no_results");
  else say($("status"), ids ? "results_count" : "all_services", { n: services.length });
}

// --- views: #/ is the list, #/service/<id> one service ----------------------------

let listScroll = 0;
let shownId = null;

function route() {
  const match = location.hash.match(/^#\/service\/(.+)$/);
  const detail = $("detail");
  if (match && state.bundle) {
    const id = decodeURIComponent(match[1]);
    const service = state.byId.get(id);
    if (service) renderDetail(detail, service, state.bundle, state.languages);
    else detail.replaceChildren(h("a", { class: "back", href: "#/" }, t("back")), h("p", {}, t("not_found")));
    if (shownId === id) return; // fresher data for the same service: keep the reader's place
    if (detail.hidden) listScroll = window.scrollY;
    shownId = id;
    $("search-view").hidden = true;
    detail.hidden = false;
    window.scrollTo(0, 0);
    (detail.querySelector("h1") || detail).focus();
  } else if (!match && !detail.hidden) {
    shownId = null;
    detail.hidden = true;
    $("search-view").hidden = false;
    window.scrollTo(0, listScroll);
  }
}

// --- start ---------------------------------------------------------------------

async function start() {
  state.languages = await loadLanguages();
  const choice = chooseLanguage(state.languages);
  buildPicker();
  await setLanguage(choice.code);
  if (!choice.sure) showPicker(true);
  state.search = createSearch();
  $("search-form").addEventListener("submit", (event) => event.preventDefault());
  $("q").addEventListener("input", showResults);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => state.bundle && saveForOffline(state.language));
  window.addEventListener("offline", () => say($("offline-status"), "offline_now"));
  onDataUpdated(async () => {
    await loadData();
    say($("status"), "data_updated");
  });
  await registerWorker();
  await loadData();
}

start();
