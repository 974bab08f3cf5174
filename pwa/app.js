// Harbour's page: pick a language, load its bundle, search and filter it, show a service.
// Plain ES modules, no framework, nothing from another host.
import * as data from "./data.js";
import { renderDetail } from "./detail.js";
import { h } from "./dom.js";
import { renderFilterBar, sync as syncFilterBar } from "./filter-bar.js";
import { activeFilters, applyFilters, emptyFilters } from "./filters.js";
import { formatDate } from "./format.js";
import { locate } from "./geo.js";
import { applyLanguage, chooseLanguage, currentLanguage, loadLanguages, saveLanguage, t } from "./i18n.js";
import { normalise } from "./normalise.js";
import { activeNotices, noticesForList, renderNotices } from "./notices.js";
import * as offline from "./offline.js";
import { PAGE_SIZE, pagedResults } from "./results.js";
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
  results: null, // the paged list (results.js)
};

const said = new WeakMap(); // element → [key, values, language of the strings] it last said

function say(element, key, values) {
  // The same words are not set (nor announced) again; counts are formatted only when they change.
  const what = [key, JSON.stringify(values || {}), currentLanguage()];
  const last = said.get(element);
  if (last && what.every((item, i) => item === last[i])) return;
  said.set(element, what);
  const text = key ? t(key, values) : "";
  if (element.textContent !== text) element.textContent = text;
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
  // Not awaited: the list (all services, or the filters' answer) shows at once; a query
  // waits for the index inside search.js, and its answer replaces the list.
  const indexing = state.search.index(bundle.services);
  const shown = showResults(); // the list first: the filters take a while to draw
  drawFilterBar();
  if (state.nearNote) nearNote(state.nearNote);
  route();
  showDataStatus();
  saveForOffline(language);
  await Promise.all([shown, indexing]);
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

let noticesShown = null; // what the notices on top were drawn for: not drawn again per keystroke

// The notices on top, looked at again when the data, the category or the minute changes.
function showNotices(now, bundle = state.bundle) {
  const key = [bundle, state.filters.category, Math.floor(now.getTime() / 60000)];
  if (noticesShown && key.every((item, i) => item === noticesShown[i])) return;
  noticesShown = key;
  const notices = noticesForList(activeNotices(bundle?.notices, now, bundle?.timezone), state.filters.category);
  renderNotices($("notices"), notices, bundle);
}

// Opening the app: the list's first page as last shown, while the bundle is read (a
// second or more on a slow phone). Only when the stored bundle is still the one it came
// from, and nothing else was asked for meanwhile; the whole list replaces it.
async function showFirstPage(language) {
  if (!data.storedFirstPage || /^#\/service\//.test(location.hash)) return;
  const first = await data.storedFirstPage(language).catch(() => null);
  if (!first || state.bundle || language !== state.language || $("q").value || activeFilters(state.filters).length) return;
  const now = new Date();
  state.results.show(first.services, first.bundle, { now, position: null }, first.total);
  showNotices(now, first.bundle);
  say($("status"), "all_services", { n: first.total });
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
  // Nothing to search for (empty, or only spaces and marks): every service, no need to
  // wait for the search index. Else the worker answers; a newer keystroke drops this one.
  const found = normalise(query) ? await state.search.query(query) : null; // positions in bundle.services
  if (seq !== state.querySeq || found === undefined) return; // a newer keystroke already answered
  const now = new Date();
  // "Open now" goes by whole minutes of the city's clock: the start of this minute
  // answers the same, and the keystrokes of one minute share the clock's reading.
  const minute = new Date(Math.floor(now.getTime() / 60000) * 60000);
  const all = state.bundle.services;
  const matched = found ? Array.from(found, (i) => all[i]).filter(Boolean) : all;
  const context = { now: minute, position: state.position, categories: state.bundle.categories, timeZone: state.bundle.timezone };
  const filtered = activeFilters(state.filters);
  const services = filtered.length ? applyFilters(matched, state.filters, context) : matched;
  state.results.show(services, state.bundle, context); // a page at a time; the same list is not drawn again
  if (!found && !filtered.length) data.keepFirstPage?.(state.bundle, services.slice(0, PAGE_SIZE), services.length);
  showNotices(now);
  // Which query and filters the list answers (tests wait on these).
  $("results").dataset.query = query;
  $("results").dataset.filters = filtered.join(" ");
  $("results").dataset.order = state.filters.near && state.position ? "distance" : "relevance";
  if ((found || filtered.length) && !services.length) say($("status"), filtered.length ? "no_results_filtered" : "no_results");
  else say($("status"), found || filtered.length ? "results_count" : "all_services", { n: services.length });
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
  state.results = pagedResults($("results"), $("show-more"), $("results-shown"));
  $("show-more").addEventListener("click", () => state.results.showMore());
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
  offline.registerWorker?.(); // data.js registers it too; nothing here waits for it
  showFirstPage(state.language);
  await loadData();
}

start();
