// Notices from the council (a clinic closed tomorrow, a scam going round), shown on
// top while they are current by the phone's clock. A bundle without `notices`
// shows nothing.
import { h, icon, ICONS } from "./dom.js";
import { ancestors } from "./filters.js";
import { cityClock, dayNumber } from "./hours.js";
import { t } from "./i18n.js";

const SEVERITY_RANK = { urgent: 0, warning: 1, info: 2 };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

// A bare date means that whole day in the city; a time means that instant.
function started(starts, now, today) {
  if (!starts) return true;
  if (DATE_ONLY.test(starts)) return dayNumber(starts) <= today;
  const at = Date.parse(starts);
  return Number.isNaN(at) || at <= now.getTime();
}

function notEnded(ends, now, today) {
  if (!ends) return true;
  if (DATE_ONLY.test(ends)) return today <= dayNumber(ends);
  const at = Date.parse(ends);
  return Number.isNaN(at) || now.getTime() < at;
}

// Current notices, urgent first, then the newest.
export function activeNotices(notices, now, timeZone) {
  const today = cityClock(now, timeZone).day;
  return (Array.isArray(notices) ? notices : [])
    .filter((n) => n && n.title && started(n.starts, now, today) && notEnded(n.ends, now, today))
    .map((n, index) => ({ n, index }))
    .sort(
      (a, b) =>
        (SEVERITY_RANK[a.n.severity] ?? 2) - (SEVERITY_RANK[b.n.severity] ?? 2) ||
        String(b.n.starts || "").localeCompare(String(a.n.starts || "")) ||
        a.index - b.index,
    )
    .map(({ n }) => n);
}

// On the list: every urgent notice, and the others meant for everyone or for the chosen category.
export function noticesForList(notices, category) {
  return notices.filter(
    (n) => n.severity === "urgent" || (!n.service && (!n.category || n.category === category)),
  );
}

// On a service's page: notices about it or about one of its categories.
export function noticesForService(notices, service, categories) {
  const mine = new Set((service.categories || []).flatMap((id) => ancestors(id, categories)));
  return notices.filter((n) => n.service === service.id || (n.category && mine.has(n.category)));
}

function noticeLang(notice, key, bundle) {
  return notice.fallback?.includes(key) ? { lang: bundle.source_language, dir: "auto" } : {};
}

function card(notice, bundle, linkToService) {
  const severity = SEVERITY_RANK[notice.severity] !== undefined ? notice.severity : "info";
  return h(
    "li",
    { class: `notice-card notice-${severity}`, "data-notice": notice.id },
    h(
      "p",
      { class: "notice-title" },
      icon(ICONS[severity === "info" ? "info" : "warning"]),
      h("span", { class: "visually-hidden" }, t(`notice_${severity}`), ": "),
      h("span", noticeLang(notice, "title", bundle), notice.title),
    ),
    notice.body ? h("p", { class: "notice-body", ...noticeLang(notice, "body", bundle) }, notice.body) : null,
    linkToService && notice.service
      ? h("a", { class: "notice-link", href: `#/service/${encodeURIComponent(notice.service)}` }, t("notice_see_service"))
      : null,
  );
}

// Fills `container` (a <section>) with the notices, or hides it when there are none.
export function renderNotices(container, notices, bundle, { linkToService = true } = {}) {
  container.hidden = !notices.length;
  if (!notices.length) {
    container.replaceChildren();
    return;
  }
  container.replaceChildren(
    h("h2", { class: "visually-hidden" }, t("notices_title")),
    h("ul", { class: "notice-list" }, notices.map((n) => card(n, bundle, linkToService))),
  );
}
