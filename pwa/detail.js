// One service, everything a person needs to decide and go: who it is for, where,
// when, how to call, what it costs, what to bring, which languages, when checked.
import { h, icon, ICONS } from "./dom.js";
import { dayNames, firstDay, formatDate, formatMoney, languageName, telHref } from "./format.js";
import { t } from "./i18n.js";
import { langOf } from "./results.js";

function section(key, ...content) {
  const items = content.flat().filter(Boolean);
  if (!items.length) return null;
  return h("section", { class: "detail-section" }, h("h2", {}, t(key)), ...items);
}

function paragraph(service, key, bundle) {
  return service[key] ? h("p", { ...langOf(service, key, bundle) }, service[key]) : null;
}

function ages(service) {
  const { min_age: min, max_age: max } = service;
  if (min !== undefined && max !== undefined) return t("ages_between", { min, max });
  if (min !== undefined) return t("ages_from", { min });
  if (max !== undefined) return t("ages_up_to", { max });
  return null;
}

function places(service, bundle) {
  return (service.locations || []).map((location) =>
    h(
      "div",
      { class: "place" },
      location.name ? h("p", { class: "place-name", ...langOf(service, "locations", bundle) }, location.name) : null,
      location.address ? h("p", {}, h("bdi", {}, location.address)) : null,
      location.lat !== undefined
        ? h("a", { class: "button", href: `geo:${location.lat},${location.lon}` }, icon(ICONS.place), t("open_map"))
        : null,
    ),
  );
}

// The two things people most often came for, first: call, or find the way.
function actions(service) {
  const phone = (service.phones || []).find((p) => telHref(p.number, p.ext));
  const place = (service.locations || []).find((l) => l.lat !== undefined);
  if (!phone && !place) return null;
  return h(
    "div",
    { class: "actions" },
    phone
      ? h("a", { class: "button", href: telHref(phone.number, phone.ext) }, icon(ICONS.phone), h("bdi", { dir: "ltr", class: "number" }, phone.number))
      : null,
    place ? h("a", { class: "button secondary", href: `geo:${place.lat},${place.lon}` }, icon(ICONS.place), t("open_map")) : null,
  );
}

function hours(service, bundle) {
  const rows = [...(service.schedules || [])].sort((a, b) => firstDay(a.byday) - firstDay(b.byday));
  return rows.map((s) => {
    const days = dayNames(s.byday, t).join(", ");
    const time = s.opens_at && s.closes_at ? `${s.opens_at}–${s.closes_at}` : s.opens_at || "";
    return h(
      "div",
      { class: "hours" },
      days || time ? h("p", {}, days, days && time ? " " : "", time ? h("bdi", { dir: "ltr", class: "time" }, time) : null) : null,
      s.description ? h("p", { class: "note", ...langOf(service, "schedules", bundle) }, s.description) : null,
    );
  });
}

function phones(service, bundle) {
  return (service.phones || []).map((phone) => {
    const href = telHref(phone.number, phone.ext);
    const number = h("bdi", { dir: "ltr", class: "number" }, phone.number);
    return h(
      "div",
      { class: "phone" },
      href ? h("a", { class: "button", href }, icon(ICONS.phone), number) : h("p", {}, number),
      phone.ext ? h("span", { class: "extension" }, t("phone_extension", { ext: phone.ext })) : null,
      phone.description ? h("p", { class: "note", ...langOf(service, "phones", bundle) }, phone.description) : null,
    );
  });
}

function costs(service, bundle) {
  const language = bundle.language;
  const lines = (service.costs || []).map((c) =>
    h(
      "li",
      { ...langOf(service, "costs", bundle) },
      [c.option, c.amount !== undefined ? formatMoney(c.amount, c.currency || "", language) : null, c.description]
        .filter((v) => v !== null && v !== undefined && v !== "")
        .join(" · "),
    ),
  );
  return [paragraph(service, "fees", bundle), lines.length ? h("ul", {}, lines) : null];
}

function list(service, key, bundle) {
  const items = service[key] || [];
  return items.length ? h("ul", { ...langOf(service, key, bundle) }, items.map((text) => h("li", {}, text))) : null;
}

function contact(service) {
  // Only web links: a feed's "javascript:" URL must never become a link.
  const url = /^https?:\/\//i.test(service.url || "") ? service.url : null;
  return [
    url ? h("p", {}, h("a", { href: url, rel: "noopener noreferrer" }, h("bdi", {}, url))) : null,
    service.email ? h("p", {}, h("a", { href: `mailto:${service.email}` }, h("bdi", {}, service.email))) : null,
  ];
}

export function renderDetail(container, service, bundle, languages) {
  const attributes = new Map(bundle.attributes.map((a) => [a.code, a]));
  const chips = (service.attributes || []).map((code) => attributes.get(code)).filter(Boolean);
  const sourceName = languages[bundle.source_language]?.name || bundle.source_language;
  const parts = [
    h("a", { class: "back", href: "#/" }, icon(ICONS.back, "icon flip"), t("back")),
    h("h1", { tabindex: "-1", ...langOf(service, "name", bundle) }, service.name),
    service.org ? h("p", { class: "org", ...langOf(service, "org", bundle) }, service.org) : null,
    chips.length ? h("ul", { class: "chips" }, chips.map((a) => h("li", {}, a.name))) : null,
    actions(service),
    service.alert ? h("p", { class: "alert", role: "note", ...langOf(service, "alert", bundle) }, service.alert) : null,
    bundle.language !== bundle.source_language && service.fallback?.length
      ? h("p", { class: "notice" }, t("not_translated", { language: sourceName }))
      : null,
    section("section_about", paragraph(service, "description", bundle)),
    section("section_who", paragraph(service, "who", bundle), ages(service) ? h("p", {}, ages(service)) : null),
    section("section_where", places(service, bundle)),
    section("section_hours", hours(service, bundle)),
    section("section_phones", phones(service, bundle)),
    section(
      "section_languages",
      service.languages?.length
        ? h("p", {}, service.languages.map((l) => languageName(l, bundle.language)).join(", "))
        : null,
    ),
    section("section_interpreting", paragraph(service, "interpreting", bundle)),
    section("section_costs", costs(service, bundle)),
    section("section_documents", list(service, "documents", bundle)),
    section("section_how", paragraph(service, "how", bundle)),
    section("section_accessibility", list(service, "accessibility", bundle)),
    section("section_contact", contact(service)),
    service.verified
      ? h("p", { class: "verified" }, t("last_verified", { date: formatDate(service.verified, bundle.language) }))
      : null,
  ];
  container.replaceChildren(...parts.filter(Boolean));
}
