// Shared by the browser tests, screenshots and benchmarks: serves dist/ on a localhost port
// and launches Debian's Chromium through playwright-core (which never downloads a browser).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = process.env.BLASTMAP_DIST ?? join(ROOT, "dist");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on 127.0.0.1 (a free port); resolves to { url, close }. */
export async function serve(dir = DIST) {
  await stat(join(dir, "index.html")).catch(() => {
    throw new Error(`${dir}/index.html is missing: build the page first (scripts/test-browser.sh does)`);
  });
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Chromium with a fresh profile. */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * Opens a page in a fresh context; records every request URL into `requests`, page errors into `errors`.
 * `serviceWorkers: "block"` keeps the page's service worker out (so `page.route` sees every request).
 */
export async function open(
  browser,
  url,
  { requests = [], errors = [], viewport = { width: 1600, height: 900 }, colorScheme = "light", serviceWorkers = "allow" } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true, serviceWorkers });
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  if (url) await page.goto(url);
  return { context, page };
}

/** Waits until the findings panel shows a loaded report (or the all-clear). */
export async function waitForFindings(page, timeout = 30_000) {
  await page.waitForSelector("#findings .panel-head .count", { timeout });
  await page.waitForFunction(() => !document.querySelector("#progress"), null, { timeout });
}

/**
 * Waits until the page has made its drawing ahead for the drawing shown (it marks
 * `blastmap:ahead-done:KEY` after the last `blastmap:drawn`), as it does once a person has
 * looked at a view for a moment; at most `ms`. Resolves to the key of the aggregate it drew
 * opened, or null (none done in time, or none large enough: the mark's key is empty).
 */
export async function settled(page, ms = 2_000) {
  return page.evaluate(async (ms) => {
    const done = () => {
      const marks = performance.getEntriesByType("mark");
      const drawn = marks.filter((m) => m.name === "blastmap:drawn").at(-1)?.startTime ?? -1;
      return marks.filter((m) => m.name.startsWith("blastmap:ahead-done:") && m.startTime > drawn).at(-1)?.name;
    };
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      const name = done();
      if (name !== undefined) return name.slice("blastmap:ahead-done:".length) || null;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }, ms);
}

/** Pastes `text` into the export's text box as a real paste does (a clipboard event, which the
 * page takes large texts from). */
export async function pasteText(page, text) {
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    document.querySelector("#source").dispatchEvent(paste);
  }, text);
}

/** The server and browser the tests of one file share (`env.server`, `env.browser`): started
 * before its first test, closed after its last. */
export function shared() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
