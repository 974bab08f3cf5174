// The interface language: a saved choice, else the phone's languages, else ask.
// The choice is kept on this phone only (localStorage; never a cookie, never sent).
import { intlLocales } from "./format.js";

const SAVED_KEY = "harbour.language";
const DEFAULT_LANGUAGE = "en";
// Browsers call Dari "fa-AF"; Persian readers from Iran read Dari far better than English.
const ALIASES = { "fa-af": "prs", fa: "prs", "fa-ir": "prs", prs: "prs" };

let strings = {};
let english = {};
let current = DEFAULT_LANGUAGE;

export async function loadLanguages() {
  const response = await fetch("/i18n/languages.json");
  return response.json();
}

export function savedLanguage() {
  try {
    return localStorage.getItem(SAVED_KEY);
  } catch {
    return null; // storage blocked: behave as a first visit
  }
}

export function saveLanguage(code) {
  try {
    localStorage.setItem(SAVED_KEY, code);
  } catch {
    // the choice lasts for this visit only
  }
}

// → {code, sure}: `sure` is false when nothing matched and the picker should ask.
export function chooseLanguage(languages, saved = savedLanguage(), preferred = navigator.languages || []) {
  if (saved && languages[saved]) return { code: saved, sure: true };
  for (const tag of preferred) {
    const lower = String(tag).toLowerCase();
    const base = lower.split("-")[0];
    const code = ALIASES[lower] || ALIASES[base] || base;
    if (languages[code]) return { code, sure: true };
  }
  return { code: DEFAULT_LANGUAGE, sure: false };
}

async function fetchStrings(code) {
  const response = await fetch(`/i18n/${code}.json`);
  if (!response.ok) throw new Error(`no strings for ${code}`);
  return response.json();
}

// Load a language's strings and turn the page to it: lang, dir and every data-i18n text.
export async function applyLanguage(code, languages) {
  if (!english.app_name) english = await fetchStrings(DEFAULT_LANGUAGE);
  strings = code === DEFAULT_LANGUAGE ? english : await fetchStrings(code);
  current = code;
  const root = document.documentElement;
  root.lang = code;
  root.dir = languages[code]?.dir || "ltr";
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  document.title = t("app_name");
}

export function currentLanguage() {
  return current;
}

// Strings for tests and tools that have no page to load them into.
export function useStrings(code, table, englishTable = table) {
  current = code;
  strings = table;
  english = englishTable;
}

// A plural string is an object of CLDR forms ({one, few, many, other…}); the language's
// own rules pick the form, "other" when a form is missing.
function pluralForm(forms, n, language) {
  let category = "other";
  try {
    category = new Intl.PluralRules(intlLocales(language)).select(Number(n));
  } catch {
    // no rules for this language: "other"
  }
  return forms[category] ?? forms.other ?? Object.values(forms)[0];
}

function formatValue(value, language) {
  if (typeof value !== "number") return String(value);
  try {
    return new Intl.NumberFormat(intlLocales(language)).format(value);
  } catch {
    return String(value);
  }
}

// A UI string with {placeholders} filled; English if a translation lacks it, never a bare key.
export function t(key, values = {}) {
  const own = strings[key] !== undefined;
  const language = own ? current : DEFAULT_LANGUAGE;
  let template = own ? strings[key] : english[key] ?? key;
  if (template && typeof template === "object") template = pluralForm(template, values.n ?? 0, language);
  return String(template).replace(/\{(\w+)\}/g, (match, name) => (name in values ? formatValue(values[name], language) : match));
}
