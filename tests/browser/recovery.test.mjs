// The page never hangs or forgets in silence: a worker that does not load or panics is reported
// and restarted once (then left stopped, and the page says so); a share link's failures that the
// topology lacks are named; an export without a report says why. The page is built with the
// `test-hooks` feature (scripts/test-browser.sh), which lets a test make the worker panic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { ROOT, open, waitForFindings, shared } from "./harness.mjs";

const CONSUL = readFileSync(join(ROOT, "examples", "roblox-2021-consul.yaml"), "utf8");

const env = shared();

/** A page in a fresh context without the service worker, so `page.route` sees every request. */
async function fresh() {
  return open(env.browser, null, { serviceWorkers: "block" });
}

/** The analysis worker the page runs now (a replaced one has closed). */
async function liveWorker(page) {
  for (let i = 0; i < 100; i++) {
    const live = page.workers().filter((w) => w.url().endsWith("/worker.js"));
    if (live.length === 1) return live[0];
    await page.waitForTimeout(100);
  }
  throw new Error(`no single analysis worker: ${page.workers().map((w) => w.url())}`);
}

/** Makes the worker panic as if a request did (an uncaught panic, as a real one would be). */
async function panicWorker(page) {
  const worker = await liveWorker(page);
  await worker.evaluate(() => {
    setTimeout(() => self.onmessage(new MessageEvent("message", { data: "panic" })));
  });
}

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

for (const [file, what] of [
  ["worker.js", "its script did not load"],
  ["blastmap-worker_bg.wasm", "its WebAssembly did not load"],
]) {
  test(`a worker whose ${file} does not load: said inline, restarted once, then stopped without an endless spinner`, async () => {
    const { context, page } = await fresh();
    try {
      await page.route(`**/${file}`, (r) => r.abort());
      await page.goto(env.server.url + "#example=roblox-2021-consul");
      // Restarted once, it fails again: the page says so and stops.
      await page.waitForSelector("#worker-error.stopped");
      const note = await text(page, "#worker-error");
      assert.ok(note.includes(what), note);
      assert.match(note, /The analysis stopped/);
      assert.match(note, /failed again after a restart, so it was not restarted again/);
      assert.match(note, /Your text is kept/);
      assert.equal(await page.$("#progress"), null, "no progress bar left spinning");
      assert.match(await text(page, ".middle"), /The analysis stopped/);
      assert.doesNotMatch(await text(page, ".middle"), /Analysing/);
      assert.equal(await page.$eval("#source", (e) => e.value), CONSUL, "the text is kept");
      // A request to the stopped worker says why nothing happens.
      await page.click("#export-md");
      assert.match(await text(page, "#notice"), /worker is stopped/);
      // Once the file loads again, the next edit starts a worker and the analysis completes.
      await page.unroute(`**/${file}`);
      await page.fill("#source", CONSUL + "\n# edited\n");
      await waitForFindings(page);
      assert.equal(await page.$("#worker-error"), null);
      assert.ok(await page.$('#graph g.node[data-id="consul"]'));
    } finally {
      await context.close();
    }
  });
}

test("a panic in the worker: its message is shown, the worker restarted with the text, and the page recovers", async () => {
  const { context, page } = await fresh();
  try {
    await page.goto(env.server.url + "#example=roblox-2021-consul");
    await waitForFindings(page);
    await page.click('#graph g.node[data-id="consul"]');
    await page.waitForSelector('#graph g.node[data-id="consul"][data-status="failed"]');
    await panicWorker(page);
    await page.waitForSelector("#worker-error");
    const note = await text(page, "#worker-error");
    assert.match(note, /it panicked: a deliberate panic, asked for by the browser tests \(at web\/src\/worker\.rs:\d+\)/);
    assert.match(note, /The analysis worker failed/);
    assert.match(note, /It was restarted, and your text sent to it again/);
    assert.match(note, /Your text is kept/);
    // The new worker analysed the text again: it holds the report, and exports work.
    await waitForFindings(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-md")]);
    assert.match(readFileSync(await download.path(), "utf8"), /^## Blastmap: roblox-2021-consul/);
    assert.ok(await page.$('#graph g.node[data-id="consul"][data-status="failed"]'), "the failure state is kept");
    // A second panic for the same text is not retried: the page says so, in the design-diff
    // panel when that is the one shown.
    await page.selectOption("#compare", "aws-us-east-1-2021");
    await page.waitForSelector("#diff");
    await panicWorker(page);
    await page.waitForSelector("#diff #worker-error.stopped");
    assert.match(await text(page, "#worker-error"), /failed again after a restart/);
    // The next edit starts again.
    await page.fill("#source", CONSUL.replace("name: roblox-2021-consul", "name: roblox-edited"));
    await page.waitForFunction(() => !document.querySelector("#worker-error"));
    await waitForFindings(page);
    const [again] = await Promise.all([page.waitForEvent("download"), page.click("#export-md")]);
    assert.match(readFileSync(await again.path(), "utf8"), /^## Blastmap: roblox-edited/);
  } finally {
    await context.close();
  }
});

/** The fragment of a share link (as `web/src/share.rs` encodes it: deflated JSON, base64url). */
function shareFragment(text, failed) {
  return "s=" + deflateRawSync(Buffer.from(JSON.stringify({ t: text, f: failed }))).toString("base64url");
}

test("a share link whose failures are not in the topology names them and keeps the rest", async () => {
  const { context, page } = await fresh();
  try {
    await page.goto(env.server.url + "#" + shareFragment(CONSUL, ["consul", "ghost-db", "region:atlantis"]));
    await page.waitForSelector('#graph g.node[data-id="consul"][data-status="failed"]');
    await page.waitForSelector("#notice.warning");
    assert.equal(
      await text(page, "#notice .notice-text"),
      "2 failed components in this link are not in the topology: ghost-db, region:atlantis",
    );
    assert.deepEqual(await page.$$eval("#notice code", (es) => es.map((e) => e.textContent)), ["ghost-db", "region:atlantis"]);
    assert.deepEqual(await page.$$eval(".failed-chip", (es) => es.map((e) => e.firstChild.textContent)), ["consul"]);
    // A warning stays until it is closed.
    await page.click("#close-notice");
    await page.waitForFunction(() => !document.querySelector("#notice"));
  } finally {
    await context.close();
  }
});

test("exports without a report say why: nothing analysed yet, a text that does not load", async () => {
  const { context, page } = await fresh();
  try {
    await page.goto(env.server.url);
    await page.waitForSelector("#empty-state");
    await page.click("#export-md");
    await page.waitForSelector("#notice.warning");
    assert.match(await text(page, "#notice"), /^Nothing exported: no topology has been analysed yet/);
    await page.click("#close-notice");
    await page.click("#export-svg");
    await page.waitForSelector("#notice.warning");
    assert.match(await text(page, "#notice"), /^Nothing exported: no graph is drawn yet/);
    await page.click("#close-notice");
    // A good topology, then a text with an error: the report of the text before is not exported
    // in its place, and the page says why.
    await page.click('#empty-state [data-example="roblox-2021-consul"]');
    await waitForFindings(page);
    await page.fill("#source", "components:\n  - id: web\n    requires: [databse]\n  - id: database\n");
    await page.waitForSelector("#problems .problem.error");
    await page.click("#export-json");
    await page.waitForSelector("#notice.warning");
    const notice = await text(page, "#notice");
    assert.match(notice, /^Nothing exported: the text in the editor does not load \(line 3, column \d+: .*databse/);
    assert.match(notice, /fix it to export its report/);
  } finally {
    await context.close();
  }
});
