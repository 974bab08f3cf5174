// The results list's paging decisions, under Node: page sizes, and when a new answer
// may leave the drawn list alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { drawPlan, nextPageEnd, PAGE_SIZE, sameServices } from "../../pwa/results.js";

const services = (n, prefix = "s") => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}` }));

test("a page is between 20 and 50 results: more than a screen, less than a slow phone draws at once", () => {
  assert.ok(PAGE_SIZE >= 20 && PAGE_SIZE <= 50, String(PAGE_SIZE));
});

test("show more adds one page, and never past the last result", () => {
  assert.equal(nextPageEnd(PAGE_SIZE, 1000), 2 * PAGE_SIZE);
  assert.equal(nextPageEnd(PAGE_SIZE, PAGE_SIZE + 3), PAGE_SIZE + 3);
  assert.equal(nextPageEnd(10, 10), 10);
  assert.equal(nextPageEnd(0, 5, 2), 2);
});

test("lists are the same only with the same ids in the same order", () => {
  const a = services(3);
  assert.ok(sameServices(a, services(3)));
  assert.ok(!sameServices(a, [...services(3)].reverse()));
  assert.ok(!sameServices(a, services(4)));
  assert.ok(!sameServices(a, services(3, "t")));
  assert.ok(!sameServices(null, a));
});

test("the same answer drawn the same way is not drawn again", () => {
  const bundle = {};
  const drawn = { services: services(100), bundle, position: null, minute: 5 };
  assert.equal(drawPlan(drawn, { ...drawn, services: services(100) }), "skip");
});

test("the same services with newer data, another minute or position are redrawn, other services start over", () => {
  const bundle = {};
  const drawn = { services: services(100), bundle, position: null, minute: 5 };
  assert.equal(drawPlan(drawn, { ...drawn, minute: 6 }), "redraw"); // "open now" may have changed
  assert.equal(drawPlan(drawn, { ...drawn, position: { lat: 1, lon: 2 } }), "redraw");
  assert.equal(drawPlan(drawn, { ...drawn, bundle: {} }), "redraw"); // new data: names may have changed
  assert.equal(drawPlan(drawn, { ...drawn, services: services(99) }), "reset");
  assert.equal(drawPlan(null, drawn), "reset");
});
