// Opening hours on a service's page: "open now, until 17:00", this week as a table
// with today marked, and in words what a week cannot show (first Monday of the month,
// every other week, from a date).
import { h } from "./dom.js";
import { civilDate, cityClock, DAYS, isPlainWeekly, occursOn, openState, parseByday, weekTable } from "./hours.js";
import { formatDate, formatDay, formatTime, intlLocales } from "./format.js";
import { t } from "./i18n.js";

function time(text, language) {
  const [hh, mm] = String(text).split(":").map(Number);
  return formatTime(hh * 60 + mm, language);
}

// A range in the reader's direction: no LTR isolate, so Arabic reads it right to left.
function range(opens, closes, language) {
  return h("span", { class: "time" }, `${time(opens, language)}–${time(closes === "23:59" ? "24:00" : closes, language)}`);
}

// "Open now, until 17:00" / "Closed now · opens tomorrow at 09:00"; null when unknown.
export function openSummary(schedules, now, bundle) {
  const state = openState(schedules, now, bundle.timezone);
  if (!state.known) return null;
  const language = bundle.language;
  const when = (at) => {
    const values = { time: formatTime(at.minutes, language), day: t(`day_${DAYS[at.weekday ?? 0]}`) };
    if (at.inDays === 0) return t("opens_today", values);
    if (at.inDays === 1) return t("opens_tomorrow", values);
    return t("opens_on", values);
  };
  if (state.open) {
    let text = t("open_now");
    if (state.allDay) text = t("open_all_day");
    else if (state.closes) {
      const closesDay = (cityClock(now, bundle.timezone).weekday + state.closes.inDays) % 7;
      const values = { time: formatTime(state.closes.minutes, language), day: t(`day_${DAYS[closesDay]}`) };
      text = state.closes.inDays === 0 ? t("open_until", values) : t("open_until_day", values);
    }
    return h("p", { class: "open-state open", "data-open": "true" }, text);
  }
  return h(
    "p",
    { class: "open-state closed", "data-open": "false" },
    t("closed_now"),
    state.opens ? [" · ", when(state.opens)] : null,
  );
}

function listFormat(items, language) {
  try {
    return new Intl.ListFormat(intlLocales(language), { type: "conjunction" }).format(items);
  } catch {
    return items.join(", ");
  }
}

function nextOccurrence(schedule, today) {
  for (let day = today; day < today + 400; day++) if (occursOn(schedule, day)) return day;
  return null;
}

// One rule the week table cannot tell, in words, with its next date.
function ruleLine(schedule, today, language) {
  const byday = parseByday(schedule.byday);
  const days = listFormat(
    byday.map((d) => (d.nth ? t("rule_nth_day", { nth: t(`nth_${d.nth}`), day: t(`day_${DAYS[d.weekday]}`) }) : t(`day_${DAYS[d.weekday]}`))),
    language,
  );
  const interval = parseInt(schedule.interval, 10) || 1;
  const freq = String(schedule.freq || "WEEKLY").toUpperCase();
  const parts = [];
  if (freq === "MONTHLY") parts.push(interval > 1 ? t("rule_every_n_months", { n: interval, days }) : t("rule_monthly", { days }));
  else if (interval > 1) parts.push(t("rule_every_n_weeks", { n: interval, days }));
  else if (days) parts.push(days);
  if (schedule.valid_from) parts.push(t("rule_from", { date: formatDate(schedule.valid_from, language) }));
  if (schedule.valid_to || schedule.until) parts.push(t("rule_until", { date: formatDate(schedule.valid_to || schedule.until, language) }));
  const next = nextOccurrence(schedule, today);
  const { year, month, date } = next === null ? {} : civilDate(next);
  return h(
    "li",
    {},
    parts.join(" · "),
    schedule.opens_at && schedule.closes_at ? [" ", range(schedule.opens_at, schedule.closes_at, language)] : null,
    next !== null && next !== today
      ? h("span", { class: "note" }, " · ", t("rule_next", { date: formatDate(`${year}-${String(month).padStart(2, "0")}-${String(date).padStart(2, "0")}`, language) }))
      : null,
  );
}

function table(rows, language) {
  return h(
    "table",
    { class: "week" },
    h("caption", {}, t("hours_this_week")),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          { class: row.today ? "today" : null, "aria-current": row.today ? "date" : null, "data-day": row.code },
          h(
            "th",
            { scope: "row" },
            h("span", { class: "day-name" }, t(`day_${row.code}`)),
            row.today ? h("span", { class: "today-label" }, t("today")) : null,
            h("span", { class: "day-date" }, formatDay(row.day, language)),
          ),
          h(
            "td",
            {},
            row.hours.length
              ? row.hours.map((hours, i) => [
                  i ? h("br") : null,
                  hours.allDay ? t("open_all_day") : range(hours.opens, hours.closes, language),
                ])
              : h("span", { class: "closed-day" }, t("closed")),
          ),
        ),
      ),
    ),
  );
}

// The whole "Opening hours" content for a service, or [] when it has none.
export function hoursContent(service, bundle, now, langOf) {
  const schedules = service.schedules || [];
  const language = bundle.language;
  const timed = schedules.filter((s) => s.opens_at && s.closes_at);
  const parts = [];
  if (timed.length) {
    parts.push(table(weekTable(timed, now, bundle.timezone), language));
    const today = cityClock(now, bundle.timezone).day;
    const rules = timed.filter((s) => !isPlainWeekly(s));
    if (rules.length) parts.push(h("ul", { class: "rules" }, rules.map((s) => ruleLine(s, today, language))));
  }
  const notes = [...new Set(schedules.map((s) => s.description).filter(Boolean))];
  for (const note of notes) parts.push(h("p", { class: "note", ...langOf(service, "schedules", bundle) }, note));
  return parts;
}
