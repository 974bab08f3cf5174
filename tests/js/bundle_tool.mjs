// What the phone does to bundles, run under Node for tests/test_delta.py:
//
//   node bundle_tool.mjs reserialise BUNDLE        sha256 of JSON.stringify(JSON.parse(BUNDLE))
//   node bundle_tool.mjs apply BUNDLE DELTA [OUT]  sha256 of the bundle DELTA leads to (written to OUT)
//
// pwa/delta.js is a classic script (the service worker importScripts it), so it is run
// in a vm context here, as the worker would see it.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import vm from "node:vm";

const scope = {};
vm.runInNewContext(readFileSync(new URL("../../pwa/delta.js", import.meta.url), "utf8"), { self: scope });

const read = (path) => JSON.parse(readFileSync(path, "utf8"));
const sha256 = (text) => createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");

const [command, ...paths] = process.argv.slice(2);
let text;
if (command === "reserialise") {
  text = JSON.stringify(read(paths[0]));
} else if (command === "apply") {
  text = JSON.stringify(scope.applyDelta(read(paths[0]), read(paths[1])));
  if (paths[2]) writeFileSync(paths[2], text);
} else {
  console.error("usage: bundle_tool.mjs reserialise BUNDLE | apply BUNDLE DELTA [OUT]");
  process.exit(2);
}
console.log(sha256(text));
