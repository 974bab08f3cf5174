// One service, everything a person needs to decide and go: what it is, who it is for,
// what to bring, what it costs, when it is open, where, how to call, which languages,
// and where the listing came from.
import { actionButtons, phoneList, placeBlock } from "./actions.js";
import { followButton } from "./alerts.js";
import { categoryIcon, h, icon, ICONS } from "./dom.js";
import { topCategoryOf } from "./filters.js";
import { formatDate, formatDistance, formatMoney, languageName } from "./format.js";
import { distanceKm } from "./geo.js";
import { hoursContent, openSummary } from "./hours-view.js";
import { t } from "./i18n.js";
import { noticesForService, renderNotices } from "./notices.js";
import { langOf } from "./results.js";

function section(key, ...content) {
  const items = content.flat().filter(Boolean);
  if (!items.length) return null;
  return h("section", { class: "detail-section", "data-section": key }, h("h2", {}, t(key)), ...items);
}

function paragraph(service, key, bundle) {
  return service[key] ? h("p", { ...langOf(service, key, bundle) }, service[key]) : null;
}

function ages(service) {
  const { min_age: min, max_age: max } = service;
  let text = null;
  if (min !== undefined && max !== undefined) text = t("ages_between", { min, max });
  else if (min !== undefined) text = t("ages_from", { min });
  else if (max !== undefined) text = t("ages_up_to", { max });
  return text ? h("p", {}, text) : null;
}

function places(service, bundle, position) {
  return (service.locations || []).map((location) => {
    const km = position && typeof location.lat === "number" ? distanceKm(position, location) : null;
    const distance = km === null ? null : t("distance_from_you", { distance: formatDistance(km, bundle.language) });
    return placeBlock(service, location, bundle, langOf, distance);
  });
}

function costs(service, bundle) {
  const language = bundle.language;
  const lines = (service.costs || []).map((c) =>
    h(
      "li",
      {},
      [c.option, c.amount !== undefined ? formatMoney(c.amount, c.currency || "", language) : null, c.description]
        .filter((v) => v !== null && v !== undefined && v !== "")
        .join(" · "),
    ),
  );
  return [paragraph(service, "fees", bundle), lines.length ? h("ul", { ...langOf(service, "costs", bundle) }, lines) : null];
}

function list(service, key, bundle) {
  const items = service[key] || [];
  return items.length ? h("ul", { ...langOf(service, key, bundle) }, items.map((text) => h("li", {}, text))) : null;
}

function website(service) {
  // Only web links: a feed's "javascript:" URL must never become a link.
  const url = /^https?:\/\//i.test(service.url || "") ? service.url : null;
  return url ? h("p", {}, h("a", { href: url, rel: "noopener noreferrer", referrerpolicy: "no-referrer" }, h("bdi", {}, url))) : null;
}

function languages(service, bundle) {
  const names = (service.languages || []).map((l) => languageName(l, bundle.language));
  return names.length ? h("p", {}, names.join(", ")) : null;
}

// Where the listing came from and when someone last checked it: trust is earned.
function provenance(service, bundle) {
  const source = service.source || {};
  const names = [...(source.by?.length ? source.by : source.names || [])].filter(Boolean);
  let origin = null;
  if (source.kind === "feed" && names.length) origin = t("source_feed", { names: names.join(", ") });
  else if (["staff", "import", "demo"].includes(source.kind)) origin = t(`source_${source.kind}`);
  const lines = [
    origin ? h("p", { class: "source" }, origin) : null,
    service.verified ? h("p", { class: "verified" }, t("last_verified", { date: formatDate(service.verified, bundle.language) })) : null,
  ].filter(Boolean);
  return lines.length ? h("footer", { class: "provenance" }, lines) : null;
}

// `context`: {now, position, notices (current ones), languages (the picker's list)}.
export function renderDetail(container, service, bundle, context) {
  const attributes = new Map(bundle.attributes.map((a) => [a.code, a]));
  const chips = (service.attributes || []).map((code) => attributes.get(code)).filter(Boolean);
  const sourceName = context.languages[bundle.source_language]?.name || bundle.source_language;
  const notices = h("section", { class: "notices", "aria-label": t("notices_title") });
  renderNotices(notices, noticesForService(context.notices || [], service, bundle.categories), bundle, { linkToService: false });
  const parts = [
    h("a", { class: "back", href: "#/" }, icon(ICONS.back, "icon flip"), t("back")),
    h(
      "div",
      { class: "detail-head" },
      categoryIcon(topCategoryOf(service, bundle.categories), 40),
      h("div", {}, h("h1", { tabindex: "-1", ...langOf(service, "name", bundle) }, service.name),
        service.org ? h("p", { class: "org", ...langOf(service, "org", bundle) }, service.org) : null),
    ),
    openSummary(service.schedules, context.now, bundle),
    chips.length ? h("ul", { class: "chips", "aria-label": t("section_features") }, chips.map((a) => h("li", {}, a.name))) : null,
    notices.hidden ? null : notices,
    actionButtons(service, bundle),
    followButton(service),
    service.alert ? h("p", { class: "alert", role: "note", ...langOf(service, "alert", bundle) }, service.alert) : null,
    bundle.language !== bundle.source_language && service.fallback?.length
      ? h("p", { class: "untranslated" }, t("not_translated", { language: sourceName }))
      : null,
    section("section_about", paragraph(service, "description", bundle)),
    section("section_who", paragraph(service, "who", bundle), ages(service)),
    section("section_documents", list(service, "documents", bundle)),
    section("section_costs", costs(service, bundle)),
    section("section_how", paragraph(service, "how", bundle)),
    section("section_hours", hoursContent(service, bundle, context.now, langOf)),
    section("section_where", places(service, bundle, context.position)),
    section("section_phones", phoneList(service, bundle, langOf)),
    section("section_languages", languages(service, bundle)),
    section("section_interpreting", paragraph(service, "interpreting", bundle)),
    section("section_accessibility", list(service, "accessibility", bundle)),
    section("section_contact", website(service), service.email ? h("p", {}, h("a", { href: `mailto:${service.email}` }, h("bdi", {}, service.email))) : null),
    provenance(service, bundle),
  ];
  container.replaceChildren(...parts.flat().filter(Boolean));
}
