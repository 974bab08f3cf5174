// Opening hours against a frozen clock: every "now" is a fixed instant, evaluated in
// the city's time zone whatever zone the machine running the test is in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cityClock, intervalsOn, isOpenNow, occursOn, openState, weekTable, dayNumber } from "../../pwa/hours.js";

const LONDON = "Europe/London";
const weekdays = { byday: "MO,TU,WE,TH,FR", opens_at: "09:00", closes_at: "17:00", freq: "WEEKLY" };
const at = (iso) => new Date(iso);

test("open at 16:59 and closed at 17:01 London summer time (UTC+1), a weekday closing at 17:00", () => {
  // 2027-07-14 is a Wednesday; 16:59 BST is 15:59 UTC.
  assert.equal(isOpenNow([weekdays], at("2027-07-14T15:59:00Z"), LONDON), true);
  assert.equal(isOpenNow([weekdays], at("2027-07-14T16:01:00Z"), LONDON), false);
  assert.deepEqual(openState([weekdays], at("2027-07-14T15:59:00Z"), LONDON).closes, { inDays: 0, minutes: 17 * 60 });
});

test("the same instant is judged by the city's clock, not another zone's", () => {
  // 15:59 UTC is 20:29 in Kabul: were hours read in Kabul time it would be closed.
  assert.equal(cityClock(at("2027-07-14T15:59:00Z"), "Asia/Kabul").minutes, 20 * 60 + 29);
  assert.equal(isOpenNow([weekdays], at("2027-07-14T15:59:00Z"), LONDON), true);
  // In winter London is on UTC: 16:59 UTC is 16:59 there, open; 17:01 closed.
  assert.equal(isOpenNow([weekdays], at("2027-01-13T16:59:00Z"), LONDON), true);
  assert.equal(isOpenNow([weekdays], at("2027-01-13T17:01:00Z"), LONDON), false);
});

test("on the morning clocks go forward, 09:30 local is 08:30 UTC and the service is open", () => {
  const sunday = { byday: "SU", opens_at: "09:00", closes_at: "12:00" };
  assert.equal(isOpenNow([sunday], at("2027-03-28T08:30:00Z"), LONDON), true);
  assert.equal(isOpenNow([sunday], at("2027-03-28T07:30:00Z"), LONDON), false); // 08:30 BST
});

test("after closing, the next opening is tomorrow morning; on Friday evening it is Monday", () => {
  assert.deepEqual(openState([weekdays], at("2027-07-14T16:01:00Z"), LONDON).opens, { inDays: 1, weekday: 3, minutes: 540 });
  assert.deepEqual(openState([weekdays], at("2027-07-16T18:00:00Z"), LONDON).opens, { inDays: 3, weekday: 0, minutes: 540 });
  assert.deepEqual(openState([weekdays], at("2027-07-14T06:00:00Z"), LONDON).opens, { inDays: 0, weekday: 2, minutes: 540 });
});

test("monthly 1MO,3MO occurs on the first and third Monday only", () => {
  const rule = { freq: "MONTHLY", byday: "1MO,3MO", opens_at: "10:00", closes_at: "13:00" };
  assert.equal(occursOn(rule, dayNumber("2027-07-05")), true);
  assert.equal(occursOn(rule, dayNumber("2027-07-12")), false);
  assert.equal(occursOn(rule, dayNumber("2027-07-19")), true);
  assert.equal(occursOn(rule, dayNumber("2027-07-26")), false);
  assert.equal(isOpenNow([rule], at("2027-07-19T10:30:00Z"), LONDON), true);
  assert.equal(isOpenNow([rule], at("2027-07-12T10:30:00Z"), LONDON), false);
});

test("monthly -1TH is the last Thursday, whether the month has four or five", () => {
  const rule = { freq: "MONTHLY", byday: "-1TH", opens_at: "14:00", closes_at: "16:00" };
  assert.equal(occursOn(rule, dayNumber("2027-07-29")), true); // July 2027: five Thursdays
  assert.equal(occursOn(rule, dayNumber("2027-07-22")), false);
  assert.equal(occursOn(rule, dayNumber("2027-02-25")), true); // February 2027: four
  // Closed on the 22nd; the next opening is a week later, at 14:00.
  assert.deepEqual(openState([rule], at("2027-07-22T14:30:00Z"), LONDON).opens, { inDays: 7, weekday: 3, minutes: 840 });
});

test("monthly by day of the month, counting -1 as the last day", () => {
  const rule = { freq: "MONTHLY", bymonthday: "1,-1", opens_at: "10:00", closes_at: "12:00" };
  assert.equal(occursOn(rule, dayNumber("2027-02-28")), true);
  assert.equal(occursOn(rule, dayNumber("2027-03-01")), true);
  assert.equal(occursOn(rule, dayNumber("2027-03-30")), false);
});

test("every other Thursday counts fortnights from dtstart, never before it", () => {
  const rule = { freq: "WEEKLY", interval: 2, byday: "TH", dtstart: "2026-01-01", opens_at: "18:00", closes_at: "20:00" };
  assert.equal(occursOn(rule, dayNumber("2026-01-01")), true);
  assert.equal(occursOn(rule, dayNumber("2026-01-08")), false);
  assert.equal(occursOn(rule, dayNumber("2026-01-15")), true);
  assert.equal(occursOn(rule, dayNumber("2027-07-15")), (dayNumber("2027-07-15") - dayNumber("2026-01-01")) % 14 === 0);
  assert.equal(occursOn(rule, dayNumber("2025-12-18")), false);
});

test("hours crossing midnight: open at 02:00 from the evening before, closed at noon", () => {
  const night = { freq: "WEEKLY", byday: "FR", opens_at: "19:00", closes_at: "08:00" };
  // Friday 2027-07-16: open at 23:00; Saturday 02:00 still open, until 08:00.
  assert.equal(isOpenNow([night], at("2027-07-16T22:00:00Z"), LONDON), true);
  const saturdayNight = openState([night], at("2027-07-17T01:00:00Z"), LONDON);
  assert.equal(saturdayNight.open, true);
  assert.deepEqual(saturdayNight.closes, { inDays: 0, minutes: 8 * 60 });
  assert.equal(isOpenNow([night], at("2027-07-17T11:00:00Z"), LONDON), false);
  // Sunday 02:00: nothing started on Saturday evening.
  assert.equal(isOpenNow([night], at("2027-07-18T01:00:00Z"), LONDON), false);
  assert.deepEqual(intervalsOn([night], dayNumber("2027-07-17")), [[0, 480]]);
});

test("valid_from and valid_to bound a schedule: outside them it never opens", () => {
  const summer = { ...weekdays, valid_from: "2027-07-01", valid_to: "2027-07-31" };
  assert.equal(isOpenNow([summer], at("2027-07-14T10:00:00Z"), LONDON), true);
  assert.equal(isOpenNow([summer], at("2027-06-30T10:00:00Z"), LONDON), false);
  assert.equal(isOpenNow([summer], at("2027-08-02T10:00:00Z"), LONDON), false);
  const after = openState([summer], at("2027-07-30T17:00:00Z"), LONDON);
  assert.equal(after.open, false);
  assert.equal(after.opens, undefined); // nothing after the 31st: no false promise
});

test("every day 00:00–23:59 is open all day; no times at all is unknown, never 'closed'", () => {
  const always = { freq: "WEEKLY", byday: "MO,TU,WE,TH,FR,SA,SU", opens_at: "00:00", closes_at: "23:59" };
  assert.deepEqual(openState([always], at("2027-07-14T23:59:30Z"), LONDON), { known: true, open: true, allDay: true });
  assert.deepEqual(openState([{ description: "By appointment" }], at("2027-07-14T12:00:00Z"), LONDON), { known: false, open: false });
  assert.deepEqual(openState(undefined, at("2027-07-14T12:00:00Z"), LONDON), { known: false, open: false });
});

test("the week table starts on Monday, marks today, and puts monthly hours on their date", () => {
  const first = { freq: "MONTHLY", byday: "1MO", opens_at: "10:00", closes_at: "13:00" };
  const rows = weekTable([weekdays, first], at("2027-07-07T12:00:00Z"), LONDON); // Wednesday
  assert.deepEqual(rows.map((r) => r.code), ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);
  assert.deepEqual(rows.filter((r) => r.today).map((r) => r.code), ["WE"]);
  assert.deepEqual(rows[0].hours.map((h) => h.opens), ["09:00", "10:00"]); // Monday 5 July, the first
  assert.deepEqual(rows[5].hours, []);
  const next = weekTable([weekdays, first], at("2027-07-14T12:00:00Z"), LONDON);
  assert.deepEqual(next[0].hours.map((h) => h.opens), ["09:00"]);
});
