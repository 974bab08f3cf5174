// Which notices show, by the phone's clock, and in what order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { activeNotices, noticesForList, noticesForService } from "../../pwa/notices.js";

const LONDON = "Europe/London";
const notices = [
  { id: "info", title: "New class", severity: "info", starts: "2027-07-01T00:00:00Z" },
  { id: "urgent", title: "Clinic closed", severity: "urgent", starts: "2027-07-14T08:00:00Z", ends: "2027-07-15T00:00:00Z", service: "s1" },
  { id: "later", title: "Not yet", severity: "urgent", starts: "2027-07-20" },
  { id: "over", title: "Over", severity: "warning", starts: "2027-06-01", ends: "2027-07-13" },
  { id: "today", title: "Ends today", severity: "warning", starts: "2027-07-01", ends: "2027-07-14", category: "food" },
];

test("current notices only, urgent first, then warnings, then information", () => {
  const now = new Date("2027-07-14T12:00:00Z");
  assert.deepEqual(activeNotices(notices, now, LONDON).map((n) => n.id), ["urgent", "today", "info"]);
});

test("a notice ending at an instant is gone after it; one ending on a date lasts that whole day", () => {
  const lateEvening = new Date("2027-07-14T22:30:00Z"); // 23:30 in London, still the 14th
  assert.deepEqual(activeNotices(notices, lateEvening, LONDON).map((n) => n.id), ["urgent", "today", "info"]);
  const nextDay = new Date("2027-07-15T00:30:00Z");
  assert.deepEqual(activeNotices(notices, nextDay, LONDON).map((n) => n.id), ["info"]);
});

test("no notices in the data (an older bundle) shows nothing", () => {
  assert.deepEqual(activeNotices(undefined, new Date(), LONDON), []);
});

test("the list shows urgent ones and general ones; a service's page shows its own", () => {
  const current = activeNotices(notices, new Date("2027-07-14T12:00:00Z"), LONDON);
  assert.deepEqual(noticesForList(current, null).map((n) => n.id), ["urgent", "info"]);
  assert.deepEqual(noticesForList(current, "food").map((n) => n.id), ["urgent", "today", "info"]);
  const categories = [{ id: "food" }, { id: "foodbank", parent: "food" }];
  assert.deepEqual(noticesForService(current, { id: "s2", categories: ["foodbank"] }, categories).map((n) => n.id), ["today"]);
  assert.deepEqual(noticesForService(current, { id: "s1", categories: [] }, categories).map((n) => n.id), ["urgent"]);
});
