// The page in real headless Chromium: examples and their findings, failing by click, inline
// errors, persistence, share links, exports, and that no request ever leaves the origin.
// Expected findings come from the native CLI on the same examples (BLASTMAP_CLI, else
// target/{release,debug}/blastmap), so the page is checked against the core, not against itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, open, pasteText, settled, waitForFindings, shared } from "./harness.mjs";

const EXAMPLES = join(ROOT, "examples");
const examples = readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const CLI =
  process.env.BLASTMAP_CLI ?? [join(target, "release", "blastmap"), join(target, "debug", "blastmap")].find((p) => existsSync(p));

function cli(...args) {
  assert.ok(CLI, "the blastmap CLI is not built (scripts/test-browser.sh builds it)");
  return JSON.parse(execFileSync(CLI, args, { encoding: "utf8" }));
}
const plain = (title) => title.replaceAll("`", "");

const env = shared();
const requests = [];
const errors = [];


async function fresh(path = "") {
  return open(env.browser, env.server.url + path, { requests, errors });
}

/** Sets the editor's text as typing it would (one input event; a paste goes through `pasteText`). */
async function typed(page, text) {
  await page.evaluate((t) => {
    const ta = document.querySelector("#source");
    ta.value = t;
    ta.dispatchEvent(new InputEvent("input", { bubbles: true }));
  }, text);
}

/** Clicks `selector` and returns the download it starts: name, body and URL. */
async function grab(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), body: readFileSync(path, "utf8"), url: download.url() };
}

/** The findings panel's text, with all groups expanded and every fold of obvious ones opened. */
async function findingsText(page) {
  for (const more of await page.$$("#findings button.more")) await more.click();
  for (const fold of await page.$$('#findings .fold-head[aria-expanded="false"]')) await fold.click();
  return page.$eval("#findings", (e) => e.textContent);
}

test("there are examples to test", () => {
  assert.ok(examples.length >= 5, `examples/: ${examples}`);
});

for (const file of examples) {
  const name = file.replace(/\.(ya?ml|json)$/, "");
  test(`example ${name}: its findings are shown, most severe first`, async () => {
    const report = cli("analyze", "--format", "json", join(EXAMPLES, file));
    const { context, page } = await fresh(`#example=${name}`);
    try {
      await waitForFindings(page);
      const count = await page.$eval("#findings .panel-head .count", (e) => e.textContent.trim());
      assert.equal(Number(count), report.findings.length);
      const text = await findingsText(page);
      // Each finding on its own line, or (a failure equivalent to another) named on that one's.
      for (const f of report.findings.slice(0, 6)) {
        const shown = f.rank.same_as ? text.includes(f.subject) : text.includes(plain(f.title));
        assert.ok(shown, `missing finding: ${f.title}`);
      }
      // Hidden ones lead: before any obvious one of the same severity.
      const ranks = report.findings.map((f) => `${f.severity}:${f.rank.class}`);
      for (let i = 1; i < ranks.length; i++) {
        const [s0, c0] = ranks[i - 1].split(":"), [s1, c1] = ranks[i].split(":");
        if (s0 === s1) assert.ok(!(c0 === "obvious" && c1 === "hidden"), "hidden before obvious");
      }
      // Grouped by kind: each group's badge counts its findings.
      for (const kind of new Set(report.findings.map((f) => f.kind))) {
        const n = await page.$eval(`#findings section[data-kind="${kind}"] h3 .count`, (e) => Number(e.textContent.replace(/,/g, "")));
        assert.equal(n, report.findings.filter((f) => f.kind === kind).length, kind);
      }
      const severities = await page.$$eval("#findings .finding .sev", (es) => es.map((e) => e.textContent.toLowerCase()));
      assert.equal(severities[0], report.findings[0].severity);
      const waves = report.cold_start.waves.length;
      assert.ok(text.includes(`${waves} wave${waves === 1 ? "" : "s"}`));
      // The editor holds the example, the graph draws every component of it.
      const source = await page.$eval("#source", (e) => e.value);
      assert.equal(source, readFileSync(join(EXAMPLES, file), "utf8"));
      // Large examples open rolled up; show everything to check.
      if ((await page.$eval("#roll-up", (s) => s.value)) !== "none") {
        await page.selectOption("#roll-up", "none");
        await page.waitForFunction(() => !document.querySelector("#graph g.node.aggregate"));
      }
      // Large views put only the nodes on screen in the page; the SVG export has them all.
      const svg = (await grab(page, "#export-svg")).body;
      const drawn = [...svg.matchAll(/<g class="node[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]);
      const shown = await page.$eval(".graph-info .shown", (e) => parseInt(e.textContent.replace(/,/g, ""), 10));
      assert.equal(drawn.length, shown);
      // Components are all drawn; placement values only when shared (regions and zones as boxes).
      for (const c of report.criticality.slice(0, 5)) {
        if (!/^(region|zone|host|provider|power|network):/.test(c.component)) assert.ok(drawn.includes(c.component), `not drawn: ${c.component}`);
      }
    } finally {
      await context.close();
    }
  });
}

test("the outage cases: Roblox's Consul is a SPOF and a blind spot; PagerDuty's quorum is false redundancy", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    let text = await findingsText(page);
    assert.match(text, /single point of failure: consul takes down/);
    assert.match(text, /monitoring blind spot: consul and all its monitors \(telemetry\)/);
    await page.goto(env.server.url + "#example=pagerduty-shared-peering");
    await page.waitForFunction(() => document.querySelector("#source").value.includes("pagerduty"));
    await waitForFindings(page);
    text = await findingsText(page);
    assert.match(text, /false redundancy: .* declares 2-of-3/);
  } finally {
    await context.close();
  }
});

test("the empty state loads an example in one click, and the menu lists every example", async () => {
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    const cards = await page.$$eval("#empty-state [data-example]", (es) => es.map((e) => e.dataset.example));
    const menu = await page.$$eval("#examples option[value]:not([value=''])", (es) => es.map((e) => e.value));
    const names = examples.map((f) => f.replace(/\.(ya?ml|json)$/, ""));
    assert.deepEqual(cards, names);
    assert.deepEqual(menu, names);
    await page.click(`#empty-state [data-example="${names[0]}"]`);
    await waitForFindings(page);
    assert.ok(await page.$("#graph g.node"));
    await page.selectOption("#examples", names[1]);
    await page.waitForFunction((n) => document.querySelector("#source").value.includes(n.split("-")[0]), names[1]);
  } finally {
    await context.close();
  }
});

test("the top bar stays one row in a 1280-pixel window: the status gives way, whole in its title", async () => {
  const { context, page } = await open(env.browser, env.server.url, { requests, errors, viewport: { width: 1280, height: 800 } });
  try {
    await page.waitForSelector("#empty-state");
    const empty = await page.$eval(".top-bar", (e) => e.getBoundingClientRect().height);
    await page.click("#empty-state [data-example]");
    await waitForFindings(page);
    const bar = await page.$eval(".top-bar", (e) => e.getBoundingClientRect().height);
    assert.equal(bar, empty, "the status did not push the local-only mark onto a second row");
    const status = await page.$eval("#status", (e) => ({ text: e.textContent, title: e.title }));
    assert.match(status.text, /components · parsed in/);
    assert.equal(status.title, status.text);
  } finally {
    await context.close();
  }
});

test("clicking a component fails it: targets down and down-coloured nodes match the core's what-if", async () => {
  const file = join(EXAMPLES, "roblox-2021-consul.yaml");
  const expected = cli("what-if", "--fail", "consul", "--format", "json", file);
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    assert.equal(await page.$eval("#targets-down", (e) => e.dataset.down), "0");
    // Each node's element marked (the page keeps the nodes' elements itself:
    // graph_view/nodes.rs).
    const marked = () =>
      page.$$eval("#graph g.node", (es) =>
        es.map((e) => {
          const was = e.__was;
          e.__was = e.dataset.id;
          return { id: e.dataset.id, v: Number(e.dataset.v), was, html: e.outerHTML };
        }),
      );
    const before = await marked();
    await page.click('#graph g.node[data-id="consul"]');
    await page.waitForSelector('#graph g.node[data-id="consul"][data-status="failed"]');
    // Off the graph: no node hovered.
    await page.mouse.move(1, 1);
    await page.waitForFunction(() => !document.querySelector("#graph g.node.hovered, #graph g.node.path"));
    // Every node keeps its element, changed in place where the failure changed it; each once,
    // in the order of the view; and each as a page drawing it anew draws it (one opened from
    // a share link with the same failure).
    const after = await marked();
    assert.deepEqual(after.map((n) => n.id).sort(), before.map((n) => n.id).sort());
    assert.deepEqual(after.map((n) => n.v), [...after.map((n) => n.v)].sort((a, b) => a - b));
    for (const n of after) assert.equal(n.was, n.id);
    const changed = after.filter((n) => n.html !== before.find((b) => b.id === n.id).html);
    assert.ok(changed.length >= 3 && changed.length < after.length, `${changed.length} of ${after.length} changed`);
    await page.click("#share");
    const url = await page.$eval("#share-url", (e) => e.value);
    await page.keyboard.press("Escape");
    const other = await fresh();
    try {
      await other.page.goto(url);
      await other.page.waitForSelector('#graph g.node[data-id="consul"][data-status="failed"]');
      const drawn = new Map((await other.page.$$eval("#graph g.node", (es) => es.map((e) => [e.dataset.id, e.outerHTML]))));
      for (const n of after) assert.equal(n.html, drawn.get(n.id), n.id);
    } finally {
      await other.context.close();
    }
    const summary = await page.$eval("#targets-down", (e) => e.textContent);
    assert.equal(summary, `${expected.targets_down.length} of ${expected.targets_total} targets down`);
    const down = await page.$$eval('#graph g.node[data-status="down"]', (es) => es.map((e) => e.dataset.id).sort());
    const want = expected.affected.filter((a) => a.status === "down").map((a) => a.component).filter((c) => !/^(region|zone):/.test(c)).sort();
    assert.deepEqual(down, want);
    // Hovering a down node draws the path that explains it.
    const victim = expected.affected.find((a) => a.status === "down" && a.path.length >= 3);
    await page.hover(`#graph g.node[data-id="${victim.component}"]`);
    await page.waitForSelector("#graph g.node.path");
    const path = await page.$$eval("#graph g.node.path", (es) => es.map((e) => e.dataset.id));
    for (const step of victim.path) assert.ok(path.includes(step), `path ${victim.path} lacks ${step}: ${path}`);
    assert.ok((await page.$$("path.edge.path")).length >= victim.path.length - 1);
    // Several at once, undo, reset.
    await page.click('#graph g.node[data-id="vault"]');
    await page.waitForSelector('#graph g.node[data-id="vault"][data-status="failed"]');
    assert.deepEqual(await page.$$eval(".failed-chip", (es) => es.map((e) => e.firstChild.textContent)), ["consul", "vault"]);
    await page.click("#undo");
    await page.waitForSelector('#graph g.node[data-id="vault"]:not([data-status="failed"])');
    await page.click("#reset");
    await page.waitForFunction(() => document.querySelector("#targets-down").dataset.down === "0");
    assert.equal((await page.$$('#graph g.node[data-status="down"]')).length, 0);
  } finally {
    await context.close();
  }
});

test("a placement value from the picker fails everything placed there", async () => {
  const file = join(EXAMPLES, "aws-us-east-1-2021.yaml");
  const expected = cli("what-if", "--fail", "region:us-east-1", "--format", "json", file);
  const { context, page } = await fresh("#example=aws-us-east-1-2021");
  try {
    await waitForFindings(page);
    await page.selectOption("#placement-picker", "region:us-east-1");
    await page.waitForSelector(".failed-chip");
    const summary = await page.$eval("#targets-down", (e) => e.textContent);
    assert.equal(summary, `${expected.targets_down.length} of ${expected.targets_total} targets down`);
    assert.ok(await page.$(".band.region.failed"), "the region's box shows it failed");
  } finally {
    await context.close();
  }
});

test("clicking a finding focuses the graph on its evidence", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    const all = (await page.$$("#graph g.node")).length;
    await page.click('#findings li.finding[data-subject="consul"] .finding-title >> nth=0');
    await page.waitForSelector("#focus");
    await page.waitForSelector('#graph g.node.evidence[data-id="consul"]');
    assert.ok((await page.$$("#graph g.node")).length < all, "focus hides unrelated components");
    assert.ok(await page.$("#findings li.finding.selected dl.details"));
    await page.click("#clear-focus");
    await page.waitForFunction((n) => document.querySelectorAll("#graph g.node").length === n, all);
  } finally {
    await context.close();
  }
});

test("bad input: the error names its line, marks the gutter, and the last good graph stays", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    const nodes = (await page.$$("#graph g.node")).length;
    const bad = "name: broken\ncomponents:\n  - id: web\n    requires: [databse]\n  - id: database\n";
    await page.fill("#source", bad);
    await page.waitForSelector("#problems .problem.error");
    const message = await page.$eval("#problems .problem.error", (e) => e.textContent);
    assert.match(message, /^4:\d+/);
    assert.match(message, /databse/);
    assert.match(message, /did you mean `database`/);
    assert.ok(await page.$('.gutter .ln.err[data-line="4"]'));
    assert.equal((await page.$$("#graph g.node")).length, nodes, "the graph keeps the last good topology");
    assert.ok(await page.$("#findings .stale"));
    // Fixing it recovers.
    await page.fill("#source", bad.replace("databse", "database"));
    await page.waitForFunction(() => !document.querySelector("#problems"));
    await page.waitForFunction(() => document.querySelectorAll("#graph g.node").length === 2);
  } finally {
    await context.close();
  }
});

test("a syntax error is reported at its line too", async () => {
  const { context, page } = await fresh();
  try {
    await page.fill("#source", "components:\n  - id: a\n  - id: [b\n");
    await page.waitForSelector("#problems .problem.error");
    assert.match(await page.$eval("#problems .problem.error .where", (e) => e.textContent), /^[34]:/);
  } finally {
    await context.close();
  }
});

test("past 50 problems the list says how many are left, and lists them all on request", async () => {
  const { context, page } = await fresh();
  try {
    // 60 Services without a selector: a warning each.
    await page.waitForSelector("#source");
    const manifests = Array.from({ length: 60 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ext${i}\nspec:\n  ports:\n    - port: 80\n`).join("---\n");
    await page.evaluate((text) => {
      const source = document.querySelector("#source");
      source.value = text;
      source.dispatchEvent(new InputEvent("input", { bubbles: true }));
    }, manifests);
    await page.waitForSelector("#all-problems");
    assert.equal(await page.$$eval("#problems .problem.warning", (es) => es.length), 50);
    assert.equal(await page.textContent("#all-problems"), "… and 10 more: list all 60");
    await page.click("#all-problems");
    await page.waitForFunction(() => document.querySelectorAll("#problems .problem.warning").length === 60);
    assert.equal(await page.$("#all-problems"), null);
    assert.match(await page.$eval("#problems li:last-child .msg", (e) => e.textContent), /`ext59` has no selector/);
  } finally {
    await context.close();
  }
});

test("the criticality table says how many rows the report holds beyond it", async () => {
  const { context, page } = await fresh();
  try {
    // A chain of 15: each of the 14 links under the top takes it down, 14 rows in the report.
    const components = Array.from({ length: 15 }, (_, i) => (i < 14 ? { id: `c${i}`, requires: [`c${i + 1}`] } : { id: `c${i}` }));
    await page.fill("#source", JSON.stringify({ components }));
    await waitForFindings(page);
    assert.equal(await page.$$eval(".ranking tbody tr", (es) => es.length), 10);
    assert.equal(await page.textContent(".ranking p.muted"), "… and 4 more in the exported report");
  } finally {
    await context.close();
  }
});

test("the text survives a reload", async () => {
  const { context, page } = await fresh();
  try {
    const text = "components:\n  - { id: kept-after-reload, requires: [db] }\n  - { id: db }\n";
    await page.fill("#source", text);
    await page.waitForSelector('#graph g.node[data-id="kept-after-reload"]');
    await page.reload();
    await page.waitForSelector('#graph g.node[data-id="kept-after-reload"]');
    assert.equal(await page.$eval("#source", (e) => e.value), text);
  } finally {
    await context.close();
  }
});

test("a share link round-trips the topology and the failed set", async () => {
  const { context, page } = await fresh("#example=pagerduty-shared-peering");
  let url;
  try {
    await waitForFindings(page);
    await page.click('#graph g.node[data-id="event-store"]');
    await page.waitForSelector('#graph g.node[data-id="event-store"][data-status="failed"]');
    const summary = await page.$eval("#targets-down", (e) => e.textContent);
    await page.click("#share");
    url = await page.$eval("#share-url", (e) => e.value);
    assert.ok(url.startsWith(env.server.url + "#s="), url);
    const text = await page.$eval("#source", (e) => e.value);
    // A new context: empty storage, so only the link can restore it.
    const other = await fresh();
    try {
      await other.page.goto(url);
      await other.page.waitForSelector('#graph g.node[data-id="event-store"][data-status="failed"]');
      assert.equal(await other.page.$eval("#source", (e) => e.value), text);
      assert.equal(await other.page.$eval("#targets-down", (e) => e.textContent), summary);
      assert.equal(await other.page.evaluate(() => location.hash), "", "the fragment is consumed");
    } finally {
      await other.context.close();
    }
  } finally {
    await context.close();
  }
});

test("exports: Markdown and JSON reports and the SVG graph download locally", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    const md = await grab(page, "#export-md");
    assert.match(md.name, /\.md$/);
    assert.match(md.body, /^## Blastmap: roblox-2021-consul/);
    assert.ok(md.url.startsWith("blob:"));
    const json = JSON.parse((await grab(page, "#export-json")).body);
    assert.equal(json.findings.length, cli("analyze", "--format", "json", join(EXAMPLES, "roblox-2021-consul.yaml")).findings.length);
    const svg = await grab(page, "#export-svg");
    assert.match(svg.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.body, /data-id="consul"/);
    assert.match(svg.body, /<style>/);
    // Every edge, though the page paints them on a canvas; a failure's marks come along.
    const edges = cli("analyze", "--format", "json", join(EXAMPLES, "roblox-2021-consul.yaml")).summary.edges;
    assert.ok((svg.body.match(/<path class="edge /g) ?? []).length > edges / 2, "edges exported");
    await page.click('#graph g.node[data-id="consul"]');
    await page.waitForSelector('#graph g.node[data-id="consul"][data-status="failed"]');
    const failed = (await grab(page, "#export-svg")).body;
    assert.match(failed, /class="node failed[^"]*" data-id="consul"/);
    assert.match(failed, /<path class="edge runtime down/);
  } finally {
    await context.close();
  }
});

test("roll-up: a region collapses into one node, expands on click, and collapses again from its chip", async () => {
  const { context, page } = await fresh("#example=aws-us-east-1-2021");
  try {
    await waitForFindings(page);
    await page.selectOption("#roll-up", "region");
    const region = '#graph g.node.aggregate[data-id="region:us-east-1"]';
    await page.waitForSelector(region);
    const drawn = () => page.$$eval("#graph g.node", (es) => es.map((e) => `${e.dataset.id}@${e.getAttribute("transform")}`).sort());
    const before = await drawn();
    await page.click(region);
    await page.waitForFunction((n) => document.querySelectorAll("#graph g.node").length > n, before.length);
    assert.ok(!(await page.$(region)));
    // Collapsed from its chip: the drawing kept from before (not made again), the same view.
    await page.click('.view-bar button.chip[data-key="region:us-east-1"]');
    await page.waitForSelector(region);
    assert.deepEqual(await drawn(), before);
    assert.equal(await page.evaluate(() => performance.getEntriesByName("blastmap:kept", "mark").length), 1);
  } finally {
    await context.close();
  }
});

test("compare: the design diff shows findings gained, lost and changed, as the CLI's diff does", async () => {
  const { context, page } = await fresh("#example=tailnet-split-before");
  try {
    await waitForFindings(page);
    await page.selectOption("#compare", "tailnet-split-after");
    await page.waitForSelector("#diff");
    const want = cli("diff", join(EXAMPLES, "tailnet-split-before.yaml"), join(EXAMPLES, "tailnet-split-after.yaml"), "-f", "json");
    const count = async (kind) => page.$$eval(`#diff [data-diff=${kind}] li.diff-item`, (l) => l.length);
    assert.equal(await count("gained"), want.gained.length);
    assert.equal(await count("lost"), want.lost.length);
    assert.equal(await count("changed"), want.changed.length);
    const lost = await page.$eval("#diff [data-diff=lost]", (e) => e.textContent);
    assert.ok(lost.includes(plain(want.lost[0].title)), lost);
    await page.click("#close-diff");
    await page.waitForSelector("#findings");
  } finally {
    await context.close();
  }
});

test("split by region: proposes per-region tailnets, compares, and opens the proposal", async () => {
  const { context, page } = await fresh("#example=tailnet-estate");
  try {
    await waitForFindings(page);
    assert.ok(await page.$eval("#split", (b) => !b.disabled), "the estate has tailnets to split");
    await page.click("#split");
    await page.waitForSelector("#diff [data-diff=proposal]", { timeout: 60_000 });
    const proposal = await page.$eval("#diff [data-diff=proposal]", (e) => e.textContent);
    assert.ok(proposal.includes("acme-ap-south on shard-ap-south (new shard), 20 nodes"), proposal);
    assert.ok(proposal.includes("share acme-us-east-00 into acme-eu-west"), proposal);
    const outages = await page.$eval("#diff [data-diff=outages]", (e) => e.textContent);
    assert.ok(outages.includes("shard-1 down: admin actions blocked for tailnets globex, acme-us-east; 63 nodes would drop if restarted"), outages);
    await page.click("#open-proposal");
    await page.waitForFunction(() => document.querySelector("#source").value.includes("acme-ap-south"));
    await waitForFindings(page);
    assert.ok(!(await page.$("#diff")), "opening the proposal shows its findings");
  } finally {
    await context.close();
  }
});

test("roll-up by tailnet: each tailnet collapses into one node", async () => {
  const { context, page } = await fresh("#example=tailnet-estate");
  try {
    await waitForFindings(page);
    await page.selectOption("#roll-up", "tailnet");
    await page.waitForSelector("#graph g.node.aggregate");
    const ids = await page.$$eval("#graph g.node.aggregate", (l) => l.map((n) => n.dataset.id).sort());
    assert.deepEqual(ids, ["tailnet:acme", "tailnet:globex", "tailnet:hooli", "tailnet:initech", "tailnet:umbrella"]);
    const label = await page.$eval('#graph g.node.aggregate[data-id="tailnet:acme"]', (n) => n.textContent);
    assert.ok(label.includes("tailnet acme") && label.includes("346 inside"), label);
  } finally {
    await context.close();
  }
});

test("availability: each target's figure and what dominates it, as in the report", async () => {
  const { context, page } = await fresh("#example=salesforce-power-failover");
  try {
    await waitForFindings(page);
    const text = await page.$eval("#availability", (e) => e.textContent);
    assert.ok(text.includes("na14-web-ui") && text.includes("99.9498% (exact)") && text.includes("power:was-feed-b (100%)"), text);
  } finally {
    await context.close();
  }
});

test("large views: edges on a canvas, only the nodes on screen in the page, boxes when zoomed out", async () => {
  const { context, page } = await fresh("#example=tailnet-estate");
  try {
    await waitForFindings(page);
    await page.selectOption("#roll-up", "none");
    await page.waitForFunction(() => parseInt(document.querySelector(".graph-info .shown").textContent.replace(/,/g, ""), 10) > 600);
    const shown = await page.$eval(".graph-info .shown", (e) => parseInt(e.textContent.replace(/,/g, ""), 10));
    // Grouped by thousands, as every count the page writes.
    assert.match(await page.textContent(".graph-info .shown"), /^\d{1,3}(,\d{3})* shown$/);
    const inPage = (await page.$$("#graph g.node")).length;
    assert.ok(inPage > 10 && inPage < shown, `${inPage} of ${shown} in the page`);
    const painted = () =>
      page.$eval("canvas.graph-canvas", (c) => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
    assert.ok((await painted()) > 1000, "edges are painted");
    // Clicking a node on screen fails it, as in small views.
    const id = await page.$eval('#graph g.node[data-status="up"]:not(.aggregate)', (e) => e.dataset.id);
    await page.click(`#graph g.node[data-id="${id}"]`);
    await page.waitForSelector(`#graph g.node[data-id="${id}"][data-status="failed"]`);
    // The whole graph at once: nodes become boxes on the canvas; zooming in brings them back.
    await page.click("#fit");
    await page.waitForSelector('#graph[data-nodes="canvas"]');
    assert.equal((await page.$$("#graph g.node")).length, 0);
    assert.ok((await painted()) > 1000, "boxes are painted");
    for (let i = 0; i < 30 && (await page.$('#graph[data-nodes="canvas"]')); i++) await page.click('.graph-tools button[title="Zoom in"]');
    assert.ok(await page.$('#graph[data-nodes="svg"]'));
  } finally {
    await context.close();
  }
});

test("ids that look like markup stay text in the graph: one node each, nothing they spell is made", async () => {
  // The page writes its nodes as markup (graph_view/nodes.rs): every id, label and title must
  // pass as text.
  const hostile = ['<img src="x" onerror="window.__owned=1">', "</g></svg><b id='injected'>bold</b>", 'a" data-v="0', "x & y <i>", "&amp;lt;"];
  const components = [{ id: "app", requires: hostile }, ...hostile.map((id) => ({ id }))];
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    await typed(page, JSON.stringify({ components }));
    await waitForFindings(page);
    const graph = await page.$eval("#graph g.nodes", (g) => ({
      ids: [...g.children].map((e) => e.dataset.id),
      made: g.querySelectorAll("img, b, i, script").length,
      vs: [...g.children].map((e) => e.dataset.v),
      titles: [...g.children].map((e) => e.querySelector("title").textContent),
    }));
    assert.deepEqual([...graph.ids].sort(), ["app", ...hostile].sort());
    assert.equal(graph.made, 0);
    assert.equal(await page.$("#injected"), null);
    assert.equal(await page.evaluate(() => window.__owned), undefined);
    assert.deepEqual(graph.vs, graph.vs.map((_, i) => String(i)));
    for (const id of hostile) assert.ok(graph.titles.some((t) => t.startsWith(`${id} — `)), `${id}: ${graph.titles}`);
    // A click finds its node by its own index, whatever its id says.
    await page.click(`#graph g.node[data-id="${hostile[2].replaceAll('"', '\\"')}"]`);
    await page.waitForSelector(`#graph g.node[data-status="failed"]`);
    assert.deepEqual(await page.$$eval('#graph g.node[data-status="failed"]', (es) => es.map((e) => e.dataset.id)), [hostile[2]]);
  } finally {
    await context.close();
  }
});

test("zoomed out over a dense estate: boxes in the whole graph's place, edges left out with a hint", async () => {
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    const text = execFileSync(CLI, ["generate", "--edges", "30000"], { encoding: "utf8", maxBuffer: 1 << 26 });
    await typed(page, text);
    await waitForFindings(page, 60_000);
    await page.selectOption("#roll-up", "none");
    await page.waitForFunction(() => parseInt(document.querySelector(".graph-info .shown").textContent.replace(/,/g, ""), 10) > 3000);
    await page.click("#fit");
    await page.waitForSelector('#graph[data-nodes="canvas"]');
    await page.waitForSelector("#edges-left-out");
    // Every painted pixel lies where the fitted graph is on screen.
    const { painted, outside } = await page.evaluate(() => {
      const c = document.querySelector("canvas.graph-canvas");
      const scene = document.querySelector("#graph-scene");
      const [, x, y, k] = scene.getAttribute("transform").match(/translate\(([-\d.]+),([-\d.]+)\) scale\(([\d.]+)\)/).map(Number);
      const r = c.width / c.clientWidth;
      const box = [x, y, x + scene.dataset.width * k, y + scene.dataset.height * k].map((v) => v * r);
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let painted = 0, outside = 0;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i] === 0) continue;
        painted++;
        const px = ((i - 3) / 4) % c.width, py = Math.floor((i - 3) / 4 / c.width);
        if (px < box[0] - 2 || px > box[2] + 2 || py < box[1] - 2 || py > box[3] + 2) outside++;
      }
      return { painted, outside };
    });
    assert.ok(painted > 500, `${painted} pixels painted`);
    assert.equal(outside, 0);
  } finally {
    await context.close();
  }
});

test("opening an aggregate on a slow machine: each frame shows the nodes, the view and the edges of one drawing", async () => {
  // Yew lets the browser paint between a render and its effects once the render has run 16 ms:
  // whatever an effect draws (the nodes, the canvas) would then lag the rest by a frame. The
  // processor is slowed so that the render runs that long.
  const text = execFileSync(CLI, ["generate", "--edges", "30000"], { encoding: "utf8", maxBuffer: 1 << 26 });
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    await typed(page, text);
    await waitForFindings(page, 60_000);
    const key = await page.$eval("#graph g.node.aggregate", (e) => e.dataset.id);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 8 });
    const frames = await page.evaluate(async (key) => {
      // What each frame is about to paint (an animation frame runs before the paint).
      const canvas = document.querySelector("canvas.graph-canvas");
      const small = new OffscreenCanvas(64, 36).getContext("2d", { willReadFrequently: true });
      const look = () => {
        small.clearRect(0, 0, 64, 36);
        small.drawImage(canvas, 0, 0, 64, 36);
        const d = small.getImageData(0, 0, 64, 36).data;
        let h = 0;
        for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) >>> 0;
        return {
          opened: !document.querySelector(`#graph g.node[data-id="${key}"]`),
          view: document.querySelector("#graph-scene").getAttribute("transform"),
          canvas: h,
        };
      };
      const seen = [look()];
      let running = true;
      const loop = () => {
        seen.push(look());
        if (running) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
      document.querySelector(`#graph g.node[data-id="${key}"]`).dispatchEvent(new MouseEvent("click", { bubbles: true }));
      while (!document.querySelector(`.view-bar button.chip[data-key="${key}"]`) || seen.filter((f) => f.opened).length < 10) {
        await new Promise((r) => setTimeout(r, 50));
      }
      running = false;
      return seen;
    }, key);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    const [before, after] = [frames[0], frames.at(-1)];
    assert.ok(after.opened && before.canvas !== after.canvas && before.view !== after.view);
    for (const [i, f] of frames.entries()) {
      const want = f.opened ? after : before;
      assert.deepEqual(f, { ...want, opened: f.opened }, `frame ${i} of ${frames.length}`);
    }
  } finally {
    await context.close();
  }
});

test("the largest aggregate, drawn opened while the page is idle, opens on a click as it would be drawn then", async () => {
  const text = execFileSync(CLI, ["generate", "--edges", "30000"], { encoding: "utf8", maxBuffer: 1 << 26 });
  // What a page shows after the click on `key` (found once the page made its drawing ahead,
  // when `key` is null), and whether it took the drawing made ahead.
  const opened = async (wait, key, idleCallbacks = true) => {
    const { context, page } = await fresh();
    try {
      await page.waitForSelector("#empty-state");
      // As in a browser without them (Safari).
      if (!idleCallbacks) await page.evaluate(() => (window.requestIdleCallback = undefined));
      // Not waiting, the click is made in the page at the first frame that shows the node,
      // long before the page is idle 400 ms later (a click from here could come after that
      // on a busy machine).
      const node = (k) => `#graph g.node[data-id="${k}"]`;
      const clicked = wait
        ? null
        : page.evaluate(async (sel) => {
            while (!document.querySelector(sel)) await new Promise((r) => requestAnimationFrame(r));
            document.querySelector(sel).dispatchEvent(new MouseEvent("click", { bubbles: true }));
          }, node(key));
      await typed(page, text);
      await waitForFindings(page, 60_000);
      if (wait) key = await settled(page, 20_000);
      assert.ok(key, "an aggregate large enough to draw ahead");
      if (wait) {
        await page.waitForSelector(node(key));
        await page.$eval(node(key), (e) => e.dispatchEvent(new MouseEvent("click", { bubbles: true })));
      } else {
        await clicked;
      }
      await page.waitForSelector(`.view-bar button.chip[data-key="${key}"]`);
      await page.waitForFunction((sel) => !document.querySelector(sel), node(key));
      const fromAhead = await page.evaluate(() => performance.getEntriesByName("blastmap:from-ahead", "mark").length);
      const shown = await page.$eval(".graph-info .shown", (e) => e.textContent);
      const scene = await page.$eval("#graph-scene", (e) => [e.dataset.width, e.dataset.height, e.getAttribute("transform")]);
      const ids = await page.$$eval("#graph g.node", (es) => es.map((e) => `${e.dataset.id}@${e.getAttribute("transform")}`).sort());
      return { key, fromAhead, shown, scene, ids };
    } finally {
      await context.close();
    }
  };
  const ahead = await opened(true, null);
  assert.equal(ahead.fromAhead, 1, "the click took the drawing made ahead");
  // Clicked at once, before the page was idle: drawn on the click, and the same.
  const onClick = await opened(false, ahead.key);
  assert.equal(onClick.fromAhead, 0, "drawn on the click");
  // Without idle callbacks the page draws it once it has been quiet a while.
  const quiet = await opened(true, null, false);
  assert.equal(quiet.key, ahead.key);
  assert.equal(quiet.fromAhead, 1);
  assert.deepEqual(quiet.ids, ahead.ids);
  assert.ok(ahead.ids.length > 10, ahead.shown);
  assert.deepEqual(
    { shown: ahead.shown, scene: ahead.scene, ids: ahead.ids },
    { shown: onClick.shown, scene: onClick.scene, ids: onClick.ids },
  );
});

test("a large text: the editor shows a read-only preview, everything is analysed, editing stays possible", async () => {
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    const base = readFileSync(join(EXAMPLES, "roblox-2021-consul.yaml"), "utf8");
    const text = base + "\n" + "# padding to make the text large\n".repeat(40_000);
    await typed(page, text);
    await waitForFindings(page);
    await page.waitForSelector("#preview-note");
    const shown = await page.$eval("#source", (e) => ({ value: e.value, readOnly: e.readOnly }));
    assert.ok(shown.readOnly && shown.value.length < 100_000 && shown.value.startsWith("name: roblox-2021-consul"));
    assert.ok((await findingsText(page)).includes("single point of failure: consul takes down"));
    await page.click("#edit-all");
    await page.waitForFunction((n) => document.querySelector("#source").value.length === n, text.length);
    assert.equal(await page.$eval("#source", (e) => e.readOnly), false);
    assert.ok(!(await page.$("#preview-note")));
  } finally {
    await context.close();
  }
});

test("a large paste beyond ASCII reaches the analysis whole: accents, CJK, emoji, a lone surrogate", async () => {
  const { context, page } = await fresh();
  try {
    await page.waitForSelector("#empty-state");
    // Over 1 MiB, so that the page takes it from the clipboard event; most of it beyond ASCII
    // (two, three and four bytes a character), so that it is encoded in several rounds.
    const names = ["paiement-é", "支払い", "🚀-launch"];
    const padding = "# 日本語のコメント — ünïcødé 🚀🛰️ \ud800 end\n".repeat(40_000);
    const text = [
      "components:",
      `- {id: "${names[0]}", requires: ["${names[1]}"]}`,
      `- {id: "${names[1]}", requires: ["${names[2]}"]}`,
      `- {id: "${names[2]}"}`,
      padding,
    ].join("\n");
    await pasteText(page, text);
    await waitForFindings(page);
    const findings = await findingsText(page);
    assert.ok(findings.includes(`single point of failure: ${names[2]} takes down`), findings.slice(0, 400));
    assert.ok(findings.includes(names[1]));
    // The whole text is kept, the lone surrogate as the replacement character (as the
    // browser's own encoding of text does): every other character as pasted.
    await page.click("#edit-all");
    const kept = await page.$eval("#source", (e) => e.value);
    assert.equal(kept.length, text.length);
    assert.equal(kept, text.replaceAll("\ud800", "\ufffd"));
  } finally {
    await context.close();
  }
});

test("a passing notice does not reset the graph's pan and zoom", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    await page.click('.graph-tools button[title="Zoom in"]');
    const before = await page.$eval("#graph-scene", (e) => e.getAttribute("transform"));
    await page.click("#share");
    await page.waitForSelector("#notice");
    assert.equal(await page.$eval("#graph-scene", (e) => e.getAttribute("transform")), before);
  } finally {
    await context.close();
  }
});

test("offline once loaded: a reload without network still opens the page and analyses", async () => {
  const { context, page } = await fresh("#example=roblox-2021-consul");
  try {
    await waitForFindings(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
    await context.setOffline(true);
    await page.reload();
    await waitForFindings(page);
    assert.ok((await findingsText(page)).includes("single point of failure: consul takes down"));
  } finally {
    await context.close();
  }
});

test("no request left the origin, and the page logged no errors (CSP violations included)", () => {
  const origin = new URL(env.server.url).origin;
  assert.ok(requests.some((u) => u.endsWith("blastmap-worker_bg.wasm")), "worker requests are recorded too");
  const foreign = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("blob:" + origin) && !u.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
});
