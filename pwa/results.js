// The list of services: each item one link, named by the service.
import { h } from "./dom.js";

// Text that fell back to the source language is marked so, for screen readers and fonts.
export function langOf(service, key, bundle) {
  return service.fallback?.includes(key) ? { lang: bundle.source_language, dir: "auto" } : {};
}

export function serviceHref(id) {
  return `#/service/${encodeURIComponent(id)}`;
}

export function renderResults(list, services, bundle) {
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
          h("span", { class: "result-name", ...langOf(service, "name", bundle) }, service.name),
          meta ? h("span", { class: "result-meta" }, meta) : null,
        ),
      );
    }),
  );
}
