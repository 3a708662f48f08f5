// Shared by the benchmarks (bench.mjs, bench-deep.mjs; not tests): a real paste into the
// page, timed to the findings; a timed action (click, select) to its repaint; the browser's
// peak resident memory while it works; and the page's own marks of where the time went.
import { execFileSync } from "node:child_process";

/** Resident memory of every Chromium process, summed (MB). */
export function chromiumRss() {
  const out = execFileSync("ps", ["-eo", "rss=,comm="], { encoding: "utf8" });
  let kb = 0;
  for (const line of out.split("\n")) {
    const [rss, ...comm] = line.trim().split(/\s+/);
    if (/chrom/i.test(comm.join(" "))) kb += Number(rss) || 0;
  }
  return kb / 1024;
}

/** Samples `chromiumRss` every 250 ms until `stop()`, which returns { before, peak } (MB). */
export function sampleRss() {
  const before = chromiumRss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumRss())), 250);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, chromiumRss());
      return { before, peak };
    },
  };
}

export const fmt = (ms) => (Number.isNaN(ms) ? "timeout" : `${ms.toFixed(0)} ms`);

/**
 * Pastes `text` into the editor as a user does (a clipboard event: the page takes large texts
 * from it before the browser lays them out in the text box) and waits until the status says
 * `components` components with no progress left, and a frame after. Returns
 * { ms, marks }: milliseconds, and the page's `blastmap:` performance marks since the paste
 * (ms after it; hooks/use_analysis.rs sets them).
 */
export async function paste(page, text, components, timeout = 600_000) {
  return page.evaluate(
    async ({ text, components, timeout }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const q = (s) => document.querySelector(s);
      performance.clearMarks();
      const t0 = performance.now();
      const data = new DataTransfer();
      data.setData("text/plain", text);
      const taken = !q("#source").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      if (!taken) {
        // The page leaves a paste under 1 MiB to the browser, which does not insert a synthetic
        // event's text: type it in instead (else this waited out the whole timeout).
        q("#source").value = text;
        q("#source").dispatchEvent(new InputEvent("input", { bubbles: true }));
      }
      while (!(q("#status")?.textContent.includes(`${components} components`) && !q("#progress"))) {
        await frame();
        if (performance.now() - t0 > timeout) return { ms: NaN, marks: {} };
      }
      await frame();
      const ms = performance.now() - t0;
      const marks = {};
      for (const m of performance.getEntriesByType("mark")) {
        if (m.name.startsWith("blastmap:")) marks[m.name.slice("blastmap:".length)] = Math.round(m.startTime - t0);
      }
      return { ms, marks };
    },
    { text, components, timeout },
  );
}

/**
 * In the page: runs `act` (a click on `selector`, or a `select` of `value`), then waits for
 * `done` and the frame after it; milliseconds, NaN past `timeout`.
 * `done`: { kind: "attr", selector, attr, value } | { kind: "count", selector, min | max } |
 * { kind: "shown", min }.
 */
export async function timed(page, act, done, timeout = 120_000) {
  return page.evaluate(
    async ({ act, done, timeout }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const q = (s) => document.querySelector(s);
      const t0 = performance.now();
      if (act.kind === "click") {
        q(act.selector).dispatchEvent(new MouseEvent("click", { bubbles: true }));
      } else if (act.kind === "select") {
        const s = q(act.selector);
        s.value = act.value;
        s.dispatchEvent(new Event("change", { bubbles: true }));
      }
      const ok = () => {
        if (done.kind === "attr") return q(done.selector)?.getAttribute(done.attr) === done.value;
        if (done.kind === "count") {
          const n = document.querySelectorAll(done.selector).length;
          return done.max === undefined ? n >= done.min : n <= done.max;
        }
        if (done.kind === "shown") return parseInt(q(".graph-info .shown")?.textContent ?? "0", 10) >= done.min;
        return false;
      };
      while (!ok()) {
        await frame();
        if (performance.now() - t0 > timeout) return NaN;
      }
      await frame();
      return performance.now() - t0;
    },
    { act, done, timeout },
  );
}

/**
 * The page's marks as a breakdown: worker parse and analysis (from the status), and the
 * page's side between the marks (ms). Keys missing from a build without marks are left out.
 */
export function breakdown(marks, status) {
  const worker = /parsed in ([\d,.]+) ms · analysed in ([\d,.]+) ms/.exec(status ?? "");
  const num = (s) => Number(s.replace(/,/g, ""));
  const out = {};
  if (worker) Object.assign(out, { parseMs: num(worker[1]), analyzeMs: num(worker[2]) });
  const between = (a, b) => (marks[a] !== undefined && marks[b] !== undefined ? marks[b] - marks[a] : undefined);
  const parts = {
    toRequestSent: marks["request-sent"],
    sentToModelReceived: between("request-sent", "model-received"),
    unpackAndScene: between("model-received", "model-ready"),
    modelToReportReceived: between("model-ready", "report-received"),
    reportDecode: between("large-json", "report-received"),
    reportToLoaded: between("report-received", "loaded"),
  };
  for (const [k, v] of Object.entries(parts)) if (v !== undefined) out[k] = v;
  if (marks.loaded !== undefined) out.loadedAt = marks.loaded;
  return out;
}

/**
 * Milliseconds between the page's last `blastmap:<from>` and `blastmap:<to>` marks (NaN when
 * either is missing): a click's what-if (`fail-click` → `what-if-done`, graph_view/pointer.rs).
 */
export async function markGap(page, from, to) {
  return page.evaluate(({ from, to }) => {
    const last = (n) => performance.getEntriesByName(`blastmap:${n}`, "mark").at(-1)?.startTime;
    const [a, b] = [last(from), last(to)];
    return a === undefined || b === undefined ? NaN : b - a;
  }, { from, to });
}
