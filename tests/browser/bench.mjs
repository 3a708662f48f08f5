// Measures (not a test): open → findings (a real paste) with where the time went, the
// browser's peak resident memory (every Chromium process), the peak JS heap and WebAssembly
// memory of the page and its worker (sampled through the DevTools protocol), click → repaint
// and a drag's pointer move → repaint, at several sizes; and the gzipped wasm
// size. Run by scripts/bench-browser.sh, which builds the page and the topologies. A step the
// topology has nothing for (no host to fail, no region or group rolled up: a chain) is
// skipped, and the row says which (`skipped`); a topology that opens in bands of depth has
// its bands opened down to components instead, each a click → repaint.
// Usage: node bench.mjs e-50000.json e-200000.json e-1000000.json [chain.json …]
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { serve, launch, open, settled, DIST } from "./harness.mjs";
import { paste, timed, fmt, sampleRss, sampleJsWasm, jsWasmMemory, breakdown, markGap, panned, repeated } from "./bench-helpers.mjs";

// The drawing's time between the page's marks (a build before them has none).
const drawingTime = (ms) => (Number.isNaN(ms) ? "no marks (an older build)" : fmt(ms));

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
    const shown = await page.$$eval("#graph g.node", (es) => es.length);
    // The report's own count (every edge kind, placement included).
    const head = await page.$eval("#findings .panel-head p", (e) => e.textContent).catch(() => "");
    const edges = /([\d,]+) edges/.exec(head)?.[1] ?? "?";
    const row = {
      file: file.split("/").pop(),
      components,
      edges,
      paste: fmt(pasted.ms),
      worker: status.replace(/^.*?components · /, ""),
      rssBeforeMB: before.toFixed(0),
      rssPeakMB: peak.toFixed(0),
      // Page + worker: JS heap, WebAssembly memory, and both at once (each its peak).
      jsPeakMB: heaps.jsMB.toFixed(0),
      wasmPeakMB: heaps.wasmMB.toFixed(0),
      jsWasmPeakMB: heaps.totalMB.toFixed(0),
      shown,
    };
    console.log(JSON.stringify({ file: row.file, breakdown: breakdown(pasted.marks, status) }));
    const skipped = [];
    const skip = (step, why) => {
      skipped.push(`${step} (${why})`);
      console.error(`${row.file}: ${step} skipped: ${why}`);
    };
    // Fail a host from the placement picker: what-if on the main thread plus the repaint.
    const host = await page.$eval("#placement-picker optgroup[label=host] option", (o) => o.value).catch(() => null);
    if (host) {
      row.pickFail = fmt(await timed(page, { kind: "select", selector: "#placement-picker", value: host }, { kind: "count", selector: ".failed-chip", min: 1 }));
    } else {
      skip("pickFail", "no host in the placement picker");
    }
    // The working view at scale: expand a region, then a redundancy group on screen, then
    // click a replica to fail it and again to restore it.
    let id = "s3-0-r0";
    if (await page.$('#graph g.node.aggregate[data-id="region:r0"]')) {
      // As a person would: the view looked at for a moment first, so the page has drawn its
      // largest aggregate opened ahead (the clicks "Again" below follow each other at once:
      // none is drawn ahead, and each finds the drawing it asks for among the last ones kept).
      // `madeAhead`: the aggregate the page drew opened ahead ("none": none it could).
      row.madeAhead = (await settled(page)) ?? "none";
      // A region of more than 300 replica sets opens in parts of them (`region:r0#1-500`).
      const inside = '#graph g.node[data-id^="group:"], #graph g.node[data-id^="region:r0#"]';
      row.expandRegion = fmt(await timed(page, { kind: "click", selector: '#graph g.node[data-id="region:r0"]' }, { kind: "count", selector: inside, min: 1 }));
      // Of which the drawing (the view and its layout), before anything is rendered.
      row.expandRegionDrawing = drawingTime(await markGap(page, "drawing", "drawn"));
      // Its first part opened, and the first part of that, until replica sets show.
      const parts = [];
      for (let level = 0; level < 4 && !(await page.$('#graph g.node.aggregate[data-id^="group:"]')); level++) {
        const part = await page.$eval('#graph g.node.aggregate[data-id^="region:r0#"]', (e) => e.dataset.id).catch(() => null);
        if (!part) break;
        await settled(page);
        const sel = `#graph g.node[data-id="${part}"]`;
        const ms = await timed(page, { kind: "click", selector: sel }, { kind: "count", selector: sel, max: 0 });
        parts.push(`${fmt(ms)} (drawing ${drawingTime(await markGap(page, "drawing", "drawn"))})`);
      }
      if (parts.length) row.expandParts = parts.join(", ");
    } else {
      skip("expandRegion", "no region:r0 rolled up");
    }
    if (!(await page.$('#graph g.node.aggregate[data-id^="group:"]'))) skip("expandGroup", "no group rolled up");
    if (await page.$('#graph g.node.aggregate[data-id^="group:"]')) {
      const group = (await page.$('#graph g.node[data-id="group:s3-0"]'))
        ? "group:s3-0"
        : await page.$eval('#graph g.node.aggregate[data-id^="group:"]', (e) => e.dataset.id);
      const replicas = `#graph g.node[data-id^="${group.slice("group:".length)}-r"]`;
      await settled(page);
      row.expandGroup = fmt(await timed(page, { kind: "click", selector: `#graph g.node[data-id="${group}"]` }, { kind: "count", selector: replicas, min: 1 }));
      row.expandGroupDrawing = drawingTime(await markGap(page, "drawing", "drawn"));
      // Both collapsed (from their chips in the view bar) and opened again, several times:
      // the medians are what compares two builds. Each drawing is one the graph kept: these
      // time the rest of a click (its states, elements, canvas and frame).
      const chip = (key) => ({ kind: "click", selector: `.view-bar button.chip[data-key="${key}"]` });
      const node = (key) => ({ kind: "click", selector: `#graph g.node[data-id="${key}"]` });
      const again = await repeated(page, [
        { name: "collapseGroup", act: chip(group), done: { kind: "count", selector: replicas, max: 0 } },
        { name: "collapseRegion", act: chip("region:r0"), done: { kind: "count", selector: '#graph g.node[data-id="region:r0"]', min: 1 } },
        { name: "expandRegion", act: node("region:r0"), done: { kind: "count", selector: `#graph g.node[data-id="${group}"]`, min: 1 } },
        { name: "expandGroup", act: node(group), done: { kind: "count", selector: replicas, min: 1 } },
      ]);
      for (const [name, value] of Object.entries(again)) row[`${name}Again`] = value;
      // One that is up: the host failed above may hold some of the replicas, and restoring
      // one of those leaves it down, not up.
      id = await page.$eval(`${replicas}[data-status="up"]`, (e) => e.dataset.id).catch(() => null) ?? (await page.$eval(replicas, (e) => e.dataset.id));
    }
    // Bands of depth (a shape no attribute rolls up): open one after another down to components.
    const opens = [];
    for (let level = 0; level < 6 && !(await page.$("#graph g.node:not(.aggregate)")); level++) {
      const key = await page.$eval('#graph g.node.aggregate[data-id^="depth:"]', (e) => e.dataset.id).catch(() => null);
      if (!key) break;
      const sel = `#graph g.node.aggregate[data-id="${key}"]`;
      opens.push(fmt(await timed(page, { kind: "click", selector: sel }, { kind: "count", selector: sel, max: 0 }, 60_000)));
    }
    if (opens.length) row.openBands = opens.join(", ");
    // The replica, or else any component drawn on screen.
    if (!(await page.$(`#graph g.node[data-id="${id}"]`))) {
      id = await page.$$eval("#graph g.node:not(.aggregate)", (es) => {
        const screen = document.querySelector("#graph").getBoundingClientRect();
        const inside = (r) => r.top >= screen.top && r.bottom <= screen.bottom && r.left >= screen.left && r.right <= screen.right;
        const up = (e) => e.dataset.status === "up";
        return (es.find((e) => up(e) && inside(e.getBoundingClientRect())) ?? es.find(up) ?? es[0])?.dataset.id ?? null;
      });
    }
    row.drawn = await page.$$eval("#graph g.node", (es) => es.length);
    if (id) {
      const node = `#graph g.node[data-id="${id}"]`;
      row.clickFail = fmt(await timed(page, { kind: "click", selector: node }, { kind: "attr", selector: node, attr: "data-status", value: "failed" }));
      // Of which the what-if (and the state's update), before anything is drawn.
      const whatIf = await markGap(page, "fail-click", "what-if-done");
      row.clickFailWhatIf = Number.isNaN(whatIf) ? "no marks (an older build)" : fmt(whatIf);
      row.clickRestore = fmt(await timed(page, { kind: "click", selector: node }, { kind: "attr", selector: node, attr: "data-status", value: "up" }));
    } else {
      skip("clickFail", "no component drawn");
    }
    // A drag across the working view: each pointer move to the frame after it.
    const pan = await panned(page, "#graph");
    row.pan = `${fmt(pan.median)} median, ${fmt(pan.worst)} worst`;
    // Everything without roll-up (why large topologies start rolled up): large views draw
    // the nodes on screen; click one of them.
    if (components > 300 && components <= 10_000) {
      row.drawAll = fmt(await timed(page, { kind: "select", selector: "#roll-up", value: "none" }, { kind: "shown", min: components * 0.9 }));
      row.drawnAll = await page.$$eval("#graph g.node", (es) => es.length);
      const any = await page.$eval('#graph g.node[data-status="up"]:not(.aggregate)', (e) => e.dataset.id);
      const sel = `#graph g.node[data-id="${any}"]`;
      row.clickFailAll = fmt(await timed(page, { kind: "click", selector: sel }, { kind: "attr", selector: sel, attr: "data-status", value: "failed" }));
      // Zoomed out to the whole graph, thousands of nodes are painted as boxes.
      row.fitAll = fmt(await timed(page, { kind: "click", selector: "#fit" }, { kind: "count", selector: "#graph g.node", max: 0 }));
    }
    if (skipped.length) row.skipped = skipped.join("; ");
    rows.push(row);
    console.log(JSON.stringify(row));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.table(rows);
for (const f of readdirSync(DIST).filter((f) => f.endsWith(".wasm"))) {
  const raw = readFileSync(join(DIST, f));
  console.log(`${f}: ${(raw.length / 1024).toFixed(0)} KiB, gzipped ${(gzipSync(raw, { level: 9 }).length / 1024).toFixed(0)} KiB`);
}
