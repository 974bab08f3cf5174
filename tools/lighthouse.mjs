// Lighthouse (accessibility, best practices) on a fresh demo Harbour, for the pages people open first.
//
//   node tools/lighthouse.mjs [--harbour .venv/bin/harbour] [--min 95] [PATH…]
//
// Creates the demo city in a temporary folder, serves it on a free loopback port,
// runs the Lighthouse CLI (the npm package, pinned in package.json) with Debian's
// Chromium ($CHROME_PATH, default /usr/bin/chromium) on each path (default / and
// /services), prints every score and the audits that failed, and exits 1 when a
// score is under --min.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LIGHTHOUSE = join(ROOT, "node_modules", "lighthouse", "cli", "index.js");
const CATEGORIES = ["accessibility", "best-practices"];
const CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync";

function parseArgs(argv) {
  const options = { harbour: join(ROOT, ".venv", "bin", "harbour"), min: 95, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--harbour") options.harbour = argv[++i];
    else if (argv[i] === "--min") options.min = Number(argv[++i]);
    else options.paths.push(argv[i]);
  }
  if (!options.paths.length) options.paths = ["/", "/services"];
  return options;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`harbour serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`harbour serve did not answer ${url}/healthz within ${seconds} s`);
}

function audit(url) {
  const result = spawnSync(
    process.execPath,
    [LIGHTHOUSE, url, "--quiet", "--output=json", "--output-path=stdout", `--only-categories=${CATEGORIES.join(",")}`, `--chrome-flags=${CHROME_FLAGS}`],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || "/usr/bin/chromium" } },
  );
  if (result.status !== 0) throw new Error(`lighthouse failed on ${url}: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout);
}

function failures(report, category) {
  return report.categories[category].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => report.audits[ref.id])
    .filter((a) => a.score !== null && a.score < 1)
    .map((a) => `${a.id} (${a.title})`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), "harbour-lighthouse-"));
  let server = null;
  let failed = false;
  try {
    const init = spawnSync(options.harbour, ["init", "--demo", "--data-dir", dataDir], { encoding: "utf8" });
    if (init.status !== 0) throw new Error(`harbour init --demo failed: ${init.stderr || init.stdout}`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(options.harbour, ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", String(port)], { stdio: "ignore" });
    await waitForHealth(base, server);
    for (const path of options.paths) {
      const report = audit(base + path);
      for (const category of CATEGORIES) {
        const score = Math.round(report.categories[category].score * 100);
        const low = score < options.min;
        failed ||= low;
        const detail = failures(report, category);
        console.log(`${path.padEnd(12)} ${category.padEnd(15)} ${String(score).padStart(3)}${low ? `  < ${options.min}` : ""}`);
        for (const line of detail) console.log(`${" ".repeat(16)}- ${line}`);
      }
    }
  } finally {
    if (server && server.exitCode === null) server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) {
    console.error(`lighthouse: a score is under ${options.min}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`lighthouse: ${error.message}`);
  process.exit(1);
});
