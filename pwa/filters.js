// Which services a set of filters keeps, and in what order. Pure: the page passes
// in the bundle's categories, the clock and (for "near me") the phone's position.
import { sortByDistance } from "./geo.js";
import { isOpenNow } from "./hours.js";

// Attributes offered as filters, the ones people ask for most first. "Appointment
// needed" is a condition, not a wish, so it is never a filter.
export const ATTRIBUTE_ORDER = ["free", "no-status-check", "no-id-needed", "interpreters", "walk-in", "women-only"];
const NOT_A_FILTER = new Set(["appointment-needed"]);

// Dari and Persian are one language in two standards: someone who reads one reads the other.
const SAME_LANGUAGE = { prs: ["prs", "fa"], fa: ["fa", "prs"] };

export function emptyFilters() {
  return { category: null, open: false, near: false, attributes: [], language: "" };
}

// The attribute codes worth a filter button, in the order above then the bundle's.
export function filterAttributes(attributes) {
  const codes = (attributes || []).map((a) => a.code).filter((code) => !NOT_A_FILTER.has(code));
  const rank = (code) => (ATTRIBUTE_ORDER.includes(code) ? ATTRIBUTE_ORDER.indexOf(code) : ATTRIBUTE_ORDER.length);
  return codes.map((code, i) => ({ code, i })).sort((a, b) => rank(a.code) - rank(b.code) || a.i - b.i).map((x) => x.code);
}

// Top-level categories: the ones shown as icons. A sub-category filters under its parent.
export function topCategories(categories) {
  return (categories || []).filter((c) => !c.parent);
}

export function ancestors(categoryId, categories) {
  const byId = new Map((categories || []).map((c) => [c.id, c]));
  const seen = [];
  for (let id = categoryId; id && !seen.includes(id); id = byId.get(id)?.parent) seen.push(id);
  return seen;
}

// The first top-level category a service belongs to (for its icon in the list).
export function topCategoryOf(service, categories) {
  for (const id of service.categories || []) {
    const chain = ancestors(id, categories);
    const top = (categories || []).find((c) => c.id === chain[chain.length - 1]);
    if (top) return top;
  }
  return null;
}

export function speaks(service, language) {
  const wanted = SAME_LANGUAGE[language] || [language];
  return (service.languages || []).some((l) => l.code && wanted.includes(String(l.code).toLowerCase().split("-")[0]));
}

// Languages spoken at any service: code → how many services speak it.
export function spokenLanguages(services) {
  const counts = new Map();
  for (const service of services || []) {
    const codes = new Set((service.languages || []).map((l) => l.code && String(l.code).toLowerCase().split("-")[0]));
    for (const code of codes) if (code) counts.set(code, (counts.get(code) || 0) + 1);
  }
  return counts;
}

export function activeFilters(filters) {
  const keys = [];
  if (filters.category) keys.push("category");
  if (filters.open) keys.push("open");
  if (filters.near) keys.push("near");
  keys.push(...filters.attributes);
  if (filters.language) keys.push(`language-${filters.language}`);
  return keys;
}

export function matches(service, filters, context = {}) {
  if (filters.category && !(service.categories || []).some((id) => ancestors(id, context.categories).includes(filters.category))) {
    return false;
  }
  const attributes = service.attributes || [];
  if (!filters.attributes.every((code) => attributes.includes(code))) return false;
  if (filters.language && !speaks(service, filters.language)) return false;
  if (filters.open && !isOpenNow(service.schedules, context.now || new Date(), context.timeZone)) return false;
  return true;
}

// → the services kept, nearest first when "near me" is on and the position is known.
export function applyFilters(services, filters, context = {}) {
  const kept = services.filter((service) => matches(service, filters, context));
  return filters.near && context.position ? sortByDistance(kept, context.position) : kept;
}
