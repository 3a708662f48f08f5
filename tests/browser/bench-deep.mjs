// Measures (not a test): the deep shapes in the page — paste → findings with where the time
// went, the first view's aggregates and each click that opens a band down to components, a
// click → repaint, the peak resident memory of the browser's processes (page,
// worker, GPU) while it works, and the peak JS heap and WebAssembly memory of the page and its
// worker. Run by scripts/bench-browser-deep.sh, which builds the page and
// the shapes.
// Usage: node bench-deep.mjs chain.json start-chain.json spine.json
import { readFileSync } from "node:fs";
import { serve, launch, open } from "./harness.mjs";
import { paste, timed, fmt, sampleRss, sampleJsWasm, jsWasmMemory, breakdown } from "./bench-helpers.mjs";

const server = await serve();
const browser = await launch();
const rows = [];
try {
  for (const file of process.argv.slice(2)) {
    const text = readFileSync(file, "utf8");
    const components = JSON.parse(text).components.length;
    const { context, page } = await open(browser, server.url);
    await page.waitForSelector("#empty-state");
    const memory = await jsWasmMemory(context, page);
    const rss = sampleRss();
    const jsWasm = sampleJsWasm(memory);
    const pasted = await paste(page, text, components);
    const { before, peak } = rss.stop();
    const heaps = await jsWasm.stop();
    await memory.detach();
    const status = await page.$eval("#status", (e) => e.textContent);
    const findings = await page.$eval("#findings .panel-head .count", (e) => e.textContent).catch(() => "?");
    const aggregates = await page.$$eval("#graph g.node.aggregate", (es) => es.length);
    // A shape rolled up into bands (of depth): open one band after another, each a click →
    // repaint, until components are drawn.
    const opens = [];
    for (let level = 0; level < 6 && !(await page.$("#graph g.node:not(.aggregate)")); level++) {
      const key = await page.$eval("#graph g.node.aggregate", (e) => e.dataset.id).catch(() => null);
      if (!key) break;
      const sel = `#graph g.node[data-id="${key}"]`;
      opens.push(fmt(await timed(page, { kind: "click", selector: sel }, { kind: "count", selector: sel, max: 0 }, 60_000)));
    }
    // A click on a drawn component fails it: the what-if and the repaint.
    const id = await page.$eval("#graph g.node:not(.aggregate)", (e) => e.dataset.id).catch(() => null);
    let click = NaN;
    if (id) {
      const sel = `#graph g.node[data-id="${id}"]`;
      click = await timed(page, { kind: "click", selector: sel }, { kind: "attr", selector: sel, attr: "data-status", value: "failed" }, 60_000);
    }
    const row = {
      file: file.split("/").pop(),
      components,
      paste: fmt(pasted.ms),
      worker: status.replace(/^.*?components · /, ""),
      findings,
      firstView: `${aggregates} aggregates`,
      openBands: opens.join(", "),
      clickFail: fmt(click),
      rssBeforeMB: before.toFixed(0),
      rssPeakMB: peak.toFixed(0),
      jsPeakMB: heaps.jsMB.toFixed(0),
      wasmPeakMB: heaps.wasmMB.toFixed(0),
      jsWasmPeakMB: heaps.totalMB.toFixed(0),
    };
    rows.push(row);
    console.log(JSON.stringify({ ...row, breakdown: breakdown(pasted.marks, status) }));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.table(rows);
