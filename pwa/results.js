// The list of services: each item one link, named by the service, with what helps
// choose at a glance: a category picture, open now, free, how far.
import { categoryIcon, h } from "./dom.js";
import { topCategoryOf } from "./filters.js";
import { formatDistance } from "./format.js";
import { serviceDistance } from "./geo.js";
import { hasHours, isOpenNow } from "./hours.js";
import { t } from "./i18n.js";

// Text that fell back to the source language is marked so, for screen readers and fonts.
export function langOf(service, key, bundle) {
  return service.fallback?.includes(key) ? { lang: bundle.source_language, dir: "auto" } : {};
}

export function serviceHref(id) {
  return `#/service/${encodeURIComponent(id)}`;
}

function facts(service, bundle, context) {
  const items = [];
  if (hasHours(service.schedules)) {
    items.push(
      isOpenNow(service.schedules, context.now, bundle.timezone)
        ? h("span", { class: "fact open" }, t("open_now"))
        : h("span", { class: "fact closed" }, t("closed_now")),
    );
  }
  if ((service.attributes || []).includes("free")) {
    const free = (bundle.attributes || []).find((a) => a.code === "free");
    if (free?.name) items.push(h("span", { class: "fact" }, free.name));
  }
  const km = serviceDistance(service, context.position);
  if (km !== null) items.push(h("span", { class: "fact distance" }, formatDistance(km, bundle.language)));
  return items.length ? h("span", { class: "result-facts" }, items) : null;
}

// `context`: {now, position}; the position, when known, only measures distances here.
export function renderResults(list, services, bundle, context) {
  const categories = new Map(bundle.categories.map((c) => [c.id, c]));
  list.replaceChildren(
    ...services.map((service) => {
      const category = categories.get(service.categories?.[0]);
      // Each part isolated: an English organisation name must not reorder an Arabic line.
      const parts = [service.org, category?.name].filter(Boolean).map((text) => h("bdi", {}, text));
      const meta = parts.length ? parts.flatMap((part, i) => (i ? [" · ", part] : [part])) : null;
      return h(
        "li",
        {},
        h(
          "a",
          { href: serviceHref(service.id), class: "result" },
          categoryIcon(topCategoryOf(service, bundle.categories)),
          h(
            "span",
            { class: "result-text" },
            h("span", { class: "result-name", ...langOf(service, "name", bundle) }, service.name),
            meta ? h("span", { class: "result-meta" }, meta) : null,
            facts(service, bundle, context),
          ),
        ),
      );
    }),
  );
}
