// Harbour's page: pick a language, load its bundle, search and filter it, show a service.
// Plain ES modules, no framework, nothing from another host.
import * as data from "./data.js";
import { renderDetail } from "./detail.js";
import { h } from "./dom.js";
import { renderFilterBar, sync as syncFilterBar } from "./filter-bar.js";
import { activeFilters, applyFilters, emptyFilters } from "./filters.js";
import { formatDate } from "./format.js";
import { locate } from "./geo.js";
import { applyLanguage, chooseLanguage, loadLanguages, saveLanguage, t } from "./i18n.js";
import { activeNotices, noticesForList, renderNotices } from "./notices.js";
import * as offline from "./offline.js";
import { renderResults } from "./results.js";
import { createSearch } from "./search.js";

// The data side's API, whichever of its versions this shell was built with.
const loadBundle = data.loadData || data.loadBundle;
const onDataUpdated = data.onDataUpdated || offline.onDataUpdated;

const $ = (id) => document.getElementById(id);
const state = {
  languages: {},
  language: "en",
  bundle: null,
  byId: new Map(),
  search: null,
  querySeq: 0,
  filters: emptyFilters(),
  position: null, // the phone's position while "near me" is on; memory only, never sent
  nearNote: null,
};

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
  drawFilterBar();
  if (state.nearNote) nearNote(state.nearNote);
  await showResults();
  route();
  showDataStatus();
  saveForOffline(language);
}

// Redraw the filters for new data, keeping focus on the control that had it.
function drawFilterBar() {
  const focused = document.activeElement;
  const key = focused?.closest?.("#filters") ? focused.dataset.filter || focused.dataset.category || focused.id : null;
  renderFilterBar($("filters"), state.bundle, state.filters, { onChange: showResults, onNear: setNear });
  if (key) $("filters").querySelector(`[data-filter="${key}"], [data-category="${key}"], #${CSS.escape(key)}`)?.focus();
}

// Says whether this language works offline yet. (data.js asks the worker too and marks
// <html data-offline-ready>; the answer is shared, so this costs no second download.)
async function saveForOffline(language) {
  if (!offline.keepForOffline) return;
  const root = document.documentElement;
  say($("offline-status"), navigator.onLine ? "offline_saving" : "offline_now");
  const answer = await offline.keepForOffline(language).catch(() => ({ ready: false }));
  if (language !== state.language) return;
  if (answer.ready) {
    root.dataset.offlineReady = "true";
    say($("offline-status"), navigator.onLine ? "offline_ready" : "offline_now");
  } else {
    say($("offline-status"), "offline_failed");
  }
}

// "Up to date" or "Data from 27 November": how fresh what the person sees is.
async function showDataStatus() {
  let status = null;
  try {
    status = data.dataStatus ? await data.dataStatus() : null;
  } catch {
    status = null;
  }
  const generated = status?.generated || state.bundle?.generated;
  const element = $("data-status");
  element.dataset.state = status?.state || "unknown";
  if (!generated) return say(element, null);
  const date = formatDate(generated, state.language);
  say(element, status?.state === "up-to-date" ? "data_up_to_date" : "data_from", { date });
}

// --- notices, search, filters ----------------------------------------------------

function currentNotices(now) {
  return activeNotices(state.bundle?.notices, now, state.bundle?.timezone);
}

function showNotices(now) {
  renderNotices($("notices"), noticesForList(currentNotices(now), state.filters.category), state.bundle);
}

// The note under the filters: which message, so a change of language can say it again.
function nearNote(key) {
  state.nearNote = key;
  $("near-note").hidden = !key;
  say($("near-note"), key);
}

async function setNear(on) {
  state.filters.near = on;
  state.position = null;
  syncFilterBar($("filters"), state.filters);
  if (on) {
    nearNote("near_finding");
    try {
      state.position = await locate();
      nearNote("near_private");
    } catch {
      state.filters.near = false;
      syncFilterBar($("filters"), state.filters);
      nearNote("near_failed");
    }
  } else {
    nearNote(null);
  }
  await showResults();
}

async function showResults() {
  if (!state.bundle) return;
  const query = $("q").value;
  const seq = ++state.querySeq;
  const ids = await state.search.query(query);
  if (seq !== state.querySeq) return; // a newer keystroke already answered
  const now = new Date();
  const found = ids ? ids.map((id) => state.byId.get(id)).filter(Boolean) : state.bundle.services;
  const context = { now, position: state.position, categories: state.bundle.categories, timeZone: state.bundle.timezone };
  const services = applyFilters(found, state.filters, context);
  renderResults($("results"), services, state.bundle, context);
  showNotices(now);
  const filtered = activeFilters(state.filters);
  // Which query and filters the list answers (tests wait on these).
  $("results").dataset.query = query;
  $("results").dataset.filters = filtered.join(" ");
  $("results").dataset.order = state.filters.near && state.position ? "distance" : "relevance";
  if ((ids || filtered.length) && !services.length) say($("status"), filtered.length ? "no_results_filtered" : "no_results");
  else say($("status"), ids || filtered.length ? "results_count" : "all_services", { n: services.length });
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
    const now = new Date();
    const context = { now, position: state.position, notices: currentNotices(now), languages: state.languages };
    if (service) renderDetail(detail, service, state.bundle, context);
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
    showResults(); // "open now" may have changed while the person read
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
  window.addEventListener("offline", () => {
    say($("offline-status"), "offline_now");
    showDataStatus();
  });
  onDataUpdated?.(async () => {
    await loadData();
    say($("status"), "data_updated");
  });
  data.onDataStatus?.(() => state.bundle && showDataStatus());
  await offline.registerWorker?.();
  await loadData();
}

start();
