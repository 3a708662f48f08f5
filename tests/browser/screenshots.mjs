// Screenshots of the page for a person to look at (not a test). Usage:
// node screenshots.mjs OUT_DIR [large-topology.json]
// The large topology is a generated estate (`blastmap generate --edges N`: its region r0 is
// opened) or a shape without regions (`--shape chain`: the region shot is skipped, saying so,
// and its top band of depth is opened instead).
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { serve, launch, open, waitForFindings } from "./harness.mjs";

const out = process.argv[2] ?? "screenshots";
mkdirSync(out, { recursive: true });
const server = await serve();
const browser = await launch();
try {
  for (const scheme of ["light", "dark"]) {
    const { context, page } = await open(browser, server.url, { colorScheme: scheme });
    await page.waitForSelector("#empty-state");
    await page.screenshot({ path: join(out, `empty-${scheme}.png`) });
    await page.click('[data-example="roblox-2021-consul"]');
    await waitForFindings(page);
    await page.click('#graph g.node[data-id="consul"]');
    await page.waitForSelector('#graph g.node[data-status="down"]');
    await page.hover('#graph g.node[data-id="website"]');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, `failure-${scheme}.png`) });
    await context.close();
  }
  {
    // Status exports and their tailnet policy opened at once, the reach of a group marked.
    const dir = new URL("../../crates/blastmap-import/tests/fixtures/tailnet/", import.meta.url).pathname;
    const { context, page } = await open(browser, server.url);
    await page.waitForSelector("#empty-state");
    await page.setInputFiles("#open-file", ["laptop.json", "router-b.json", "db-1.json", "acme.com.hujson"].map((f) => dir + f));
    await waitForFindings(page);
    await page.selectOption("#reach-principal", "group:eng");
    await page.waitForSelector("#reach-line");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, "tailnet-reach.png") });
    await context.close();
  }
  const { context, page } = await open(browser, server.url + "#example=pagerduty-shared-peering");
  await waitForFindings(page);
  await page.click("#findings section[data-kind=false-redundancy] li.finding >> nth=0");
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, "finding.png") });
  await page.fill("#source", (await page.$eval("#source", (e) => e.value)).replace("requires: [", "requires: [event-stor, "));
  await page.waitForSelector("#problems");
  await page.screenshot({ path: join(out, "error.png") });
  await context.close();
  // The error states: a worker that does not load, a panic (needs a build with the test hooks,
  // as scripts/test-browser.sh makes), a share link naming failures the topology lacks, an export
  // with nothing to export.
  const consul = readFileSync(new URL("../../examples/roblox-2021-consul.yaml", import.meta.url), "utf8");
  for (const scheme of ["light", "dark"]) {
    let { context, page } = await open(browser, null, { colorScheme: scheme, serviceWorkers: "block" });
    await page.route("**/blastmap-worker_bg.wasm", (r) => r.abort());
    await page.goto(server.url + "#example=roblox-2021-consul");
    await page.waitForSelector("#worker-error.stopped");
    await page.screenshot({ path: join(out, `worker-stopped-${scheme}.png`) });
    await page.click("#export-md");
    await page.waitForSelector("#notice");
    await page.screenshot({ path: join(out, `worker-stopped-export-${scheme}.png`) });
    await context.close();

    ({ context, page } = await open(browser, server.url + "#example=roblox-2021-consul", { colorScheme: scheme, serviceWorkers: "block" }));
    await waitForFindings(page);
    const worker = page.workers().find((w) => w.url().endsWith("/worker.js"));
    await worker.evaluate(() => setTimeout(() => self.onmessage(new MessageEvent("message", { data: "panic" }))));
    try {
      await page.waitForSelector("#worker-error", { timeout: 5_000 });
      await waitForFindings(page);
      await page.screenshot({ path: join(out, `worker-restarted-${scheme}.png`) });
    } catch {
      console.error("no panic: this build lacks the test hooks (trunk build --features test-hooks)");
    }
    await context.close();

    const link = "s=" + deflateRawSync(Buffer.from(JSON.stringify({ t: consul, f: ["consul", "ghost-db", "region:atlantis"] }))).toString("base64url");
    ({ context, page } = await open(browser, server.url + "#" + link, { colorScheme: scheme }));
    await page.waitForSelector("#notice.warning");
    await page.screenshot({ path: join(out, `link-missing-${scheme}.png`) });
    await context.close();

    ({ context, page } = await open(browser, server.url, { colorScheme: scheme }));
    await page.waitForSelector("#empty-state");
    await page.click("#export-md");
    await page.waitForSelector("#notice.warning");
    await page.screenshot({ path: join(out, `export-nothing-${scheme}.png`) });
    await context.close();
  }
  if (process.argv[3]) {
    const { context, page } = await open(browser, server.url);
    await page.waitForSelector("#empty-state");
    const text = readFileSync(process.argv[3], "utf8");
    await page.evaluate((t) => {
      const ta = document.querySelector("#source");
      ta.value = t;
      ta.dispatchEvent(new InputEvent("input", { bubbles: true }));
    }, text);
    await waitForFindings(page, 120_000);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(out, "large-rolled-up.png") });
    if (await page.$('#graph g.node.aggregate[data-id="region:r0"]')) {
      await page.click('#graph g.node[data-id="region:r0"]');
      await page.waitForSelector('#graph g.node[data-id^="group:"]', { timeout: 60_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, "large-expanded.png") });
    } else {
      console.error("no region:r0 in this topology (not a generated estate): the region shot (large-expanded.png) is skipped");
    }
    // A shape no attribute rolls up (a chain) opens in bands of depth: open one on screen.
    const band = await page.$$eval('#graph g.node.aggregate[data-id^="depth:"]', (es) => {
      const s = document.querySelector("#graph").getBoundingClientRect();
      const inside = (r) => r.top >= s.top && r.bottom <= s.bottom && r.left >= s.left && r.right <= s.right;
      return es.find((e) => inside(e.getBoundingClientRect()))?.dataset.id ?? null;
    });
    if (band) {
      await page.click(`#graph g.node.aggregate[data-id="${band}"]`);
      await page.waitForFunction((b) => !document.querySelector(`#graph g.node.aggregate[data-id="${b}"]`), band, { timeout: 60_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, "large-band-opened.png") });
    }
    await page.click("#fit");
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(out, "large-expanded-fit.png") });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
