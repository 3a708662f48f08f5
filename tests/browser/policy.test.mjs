// Tailnet operators' files in real headless Chromium: three `tailscale status --json` files and
// the tailnet's policy opened at once (the first is the export, the others are read beside it),
// the findings the CLI finds on the same files (policy kinds among them), the reach view (pick a
// principal, its reach marked on the graph), and dropping the files read beside the export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, serve, launch, open, waitForFindings } from "./harness.mjs";

const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const CLI =
  process.env.BLASTMAP_CLI ?? [join(target, "release", "blastmap"), join(target, "debug", "blastmap")].find((p) => existsSync(p));
const DIR = join(ROOT, "crates/blastmap-import/tests/fixtures/tailnet");
const FILES = ["laptop.json", "router-b.json", "db-1.json", "acme.com.hujson"].map((f) => join(DIR, f));

let server, browser;
const requests = [];
const errors = [];

before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("status files and their policy opened at once: policy findings, the reach view, and back to one file", async () => {
  assert.ok(CLI, "the blastmap CLI is not built (scripts/test-browser.sh builds it)");
  const expected = JSON.parse(execFileSync(CLI, ["analyze", "--format", "json", ...FILES], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const { context, page } = await open(browser, server.url, { requests, errors });
  try {
    await page.waitForSelector("#empty-state");
    await page.setInputFiles("#open-file", FILES);
    await waitForFindings(page);
    await page.waitForSelector("#policy-reach");
    assert.deepEqual(await page.$$eval("#beside .chip", (es) => es.map((e) => e.textContent)), ["router-b.json", "db-1.json", "acme.com.hujson"]);
    const count = await page.$eval("#findings .panel-head .count", (e) => Number(e.textContent));
    assert.equal(count, expected.findings.length);
    const kinds = await page.$$eval("#findings section.group[data-kind]", (es) => es.map((e) => e.dataset.kind));
    const want = [...new Set(expected.findings.map((f) => f.kind))].sort();
    assert.deepEqual(kinds.slice().sort(), want);
    for (const k of ["policy-blast-radius", "forbidden-relay"]) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
    // The reach view: tag:router reaches what is shared in; group:eng the database.
    const principals = await page.$$eval("#reach-principal option", (es) => es.map((e) => e.value).filter(Boolean));
    assert.deepEqual(principals.slice().sort(), expected.policy[0].principals.map((p) => p.principal).sort());
    await page.selectOption("#reach-principal", "group:eng");
    await page.waitForSelector("#reach-line");
    const eng = expected.policy[0].principals.find((p) => p.principal === "group:eng");
    assert.ok((await page.$eval("#reach-line", (e) => e.textContent)).startsWith(`group:eng reaches ${eng.reaches_count} nodes`));
    // Dropping the files beside the export analyses laptop.json alone: no policy section.
    await page.click("#drop-beside");
    await page.waitForFunction(() => !document.querySelector("#policy-reach"));
    await waitForFindings(page);
    assert.equal(await page.$("#beside"), null);
    assert.deepEqual(errors, []);
    assert.ok(requests.every((u) => u.startsWith(server.url)), `no request leaves the origin: ${requests}`);
  } finally {
    await context.close();
  }
});
