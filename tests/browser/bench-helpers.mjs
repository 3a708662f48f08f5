// Shared by the benchmarks (bench.mjs, bench-deep.mjs; not tests): a real paste into the
// page, timed to the findings; a timed action (click, select) to its repaint; the browser's
// peak resident memory while it works, and the peak JS heap and WebAssembly memory of the page
// and its worker; and the page's own marks of where the time went.
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

/**
 * The page's and its analysis worker's memory through the DevTools protocol, for sampling: the
 * JavaScript heap in use (`Runtime.getHeapUsage` per target) and the WebAssembly linear memory
 * (the byte length of the `blastmapWasmMemory` each keeps, web/boot.js and web/worker.js; 0 in
 * a build without it), in MB. Workers are found by auto-attaching to the page's targets (a
 * worker started again after a Cancel too).
 */
export async function jsWasmMemory(context, page) {
  const cdp = await context.newCDPSession(page);
  const workers = new Set();
  const replies = new Map();
  let id = 0;
  cdp.on("Target.attachedToTarget", (e) => e.targetInfo.type === "worker" && workers.add(e.sessionId));
  cdp.on("Target.detachedFromTarget", (e) => workers.delete(e.sessionId));
  cdp.on("Target.receivedMessageFromTarget", (e) => {
    const m = JSON.parse(e.message);
    replies.get(m.id)?.(m);
    replies.delete(m.id);
  });
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  // One protocol command on the page (no session) or a worker (its session); null if it fails.
  const send = async (session, method, params = {}) => {
    try {
      if (session === null) return await cdp.send(method, params);
      const my = ++id;
      const reply = new Promise((r) => replies.set(my, r));
      await cdp.send("Target.sendMessageToTarget", { sessionId: session, message: JSON.stringify({ id: my, method, params }) });
      return (await reply).result ?? null;
    } catch {
      return null;
    }
  };
  const wasmBytes = "globalThis.blastmapWasmMemory?.buffer.byteLength ?? 0";
  return {
    /** { jsMB, wasmMB }: the page and its workers, summed. */
    async read() {
      let js = 0;
      let wasm = 0;
      for (const session of [null, ...workers]) {
        js += (await send(session, "Runtime.getHeapUsage"))?.usedSize ?? 0;
        wasm += (await send(session, "Runtime.evaluate", { expression: wasmBytes, returnByValue: true }))?.result?.value ?? 0;
      }
      return { jsMB: js / 2 ** 20, wasmMB: wasm / 2 ** 20 };
    },
    detach: () => cdp.detach().catch(() => {}),
  };
}

/**
 * Samples the JS heap and wasm memory of `jsWasmMemory` (`memory`), one reading after another
 * with 250 ms between, until `stop()`, which resolves to { jsMB, wasmMB, totalMB }: the peak of
 * each, and of their sum at one reading (MB).
 */
export function sampleJsWasm(memory) {
  const peak = { jsMB: 0, wasmMB: 0, totalMB: 0 };
  const take = async () => {
    const { jsMB, wasmMB } = await memory.read();
    peak.jsMB = Math.max(peak.jsMB, jsMB);
    peak.wasmMB = Math.max(peak.wasmMB, wasmMB);
    peak.totalMB = Math.max(peak.totalMB, jsMB + wasmMB);
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await take();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await take();
      return peak;
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
      // The status writes the count grouped by thousands ("246,144 components ·"; builds before
      // that, "246144 components ·": benchmarks compare builds).
      const word = ` component${components === 1 ? "" : "s"} ·`;
      const analysed = [components.toLocaleString("en-US") + word, components + word];
      while (!(analysed.some((a) => q("#status")?.textContent.includes(a)) && !q("#progress"))) {
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
        if (done.kind === "shown") return parseInt((q(".graph-info .shown")?.textContent ?? "0").replace(/,/g, ""), 10) >= done.min;
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
 * A drag across `selector` (the graph), `steps` pointer moves of `dx` pixels to the left, each
 * timed from its event to the frame after it (the render and the paint it caused): { median,
 * worst } in ms. The pointer events are dispatched in the page, as `timed` dispatches clicks.
 */
export async function panned(page, selector, steps = 20, dx = 30) {
  return page.evaluate(
    async ({ selector, steps, dx }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const el = document.querySelector(selector);
      const box = el.getBoundingClientRect();
      const [x, y] = [box.left + box.width * 0.75, box.top + box.height / 2];
      const at = (type, cx) =>
        el.dispatchEvent(new PointerEvent(type, { bubbles: true, button: 0, pointerId: 1, clientX: cx, clientY: y }));
      at("pointerdown", x);
      const times = [];
      for (let i = 1; i <= steps; i++) {
        const t0 = performance.now();
        at("pointermove", x - dx * i);
        await frame();
        times.push(performance.now() - t0);
      }
      at("pointerup", x - dx * steps);
      // The click a drag ends with is not a click on what lies under it.
      el.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: x - dx * steps, clientY: y }));
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1] };
    },
    { selector, steps, dx },
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

/**
 * The clicks of `steps` ({ name, act, done } as `timed` takes them) made in turn, `times`
 * times over: each step's median and range, "median (min-max)", by name ("timeout" when a
 * click's result never shows). One click's time varies by tens of milliseconds with the frame
 * it lands in and the machine's moment; the median of several is what compares two builds.
 */
export async function repeated(page, steps, times = 5) {
  const took = Object.fromEntries(steps.map((s) => [s.name, []]));
  for (let i = 0; i < times; i++) {
    for (const { name, act, done } of steps) {
      const ms = await timed(page, act, done);
      if (Number.isNaN(ms)) return Object.fromEntries(steps.map((s) => [s.name, "timeout"]));
      took[name].push(ms);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(
    Object.entries(took).map(([name, xs]) => [name, `${fmt(median(xs))} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`]),
  );
}
