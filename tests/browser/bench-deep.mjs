// Measures (not a test): the deep shapes in the page — paste → findings, a click → repaint,
// and the peak resident memory of the browser's processes (page, worker, GPU) while it works.
// Run by scripts/bench-browser-deep.sh, which builds the page and the shapes.
// Usage: node bench-deep.mjs chain.json start-chain.json spine.json
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { serve, launch, open } from "./harness.mjs";

/** Resident memory of every Chromium process, summed (MB). */
function chromiumRss() {
  const out = execFileSync("ps", ["-eo", "rss=,comm="], { encoding: "utf8" });
  let kb = 0;
  for (const line of out.split("\n")) {
    const [rss, ...comm] = line.trim().split(/\s+/);
    if (/chrom/i.test(comm.join(" "))) kb += Number(rss) || 0;
  }
  return kb / 1024;
}

const fmt = (ms) => (Number.isNaN(ms) ? "timeout" : `${ms.toFixed(0)} ms`);
const server = await serve();
const browser = await launch();
const rows = [];
try {
  for (const file of process.argv.slice(2)) {
    const text = readFileSync(file, "utf8");
    const components = JSON.parse(text).components.length;
    const { context, page } = await open(browser, server.url);
    await page.waitForSelector("#empty-state");
    const before = chromiumRss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, chromiumRss())), 250);
    const paste = await page.evaluate(
      async ({ text, components }) => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const q = (s) => document.querySelector(s);
        const t0 = performance.now();
        // A real paste: the page takes large texts from the clipboard event, before the
        // browser lays them out in the text box.
        const data = new DataTransfer();
        data.setData("text/plain", text);
        q("#source").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        while (!(q("#status")?.textContent.includes(`${components} components`) && !q("#progress"))) {
          await frame();
          if (performance.now() - t0 > 600_000) return NaN;
        }
        await frame();
        return performance.now() - t0;
      },
      { text, components },
    );
    clearInterval(sampler);
    const status = await page.$eval("#status", (e) => e.textContent);
    const findings = await page.$eval("#findings .panel-head .count", (e) => e.textContent).catch(() => "?");
    // A click on a drawn component fails it: the what-if and the repaint.
    const id = await page.$eval("#graph g.node:not(.aggregate)", (e) => e.dataset.id).catch(() => null);
    let click = NaN;
    if (id) {
      const sel = `#graph g.node[data-id="${id}"]`;
      click = await page.evaluate(async (sel) => {
        const t0 = performance.now();
        document.querySelector(sel).dispatchEvent(new MouseEvent("click", { bubbles: true }));
        while (document.querySelector(sel)?.getAttribute("data-status") !== "failed") {
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          if (performance.now() - t0 > 60_000) return NaN;
        }
        return performance.now() - t0;
      }, sel);
    }
    const row = {
      file: file.split("/").pop(),
      components,
      paste: fmt(paste),
      worker: status.replace(/^.*?components · /, ""),
      findings,
      clickFail: fmt(click),
      rssBeforeMB: before.toFixed(0),
      rssPeakMB: peak.toFixed(0),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.table(rows);
