// Filter matching, combined filters, and "near me" ordering, with a frozen clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { activeFilters, applyFilters, emptyFilters, filterAttributes, matches, speaks, topCategoryOf } from "../../pwa/filters.js";
import { distanceKm, mapLinks, serviceDistance, sortByDistance } from "../../pwa/geo.js";

const categories = [
  { id: "health", code: "health", icon: "stethoscope" },
  { id: "dental", code: "health-dental", parent: "health" },
  { id: "food", code: "food", icon: "utensils" },
];
const hours = [{ byday: "MO,TU,WE,TH,FR", opens_at: "09:00", closes_at: "17:00" }];
const services = [
  { id: "a", categories: ["dental"], attributes: ["free", "no-status-check"], languages: [{ code: "ar" }], schedules: hours, locations: [{ lat: 52.43, lon: -1.06 }] },
  { id: "b", categories: ["food"], attributes: ["free"], languages: [{ code: "ar" }, { code: "en" }], locations: [{ lat: 52.40, lon: -1.50 }] },
  { id: "c", categories: ["health"], attributes: ["free", "no-status-check"], languages: [{ code: "fa" }], schedules: hours },
  { id: "d", categories: ["food"], attributes: ["no-status-check", "walk-in"], languages: [{ code: "ar" }], locations: [{ lat: 52.45, lon: -1.07 }, { lat: 51.5, lon: -0.12 }] },
];
const context = { categories, now: new Date("2027-07-14T15:59:00Z"), timeZone: "Europe/London" };
const ids = (list) => list.map((s) => s.id);

test("no filter keeps every service in its order", () => {
  assert.deepEqual(ids(applyFilters(services, emptyFilters(), context)), ["a", "b", "c", "d"]);
});

test("free + no status check + Arabic spoken keeps only services with all three", () => {
  const filters = { ...emptyFilters(), attributes: ["free", "no-status-check"], language: "ar" };
  assert.deepEqual(ids(applyFilters(services, filters, context)), ["a"]);
  assert.deepEqual(activeFilters(filters), ["free", "no-status-check", "language-ar"]);
});

test("a category keeps its sub-categories' services too", () => {
  const filters = { ...emptyFilters(), category: "health" };
  assert.deepEqual(ids(applyFilters(services, filters, context)), ["a", "c"]);
  assert.equal(topCategoryOf(services[0], categories).id, "health");
});

test("open now uses the frozen clock: open at 16:59, none at 17:01", () => {
  const filters = { ...emptyFilters(), open: true };
  assert.deepEqual(ids(applyFilters(services, filters, context)), ["a", "c"]);
  assert.deepEqual(ids(applyFilters(services, filters, { ...context, now: new Date("2027-07-14T16:01:00Z") })), []);
});

test("someone choosing Dari finds services listing Persian, and the reverse", () => {
  assert.equal(speaks(services[2], "prs"), true);
  assert.equal(speaks({ languages: [{ code: "prs" }] }, "fa"), true);
  assert.equal(speaks(services[2], "ar"), false);
});

test("near me sorts by the nearest place of each service; services with no place go last", () => {
  const me = { lat: 52.45, lon: -1.07 };
  const filters = { ...emptyFilters(), near: true };
  assert.deepEqual(ids(applyFilters(services, filters, { ...context, position: me })), ["d", "a", "b", "c"]);
  // Without a position the order stays as it was.
  assert.deepEqual(ids(applyFilters(services, filters, context)), ["a", "b", "c", "d"]);
  assert.equal(serviceDistance(services[3], me), 0);
  assert.equal(serviceDistance(services[2], me), null);
});

test("distances are great-circle kilometres", () => {
  const london = { lat: 51.5074, lon: -0.1278 };
  const paris = { lat: 48.8566, lon: 2.3522 };
  assert.ok(Math.abs(distanceKm(london, paris) - 343.6) < 1, distanceKm(london, paris));
  assert.deepEqual(ids(sortByDistance([services[1], services[0]], { lat: 52.43, lon: -1.06 })), ["a", "b"]);
});

test("map links are a geo: URI and an OpenStreetMap page, and none for a place off the map", () => {
  assert.deepEqual(mapLinks({ lat: 52.43, lon: -1.06 }), {
    geo: "geo:52.43,-1.06?q=52.43,-1.06",
    web: "https://www.openstreetmap.org/?mlat=52.43&mlon=-1.06#map=17/52.43/-1.06",
  });
  assert.equal(mapLinks({}), null);
});

test("attribute filters put the most asked-for first and never offer 'appointment needed'", () => {
  const codes = ["confidential", "walk-in", "appointment-needed", "free", "women-only", "no-status-check"].map((code) => ({ code }));
  assert.deepEqual(filterAttributes(codes), ["free", "no-status-check", "walk-in", "women-only", "confidential"]);
  assert.equal(matches(services[3], { ...emptyFilters(), attributes: ["walk-in"] }, context), true);
});
