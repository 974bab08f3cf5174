// The JavaScript half of the normalisation contract: pwa/normalise.js must give
// every output in tests/normalise_cases.json (the Python half is in test_normalise.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { normalise } from "../../pwa/normalise.js";

const table = JSON.parse(readFileSync(new URL("../normalise_cases.json", import.meta.url), "utf8"));

for (const { why, input, output } of table.cases) {
  test(`normalise: ${why}`, () => {
    assert.equal(normalise(input), output);
  });
  test(`normalise is idempotent: ${why}`, () => {
    assert.equal(normalise(output), output);
  });
}

test("normalise treats null and undefined as empty", () => {
  assert.equal(normalise(null), "");
  assert.equal(normalise(undefined), "");
});
