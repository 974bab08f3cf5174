// Opening hours, evaluated in the city's time zone (the bundle's `timezone`), not the
// phone's: a service in London is open by London's clock wherever the phone is set.
// Pure functions over the bundle's schedules; `date` is always passed in, so tests
// (and the page) decide what "now" is.
//
// A schedule: {freq, interval, byday, bymonthday, dtstart, until, valid_from, valid_to,
// opens_at, closes_at}. Days are counted as whole civil days since 1970-01-01 ("day
// numbers"), which makes "next Tuesday" and "last Thursday of the month" plain arithmetic.

export const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const DAY_MINUTES = 24 * 60;
const LOOK_AHEAD_DAYS = 70; // long enough for "every other month" rules
const BYDAY = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

const formatters = new Map();

function formatter(timeZone) {
  const key = timeZone || "";
  if (!formatters.has(key)) {
    const options = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" };
    let made;
    try {
      made = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone || undefined });
    } catch {
      made = new Intl.DateTimeFormat("en-US", options); // unknown zone: the phone's own
    }
    formatters.set(key, made);
  }
  return formatters.get(key);
}

let lastClock = { time: NaN, zone: null, value: null };

// → {day, weekday (0 = Monday), minutes since midnight} on the city's clock. The last
// answer is kept: a list asks it for every service with the same "now".
export function cityClock(date, timeZone) {
  const time = date.getTime();
  if (lastClock.time === time && lastClock.zone === timeZone) return lastClock.value;
  const value = zonedClock(date, timeZone);
  lastClock = { time, zone: timeZone, value };
  return value;
}

function zonedClock(date, timeZone) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  const day = Math.floor(Date.UTC(+parts.year, +parts.month - 1, +parts.day) / 86400000);
  return { day, weekday: weekdayOf(day), minutes: (+parts.hour % 24) * 60 + +parts.minute };
}

export function weekdayOf(day) {
  return (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

// "2026-07-14" or "2026-07-14T09:00:00Z" → day number; anything else → null.
export function dayNumber(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text ?? ""));
  return match ? Math.floor(Date.UTC(+match[1], +match[2] - 1, +match[3]) / 86400000) : null;
}

export function civilDate(day) {
  const date = new Date(day * 86400000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, date: date.getUTCDate() };
}

// "17:00" → 1020; a closing "23:59" means the end of the day.
export function minutesOf(text, closing = false) {
  const match = /^(\d{1,2}):(\d{2})/.exec(String(text ?? ""));
  if (!match) return null;
  const minutes = +match[1] * 60 + +match[2];
  if (minutes > DAY_MINUTES) return null;
  return closing && minutes >= DAY_MINUTES - 1 ? DAY_MINUTES : minutes;
}

export function parseByday(byday) {
  return String(byday ?? "")
    .split(",")
    .map((token) => BYDAY.exec(token.trim().toUpperCase()))
    .filter(Boolean)
    .map((m) => ({ nth: m[1] ? Number(m[1]) : 0, weekday: DAYS.indexOf(m[2]) }));
}

function monthIndex(day) {
  const { year, month } = civilDate(day);
  return year * 12 + month - 1;
}

function daysInMonth(day) {
  const { year, month } = civilDate(day);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// A schedule's rule, read once: a list asks the same schedules again at every keystroke.
const rules = new WeakMap();

function ruleOf(schedule) {
  let rule = rules.get(schedule);
  if (!rule) {
    const start = dayNumber(schedule.dtstart);
    const from = dayNumber(schedule.valid_from);
    rule = {
      from,
      to: dayNumber(schedule.valid_to),
      start,
      until: dayNumber(schedule.until),
      freq: String(schedule.freq || (schedule.byday ? "WEEKLY" : "")).toUpperCase(),
      interval: Math.max(1, parseInt(schedule.interval, 10) || 1),
      anchor: start ?? from, // "every other week" counts from here
      byday: parseByday(schedule.byday),
      monthdays: String(schedule.bymonthday ?? "")
        .split(",")
        .map((v) => parseInt(v, 10))
        .filter((v) => v),
      span: span(schedule),
    };
    rules.set(schedule, rule);
  }
  return rule;
}

// Does the rule have an occurrence on this day (whatever its times)?
export function occursOn(schedule, day) {
  const { from, to, start, until, freq, interval, anchor, byday, monthdays } = ruleOf(schedule);
  if ((from !== null && day < from) || (to !== null && day > to)) return false;
  if ((start !== null && day < start) || (until !== null && day > until)) return false;
  const weekday = weekdayOf(day);
  if (freq === "DAILY") {
    return interval === 1 || anchor === null || (day - anchor) % interval === 0;
  }
  if (freq === "WEEKLY") {
    const days = byday.length ? byday.map((d) => d.weekday) : anchor !== null ? [weekdayOf(anchor)] : [];
    if (!days.includes(weekday)) return false;
    if (interval === 1 || anchor === null) return true;
    const weeks = Math.floor((day - weekday - (anchor - weekdayOf(anchor))) / 7);
    return weeks % interval === 0;
  }
  if (freq === "MONTHLY") {
    if (interval > 1 && anchor !== null && (monthIndex(day) - monthIndex(anchor)) % interval !== 0) return false;
    const { date } = civilDate(day);
    const length = daysInMonth(day);
    if (monthdays.some((d) => (d > 0 ? d === date : length + d + 1 === date))) return true;
    return byday.some(
      (d) =>
        d.weekday === weekday &&
        (d.nth === 0 ||
          (d.nth > 0 && Math.floor((date - 1) / 7) + 1 === d.nth) ||
          (d.nth < 0 && Math.floor((length - date) / 7) + 1 === -d.nth)),
    );
  }
  return false; // no rule we can read: say nothing rather than guess
}

// The times one schedule opens on a day it occurs: [start, end] minutes, `end` may pass midnight.
function span(schedule) {
  const opens = minutesOf(schedule.opens_at);
  let closes = minutesOf(schedule.closes_at, true);
  if (opens === null || closes === null) return null;
  if (closes <= opens) closes += DAY_MINUTES; // 19:00–08:00 ends the next morning; 00:00–00:00 is all day
  return [opens, closes];
}

// Open intervals within one day, merged, counting what spilled over from the night before.
export function intervalsOn(schedules, day) {
  const found = [];
  for (const schedule of schedules || []) {
    const times = ruleOf(schedule).span;
    if (!times) continue;
    if (occursOn(schedule, day)) found.push([times[0], Math.min(times[1], DAY_MINUTES)]);
    if (times[1] > DAY_MINUTES && occursOn(schedule, day - 1)) found.push([0, times[1] - DAY_MINUTES]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [start, end] of found) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export function hasHours(schedules) {
  return (schedules || []).some((s) => ruleOf(s).span !== null);
}

// → {known, open, allDay, closes: {inDays, minutes}, opens: {inDays, weekday, minutes}}.
// `known` is false when no schedule has times: then nobody can say open or closed.
export function openState(schedules, date, timeZone) {
  if (!hasHours(schedules)) return { known: false, open: false };
  const now = cityClock(date, timeZone);
  const today = intervalsOn(schedules, now.day);
  const current = today.find(([start, end]) => start <= now.minutes && now.minutes < end);
  if (current) {
    // Follow the opening across midnights (a night shelter, a 24-hour line).
    let end = current[1];
    let inDays = 0;
    while (end === DAY_MINUTES && inDays < 7) {
      const next = intervalsOn(schedules, now.day + inDays + 1)[0];
      if (!next || next[0] !== 0) break;
      inDays += 1;
      end = next[1];
    }
    if (inDays === 7) return { known: true, open: true, allDay: true };
    // minutes may be 1440: "until midnight" reads better as 24:00 today than 00:00 tomorrow.
    return { known: true, open: true, closes: { inDays, minutes: end } };
  }
  for (let inDays = 0; inDays <= LOOK_AHEAD_DAYS; inDays++) {
    const day = now.day + inDays;
    const next = intervalsOn(schedules, day).find(([start]) => inDays > 0 || start > now.minutes);
    if (next) return { known: true, open: false, opens: { inDays, weekday: weekdayOf(day), minutes: next[0] } };
  }
  return { known: true, open: false };
}

// Just "open now?": no look-ahead, cheap enough to ask of every service at each keystroke.
export function isOpenNow(schedules, date, timeZone) {
  if (!hasHours(schedules)) return false;
  const now = cityClock(date, timeZone);
  return intervalsOn(schedules, now.day).some(([start, end]) => start <= now.minutes && now.minutes < end);
}

// This week (Monday first) as rows for a table: the hours each day has on its own date,
// so "first Monday of the month" shows on the Monday it falls on.
export function weekTable(schedules, date, timeZone) {
  const now = cityClock(date, timeZone);
  const monday = now.day - now.weekday;
  return DAYS.map((code, weekday) => {
    const day = monday + weekday;
    const hours = (schedules || [])
      .filter((s) => ruleOf(s).span && occursOn(s, day))
      .map((s) => {
        const [opens, closes] = ruleOf(s).span;
        return { opens: s.opens_at.slice(0, 5), closes: s.closes_at.slice(0, 5), allDay: closes - opens >= DAY_MINUTES - 1 };
      })
      .sort((a, b) => a.opens.localeCompare(b.opens));
    return { code, weekday, day, today: day === now.day, hours };
  });
}

// Schedules a week table cannot tell fully: by the month, every other week, or dated.
export function isPlainWeekly(schedule) {
  const freq = String(schedule.freq || "WEEKLY").toUpperCase();
  const interval = parseInt(schedule.interval, 10) || 1;
  return (
    freq === "WEEKLY" &&
    interval === 1 &&
    parseByday(schedule.byday).every((d) => d.nth === 0) &&
    !schedule.valid_from &&
    !schedule.valid_to &&
    !schedule.until
  );
}
