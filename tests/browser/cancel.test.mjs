// Cancel stops a long analysis: the page terminates its worker and starts a fresh one, says
// so, keeps the text the user pasted, and analyses the next text as usual.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, open, pasteText, waitForFindings, shared } from "./harness.mjs";

const CONSUL = readFileSync(join(ROOT, "examples", "roblox-2021-consul.yaml"), "utf8");

const env = shared();

/** A `requires` chain of `n` components, native JSON: seconds of parsing and analysis. */
function chain(n) {
  const components = [];
  for (let i = 0; i < n; i++) components.push(i + 1 < n ? { id: `c${i}`, requires: [`c${i + 1}`] } : { id: `c${i}` });
  return JSON.stringify({ name: "long chain", components });
}

test("Cancel during a long analysis stops it, keeps the text and leaves the page usable", async () => {
  const { context, page } = await open(env.browser, env.server.url, { serviceWorkers: "block" });
  try {
    await page.waitForSelector("#empty-state");
    const text = chain(400_000);
    await pasteText(page, text);
    await page.waitForSelector("#progress #cancel-analysis");
    // A text this large is not kept across reloads, and a notice says so: wait for it, so that
    // it does not replace the one Cancel shows.
    await page.waitForFunction(() => /too large to keep/.test(document.querySelector("#notice")?.textContent ?? ""));
    await page.click("#cancel-analysis");
    await page.waitForSelector("#progress", { state: "detached" });
    assert.match(await page.$eval("#notice", (e) => e.textContent), /Analysis cancelled\. The text is kept/);
    // The graph's place says the text is not analysed (not "Analysing…").
    await page.waitForSelector("#analysis-cancelled");
    // The text is kept (a large text shows as a read-only preview of its start).
    await page.waitForSelector("#preview-note");
    const shown = await page.$eval("#source", (e) => e.value);
    assert.ok(shown.startsWith(text.slice(0, 2_000)), shown.slice(0, 200));
    assert.match(shown, /MB more, not shown: the whole text is analysed/);
    // Nothing was analysed: no findings, no status of a loaded topology, no worker error.
    assert.equal(await page.$("#findings .panel-head .count"), null);
    assert.equal(await page.$("#worker-error"), null);
    // One analysis worker runs: the cancelled one is gone, a fresh one took its place.
    let workers = [];
    for (let i = 0; i < 100; i++) {
      workers = page.workers().filter((w) => w.url().endsWith("/worker.js"));
      if (workers.length === 1) break;
      await page.waitForTimeout(100);
    }
    assert.equal(workers.length, 1);
    // The page is usable: the next text is analysed by the fresh worker.
    await page.click("#clear-text");
    await page.fill("#source", CONSUL);
    await waitForFindings(page);
    assert.ok(await page.$('#graph g.node[data-id="consul"]'));
    assert.equal(await page.$("#worker-error"), null);
  } finally {
    await context.close();
  }
});
