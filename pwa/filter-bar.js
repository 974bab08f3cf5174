// The filter controls: category pictures with words, "open now" and "near me" always
// in reach, the rest behind "More filters". Real buttons with aria-pressed and a
// labelled <select>, so screen readers say what each does and whether it is on.
// The state lives in app.js; this module draws it and reports changes.
import { categoryIcon, h, icon, ICONS } from "./dom.js";
import { activeFilters, filterAttributes, spokenLanguages, topCategories } from "./filters.js";
import { intlLocales } from "./format.js";
import { t } from "./i18n.js";

function toggle(key, label, pressed, onclick, extra = {}) {
  return h(
    "button",
    { type: "button", class: "toggle", "data-filter": key, "aria-pressed": String(pressed), onclick, ...extra },
    icon(ICONS.check, "icon tick"),
    extra.iconPath ? icon(extra.iconPath) : null,
    h("span", {}, label),
  );
}

function displayName(code, language) {
  try {
    return new Intl.DisplayNames(intlLocales(language), { type: "language", fallback: "none" }).of(code) || null;
  } catch {
    return null;
  }
}

// "Arabic — العربية": the reader's word for it and the language's own name.
export function languageLabel(code, language) {
  const here = displayName(code, language);
  const own = displayName(code, code === "prs" ? "fa-AF" : code);
  if (here && own && here !== own) return `${here} — ${own}`;
  return here || own || code;
}

function languageOptions(services, filters, language) {
  const counts = spokenLanguages(services);
  const codes = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
  // The reader's own language first: the likeliest choice.
  if (counts.has(language)) {
    codes.splice(codes.indexOf(language), 1);
    codes.unshift(language);
  }
  return [
    h("option", { value: "" }, t("filter_any_language")),
    ...codes.map((code) => h("option", { value: code, selected: code === filters.language }, languageLabel(code, language))),
  ];
}

// Draw the bar for a bundle. `onChange(filters)` runs after every change.
export function renderFilterBar(container, bundle, filters, { onChange, onNear }) {
  const wasOpen = container.querySelector("#more-filters")?.hidden === false; // a redraw keeps it open
  const changed = () => {
    sync(container, filters);
    onChange(filters);
  };
  const categories = topCategories(bundle.categories).map((category) =>
    h(
      "button",
      {
        type: "button",
        class: "category",
        "data-category": category.id,
        "aria-pressed": String(filters.category === category.id),
        onclick: () => {
          filters.category = filters.category === category.id ? null : category.id;
          changed();
        },
      },
      categoryIcon(category),
      h("span", {}, category.name),
    ),
  );
  const attributeNames = new Map((bundle.attributes || []).map((a) => [a.code, a.name]));
  const attributes = filterAttributes(bundle.attributes).map((code) =>
    toggle(code, attributeNames.get(code) || code, filters.attributes.includes(code), () => {
      const at = filters.attributes.indexOf(code);
      if (at >= 0) filters.attributes.splice(at, 1);
      else filters.attributes.push(code);
      changed();
    }),
  );
  const select = h(
    "select",
    {
      id: "language-filter",
      onchange: (event) => {
        filters.language = event.target.value;
        changed();
      },
    },
    languageOptions(bundle.services, filters, bundle.language),
  );
  const more = h("div", { id: "more-filters", class: "more-filters", hidden: !wasOpen },
    h("div", { class: "toggles", role: "group", "aria-label": t("filters_more") }, attributes),
    h("p", { class: "language-filter" }, h("label", { for: "language-filter" }, t("filter_language")), select),
    h("button", { type: "button", id: "clear-filters", class: "clear", onclick: () => {
      Object.assign(filters, { category: null, open: false, near: false, attributes: [], language: "" });
      changed();
    } }, t("filters_clear")),
  );
  const moreButton = h(
    "button",
    {
      type: "button",
      id: "more-button",
      class: "toggle more",
      "aria-expanded": String(wasOpen),
      "aria-controls": "more-filters",
      onclick: () => {
        const open = more.hidden;
        more.hidden = !open;
        moreButton.setAttribute("aria-expanded", String(open));
      },
    },
    icon(ICONS.filter),
    h("span", { class: "more-label" }),
  );
  container.replaceChildren(
    h("div", { class: "categories", role: "group", "aria-label": t("filter_categories") }, categories),
    h(
      "div",
      { class: "toggles quick", role: "group", "aria-label": t("filters") },
      toggle("open", t("filter_open_now"), filters.open, () => {
        filters.open = !filters.open;
        changed();
      }, { iconPath: ICONS.clock }),
      toggle("near", t("filter_near_me"), filters.near, () => onNear(!filters.near), { iconPath: ICONS.near }),
      moreButton,
    ),
    more,
  );
  sync(container, filters);
}

// Bring every control in line with the state (after "clear", or a change made elsewhere).
export function sync(container, filters) {
  for (const button of container.querySelectorAll("[data-category]")) {
    button.setAttribute("aria-pressed", String(button.dataset.category === filters.category));
  }
  for (const button of container.querySelectorAll("[data-filter]")) {
    const key = button.dataset.filter;
    const on = key === "open" ? filters.open : key === "near" ? filters.near : filters.attributes.includes(key);
    button.setAttribute("aria-pressed", String(on));
  }
  const select = container.querySelector("#language-filter");
  if (select) select.value = filters.language;
  // Hidden filters still count, so the person knows more are on than they can see.
  const hidden = filters.attributes.length + (filters.language ? 1 : 0);
  const label = container.querySelector(".more-label");
  if (label) label.textContent = hidden ? t("filters_more_count", { n: hidden }) : t("filters_more");
  const clear = container.querySelector("#clear-filters");
  if (clear) clear.hidden = activeFilters(filters).length === 0;
}
