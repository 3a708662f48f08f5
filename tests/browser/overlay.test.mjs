// The overlay in real headless Chromium: the overlay tab (typed, analysed with the export, its
// errors at their line), an edge's meaning changed by a click on the canvas (the overlay entry
// written, a finding gone), the share link carrying the overlay, accepting and flipping
// inferences in the import summary, and that no request leaves the origin.
// Expected findings come from the native CLI on the same export and overlay (`--overlay`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, open, waitForFindings, shared } from "./harness.mjs";

const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const CLI =
  process.env.BLASTMAP_CLI ?? [join(target, "release", "blastmap"), join(target, "debug", "blastmap")].find((p) => existsSync(p));
const COMPOSE_FILE = join(ROOT, "crates/blastmap-import/tests/fixtures/overlay/shop-compose.yml");
const COMPOSE = readFileSync(COMPOSE_FILE, "utf8");
const TMP = mkdtempSync(join(tmpdir(), "blastmap-overlay-"));

/** The CLI's JSON report of `export` refined by the overlay `text`. */
function expected(exportFile, overlay) {
  assert.ok(CLI, "the blastmap CLI is not built (scripts/test-browser.sh builds it)");
  const args = ["analyze", "--format", "json", exportFile];
  if (overlay) {
    const file = join(TMP, `overlay-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, overlay);
    args.push("--overlay", file);
  }
  return JSON.parse(execFileSync(CLI, args, { encoding: "utf8" }));
}
const plain = (title) => title.replaceAll("`", "");
const CONFIG_SPOF = "single point of failure: config takes down frontend";

const env = shared();
const requests = [];
const errors = [];


async function fresh(path = "") {
  return open(env.browser, env.server.url + path, { requests, errors });
}

async function findingsText(page) {
  for (const more of await page.$$("#findings button.more")) await more.click();
  // The obvious single points of failure of a target are folded into one line: open them.
  for (const fold of await page.$$('#findings .fold-head[aria-expanded="false"]')) await fold.click();
  return page.$eval("#findings", (e) => e.textContent);
}
const findingsCount = (page) => page.$eval("#findings .panel-head .count", (e) => Number(e.textContent.replace(/,/g, "")));

/** Opens the shop's compose export and waits for its findings. */
async function openCompose(page) {
  await page.waitForSelector("#empty-state");
  await page.fill("#source", COMPOSE);
  await waitForFindings(page);
}

/** Waits until the findings count is `n` (the analysis of the latest text is shown). */
async function waitForCount(page, n) {
  await page.waitForFunction((n) => Number(document.querySelector("#findings .panel-head .count")?.textContent?.replace(/,/g, "")) === n, n);
  await waitForFindings(page);
}

test("the overlay tab: an overlay typed there is analysed with the export, and its errors show at their line", async () => {
  const { context, page } = await fresh();
  try {
    await openCompose(page);
    assert.equal(await findingsCount(page), expected(COMPOSE_FILE).findings.length);
    assert.ok((await findingsText(page)).includes(CONFIG_SPOF));
    await page.click("#tab-overlay");
    assert.equal(await page.$eval("#tab-overlay", (e) => e.getAttribute("aria-selected")), "true");
    const overlay = "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]   # start order only\n";
    await page.fill("#overlay-source", overlay);
    const want = expected(COMPOSE_FILE, overlay);
    await waitForCount(page, want.findings.length);
    const text = await findingsText(page);
    assert.ok(!text.includes(CONFIG_SPOF), "the overlay took the finding away");
    for (const f of want.findings.slice(0, 5)) assert.ok(text.includes(plain(f.title)), `missing: ${f.title}`);
    // The export's text is as it was: two texts, two tabs.
    assert.equal(await page.$eval("#source", (e) => e.value), COMPOSE);
    // The summary lists the change; the legend and the filter know the marked edge; the SVG export draws its halo.
    await page.click("#side-summary");
    const note = await page.$eval('#summary li.note[data-rule="overlay.requires_at_start"]', (e) => e.textContent);
    assert.match(note, /frontend → config: requires → requires_at_start/);
    assert.match(note, /overlay line 4/);
    const filters = await page.$$eval("#edge-filter option", (os) => os.map((o) => o.textContent));
    assert.deepEqual(filters, ["all edges", "only: changed by the overlay"]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
    assert.match(readFileSync(await download.path(), "utf8"), /<path class="halo prov-overlay"/);
    // Revert takes the line out of the overlay again, and the finding is back.
    await page.click('#summary li.note[data-rule="overlay.requires_at_start"] button.revert');
    await page.waitForFunction(() => !document.querySelector("#overlay-source")?.value.includes("requires_at_start"));
    await page.click("#side-findings");
    await waitForCount(page, expected(COMPOSE_FILE).findings.length);
    // An error in the overlay: at its line in the overlay tab, not in the export's.
    const bad = "overlay: true\ncomponents:\n  - id: frontnd\n    critical: true\n";
    await page.fill("#overlay-source", bad);
    await page.waitForSelector("#overlay-problems .problem.error");
    const message = await page.$eval("#overlay-problems .problem.error", (e) => e.textContent);
    assert.match(message, /^3:\d+/);
    assert.match(message, /did you mean `frontend`/);
    assert.ok(await page.$('#overlay-editor-pane .gutter .ln.err[data-line="3"]'));
    assert.ok(await page.$("#overlay-tab-errors"));
    assert.ok(!(await page.$("#problems")), "the export has no problem");
    assert.ok(await page.$("#findings .stale"), "the last good analysis stays, said to be stale");
    // What was typed in both tabs survives a reload.
    await page.reload();
    await page.waitForFunction((t) => document.querySelector("#overlay-source")?.value === t, bad);
    assert.equal(await page.$eval("#source", (e) => e.value), COMPOSE);
    await page.waitForSelector("#overlay-tab-errors");
    assert.match(await page.$eval("#findings .stale", (e) => e.textContent), /Overlay tab/);
    await page.click("#tab-overlay");
    await page.waitForSelector("#overlay-problems .problem.error");
  } finally {
    await context.close();
  }
});

/** A point on the edge `from` → `to` as the page draws it (from the dependent's bottom to the
 *  dependency's top), not over any node: the curve's formula at a few positions along it. */
async function edgePoints(page, from, to) {
  return page.evaluate(([from, to]) => {
    const box = (id) => document.querySelector(`#graph g.node[data-id="${id}"] rect.box`).getBoundingClientRect();
    const [a, b] = [box(from), box(to)];
    const [x1, y1, x2, y2] = [a.x + a.width / 2, a.bottom, b.x + b.width / 2, b.top];
    const bend = (y2 - y1) * 0.5;
    const points = [];
    for (const t of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7]) {
      const u = 1 - t;
      const x = u * u * u * x1 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x2;
      const y = u * u * u * y1 + 3 * u * u * t * (y1 + bend) + 3 * u * t * t * (y2 - bend) + t * t * t * y2;
      const under = document.elementFromPoint(x, y);
      if (under && !under.closest("g.node") && !under.closest(".inspector")) points.push([x, y]);
    }
    return points;
  }, [from, to]);
}

test("an edge's meaning by click: the overlay entry is written and the finding changes", async () => {
  const { context, page } = await fresh();
  try {
    await openCompose(page);
    await page.click("#mode-review");
    let found = false;
    for (const [x, y] of await edgePoints(page, "frontend", "config")) {
      await page.mouse.click(x, y);
      const title = await page.waitForSelector("#inspector", { timeout: 2000 }).then(
        () => page.$eval("#inspector .insp-title", (e) => e.textContent),
        () => "",
      );
      if (title.includes("frontend") && title.includes("config")) {
        found = true;
        break;
      }
    }
    assert.ok(found, "a click on the edge selects it");
    assert.equal(await page.$eval("#edge-meaning", (e) => e.textContent), "requires");
    await page.click('#inspector .choice[data-meaning="requires_at_start"]');
    await page.waitForFunction(() => document.querySelector("#overlay-source")?.value.includes("requires_at_start"));
    const overlay = await page.$eval("#overlay-source", (e) => e.value);
    assert.equal(overlay, "overlay: true\ncomponents:\n  - id: frontend\n    requires_at_start: [config]\n");
    assert.equal(await page.$eval("#tab-overlay", (e) => e.getAttribute("aria-selected")), "true", "the overlay tab shows what was written");
    await waitForCount(page, expected(COMPOSE_FILE, overlay).findings.length);
    assert.ok(!(await findingsText(page)).includes(CONFIG_SPOF));
    await page.waitForFunction(() => document.querySelector("#edge-meaning")?.textContent === "start order only");
    // A component by click: critical, written in the same entry. (The inspector card covers
    // part of the graph: closed first.)
    await page.click("#inspector .insp-close");
    await page.click('#graph g.node[data-id="checkout"]');
    await page.waitForFunction(() => document.querySelector("#inspector .insp-title").textContent.includes("checkout"));
    await page.click("#critical-toggle");
    await page.waitForFunction(() => document.querySelector("#overlay-source")?.value.includes("- id: checkout\n    critical: true"));
    // A dependency's meaning from the component's list: a replicated workload's, written once for its replicas.
    await page.click("#inspector .insp-close");
    await page.click('#graph g.node[data-id="catalog"]');
    await page.waitForSelector('#inspector li.dep[data-to="collector"]');
    await page.selectOption('#inspector li.dep[data-to="collector"] select', "monitored_by");
    await page.waitForFunction(() => document.querySelector("#overlay-source")?.value.includes("- id: catalog\n    monitored_by: [collector]"));
    const all = await page.$eval("#overlay-source", (e) => e.value);
    await waitForCount(page, expected(COMPOSE_FILE, all).findings.length);
  } finally {
    await context.close();
  }
});

test("a share link carries the overlay with the export, and opens both again", async () => {
  const { context, page } = await fresh();
  try {
    await openCompose(page);
    await page.click("#tab-overlay");
    const overlay = readFileSync(join(ROOT, "crates/blastmap-import/tests/fixtures/overlay/shop-review.yaml"), "utf8");
    await page.fill("#overlay-source", overlay);
    const want = expected(COMPOSE_FILE, overlay);
    await waitForCount(page, want.findings.length);
    await page.click("#share");
    const url = await page.$eval("#share-url", (e) => e.value);
    const other = await fresh();
    try {
      await other.page.goto(url);
      await other.page.waitForFunction((t) => document.querySelector("#overlay-source")?.value === t, overlay);
      assert.equal(await other.page.$eval("#source", (e) => e.value), COMPOSE);
      await waitForCount(other.page, want.findings.length);
      assert.equal(await other.page.$eval("#side-summary .tab-badge", (e) => Number(e.textContent.replace(/,/g, ""))), want.notes.length);
      // An overlay the other page had is set aside, not lost, and comes back on request.
      await other.page.click("#tab-overlay");
      await other.page.fill("#overlay-source", "overlay: true\n# mine\n");
      await other.page.goto(url);
      await other.page.waitForSelector("#notice.warning");
      assert.match(await other.page.$eval("#notice", (e) => e.textContent), /Your overlay is set aside/);
      await other.page.click("#tab-overlay");
      await other.page.waitForSelector("#overlay-aside");
      await other.page.click("#apply-aside");
      await other.page.waitForFunction(() => document.querySelector("#overlay-source")?.value === "overlay: true\n# mine\n");
    } finally {
      await other.context.close();
    }
  } finally {
    await context.close();
  }
});

test("the import summary: an inference accepted and one flipped are written into the overlay", async () => {
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    const exportText = [
      "components:",
      "  - {id: web, requires: [api], monitored_by: [otel], critical: true}",
      "  - {id: api, requires: [db]}",
      "  - {id: db}",
      "  - {id: otel}",
      "  - {id: loadgen, requires: [web], target: false}",
      "",
    ].join("\n");
    await page.fill("#source", exportText);
    await waitForFindings(page);
    // Importers make no inferences yet: the test hooks let the worker add these notes, as the
    // compose importer's telemetry and load-generator rules will.
    const notes = [
      {
        kind: "inferred",
        rule: "test.telemetry-sink",
        subject: "web",
        edge: { from: "web", to: "otel", field: "monitored_by", was: "requires" },
        message: "`web` → `otel`: requires → monitored_by (`otel` is a telemetry sink)",
      },
      { kind: "inferred", rule: "test.load-generator", subject: "loadgen", message: "`loadgen`: target false (a load generator)" },
    ];
    const worker = page.workers().find((w) => w.url().endsWith("/worker.js"));
    await worker.evaluate((data) => self.onmessage(new MessageEvent("message", { data })), "test-notes\n" + JSON.stringify(notes));
    await page.fill("#source", exportText + "# again\n");
    await page.click("#side-summary");
    await page.waitForSelector('#summary li.note.inferred[data-rule="test.load-generator"]');
    const verdicts = await page.$$eval("#summary li.note.inferred .verdict", (es) => es.map((e) => e.textContent));
    assert.deepEqual(verdicts, ["to review", "to review"]);
    // Accept: written as it is.
    await page.click('#summary li.note[data-rule="test.telemetry-sink"] button.accept');
    await page.waitForFunction(() => document.querySelector("#overlay-source")?.value.includes("monitored_by: [otel]"));
    await page.waitForFunction(
      () => document.querySelector('#summary li.note[data-rule="test.telemetry-sink"] .verdict')?.textContent === "✓ accepted",
    );
    // Flip: the opposite written; the load generator is a target again.
    await page.click('#summary li.note[data-rule="test.load-generator"] button.flip');
    await page.waitForFunction(() => document.querySelector("#overlay-source")?.value.includes("- id: loadgen\n    target: true"));
    await page.waitForFunction(
      () => document.querySelector('#summary li.note[data-rule="test.load-generator"] .verdict')?.textContent === "⇄ flipped",
    );
    const overlay = await page.$eval("#overlay-source", (e) => e.value);
    assert.equal(overlay, "overlay: true\ncomponents:\n  - id: web\n    monitored_by: [otel]\n  - id: loadgen\n    target: true\n");
    const file = join(TMP, "inferred.yaml");
    writeFileSync(file, exportText);
    await page.click("#side-findings");
    await waitForCount(page, expected(file, overlay).findings.length);
    // Clicking a note shows its edge on the graph.
    await page.click("#side-summary");
    await page.click('#summary li.note[data-rule="test.telemetry-sink"] .note-text');
    await page.waitForSelector('#graph g.node.evidence[data-id="otel"]');
    await page.waitForSelector("#inspector");
    assert.match(await page.$eval("#inspector .insp-title", (e) => e.textContent), /web\s*→\s*otel/);
  } finally {
    await context.close();
  }
});

test("no request left the origin, and the page logged no errors", () => {
  const origin = new URL(env.server.url).origin;
  assert.ok(requests.some((u) => u.endsWith("blastmap-worker_bg.wasm")), "worker requests are recorded too");
  const foreign = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("blob:" + origin) && !u.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
});
