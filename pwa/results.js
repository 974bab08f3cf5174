// The list of services: each item one link, named by the service, with what helps
// choose at a glance: a category picture, open now, free, how far.
//
// A page at a time: the first PAGE_SIZE results, then a real "Show more" button for
// the next page. Drawing 10,000 links on a cheap phone takes seconds; the person
// reads the first few. The count of all results is said in the status line
// (app.js), and "Showing 20 of 312" under the list says how many are drawn.
import { categoryIcon } from "./dom.js";
import { topCategoryOf } from "./filters.js";
import { formatDistance } from "./format.js";
import { serviceDistance } from "./geo.js";
import { hasHours, isOpenNow } from "./hours.js";
import { t } from "./i18n.js";

export const PAGE_SIZE = 20;

// Text that fell back to the source language is marked so, for screen readers and fonts.
export function langOf(service, key, bundle) {
  return service.fallback?.includes(key) ? { lang: bundle.source_language, dir: "auto" } : {};
}

export function serviceHref(id) {
  return `#/service/${encodeURIComponent(id)}`;
}

/** How many results to draw after "Show more" when `shown` of `total` are drawn. */
export function nextPageEnd(shown, total, size = PAGE_SIZE) {
  return Math.min(total, Math.max(0, shown) + size);
}

/** True when two result lists hold the same services in the same order (ids compared). */
export function sameServices(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]?.id !== b[i]?.id) return false;
  return true;
}

/**
 * How to draw a new answer given what is drawn: "skip" (the same services, drawn the
 * same way: leave the DOM alone), "redraw" (the same services, but what an item shows
 * may differ — newer data, another minute for "open now", another position — so keep
 * as many drawn as before) or "reset" (other services: the first page).
 * `drawn` and `next`: {services, bundle, position, minute}.
 */
export function drawPlan(drawn, next) {
  if (!drawn || drawn.partial || !sameServices(drawn.services, next.services)) return "reset";
  const same = drawn.bundle === next.bundle && drawn.position === next.position && drawn.minute === next.minute;
  return same ? "skip" : "redraw";
}

// Items are built with plain DOM calls and cloned icons, not dom.js's h(): typing
// draws a page of them at each keystroke on slow phones. Text goes in as text only.
function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function facts(service, bundle, context, look) {
  const items = [];
  if (hasHours(service.schedules)) {
    items.push(
      isOpenNow(service.schedules, context.now, bundle.timezone)
        ? element("span", "fact open", look.text.open)
        : element("span", "fact closed", look.text.closed),
    );
  }
  if (look.text.free && (service.attributes || []).includes("free")) items.push(element("span", "fact", look.text.free));
  const km = serviceDistance(service, context.position);
  if (km !== null) items.push(element("span", "fact distance", formatDistance(km, bundle.language)));
  if (!items.length) return null;
  const line = element("span", "result-facts");
  line.append(...items);
  return line;
}

function item(service, bundle, context, look) {
  const category = look.categories.get(service.categories?.[0]);
  const li = document.createElement("li");
  const link = element("a", "result");
  link.href = serviceHref(service.id);
  const text = element("span", "result-text");
  const name = element("span", "result-name", service.name);
  const { lang, dir } = langOf(service, "name", bundle);
  if (lang) name.lang = lang;
  if (dir) name.dir = dir;
  text.append(name);
  // Each part isolated: an English organisation name must not reorder an Arabic line.
  const parts = [service.org, category?.name].filter(Boolean);
  if (parts.length) {
    const meta = element("span", "result-meta");
    parts.forEach((part, i) => {
      if (i) meta.append(" · ");
      meta.append(element("bdi", "", part));
    });
    text.append(meta);
  }
  const line = facts(service, bundle, context, look);
  if (line) text.append(line);
  link.append(look.icon(service), text);
  li.append(link);
  return li;
}

// What drawing items of one bundle looks up again and again: categories by id, the
// top category of a service (by its list of categories) and its picture, the words.
function lookups(bundle) {
  const categories = new Map((bundle.categories || []).map((c) => [c.id, c]));
  const tops = new Map();
  const icons = new Map();
  return {
    categories,
    topCategory(service) {
      const key = (service.categories || []).join(" ");
      if (!tops.has(key)) tops.set(key, topCategoryOf(service, bundle.categories));
      return tops.get(key);
    },
    icon(service) {
      const top = this.topCategory(service);
      if (!icons.has(top)) icons.set(top, categoryIcon(top));
      return icons.get(top).cloneNode(false);
    },
    text: {
      open: t("open_now"),
      closed: t("closed_now"),
      free: (bundle.attributes || []).find((a) => a.code === "free")?.name || null,
    },
  };
}

/**
 * Draw every one of `services` into `list` (no paging). `context`: {now, position};
 * the position, when known, only measures distances here.
 */
export function renderResults(list, services, bundle, context) {
  const look = lookups(bundle);
  list.replaceChildren(...services.map((service) => item(service, bundle, context, look)));
}

/**
 * The paged list: `list` the <ul>, `more` the "Show more" <button>, `shown` the line
 * saying how many of how many are drawn. Returns {show, showMore, count}.
 */
export function pagedResults(list, more, shown) {
  let drawn = null; // {services, bundle, context, position, minute, look, count, total, partial}
  let items = new Map(); // service id → its drawn <li>, while bundle, minute and position stay
  let said = null; // what the count line and the button last said, so typing does not set them again

  // The <li> of drawn.services[i]: the one already drawn when it still shows the same.
  function itemAt(i, reuse) {
    const service = drawn.services[i];
    const old = reuse.get(service.id);
    return old && old.service === service ? old : { service, li: item(service, drawn.bundle, drawn.context, drawn.look) };
  }

  // Draw the first `to` services. Items still valid (`reuse`) that are already in
  // place at the top of the list stay there untouched (moving a node redraws it):
  // only the rest of the list is replaced.
  function draw(to, reuse) {
    const next = new Map();
    const made = [];
    let kept = 0;
    for (let i = 0; i < to; i++) {
      const entry = itemAt(i, reuse);
      next.set(entry.service.id, entry);
      made.push(entry.li);
      if (kept === i && list.children[i] === entry.li) kept += 1;
    }
    while (list.children.length > kept) list.lastElementChild.remove();
    list.append(...made.slice(kept));
    items = next;
    drawn.count = to;
  }

  function sayShown() {
    const total = drawn.total;
    const rest = total - drawn.count;
    // The words depend on the numbers and the language (a new language comes with new data).
    const counts = [total, drawn.count, rest > 0 && !drawn.partial, drawn.bundle];
    if (said && counts.every((value, i) => value === said[i])) return;
    said = counts;
    list.dataset.total = String(total);
    list.dataset.shown = String(drawn.count);
    more.hidden = !counts[2]; // nothing more, or the rest is not loaded yet
    shown.hidden = rest <= 0;
    more.textContent = t("show_more");
    shown.textContent = t("results_shown", { shown: drawn.count, n: total });
  }

  return {
    /**
     * Draw `services` (all the answer): the first page, or as many as before when the
     * list is the same. With `total` greater than services.length, `services` is only
     * the first page of `total` (kept from the last visit): no "Show more" until the
     * whole answer is shown. → "skip", "redraw" or "reset" (see drawPlan).
     */
    show(services, bundle, context, total = services.length) {
      const next = { services, bundle, context, position: context.position, minute: Math.floor(context.now / 60000) };
      const plan = drawPlan(drawn, next);
      if (plan === "skip") return "skip";
      const keep = plan === "redraw" ? drawn.count : 0;
      // Items drawn for the same data, minute and position look the same: move them, do not redraw them.
      const reusable = drawn && drawn.bundle === bundle && drawn.minute === next.minute && drawn.position === next.position;
      drawn = { ...next, look: reusable ? drawn.look : lookups(bundle), count: 0, total, partial: total > services.length };
      draw(keep || Math.min(services.length, PAGE_SIZE), reusable ? items : new Map());
      sayShown();
      return plan;
    },
    /** Draw the next page; focus moves to its first link, so a keyboard or screen reader carries on there. */
    showMore() {
      if (!drawn || drawn.partial || drawn.count >= drawn.services.length) return;
      const from = drawn.count;
      const to = nextPageEnd(from, drawn.services.length);
      const added = [];
      for (let i = from; i < to; i++) {
        const entry = itemAt(i, items);
        items.set(entry.service.id, entry);
        added.push(entry.li);
      }
      list.append(...added);
      drawn.count = to;
      sayShown();
      added[0]?.querySelector("a")?.focus();
    },
    get count() {
      return drawn ? drawn.count : 0;
    },
  };
}
