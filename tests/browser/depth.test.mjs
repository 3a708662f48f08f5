// A shape no attribute rolls up (a long `requires` chain: no region, group or kind) opens rolled
// up into bands of dependency depth; a band says what it holds, opens into its components, and
// shows a what-if like any aggregate. A cluster's manifests, hundreds of replica sets and no
// region, open by kind, and a kind opens into its replica sets. A kind holding more than a
// screenful opens in parts by dependency depth, which open into its components or replica sets,
// and so does a region holding more replica sets than a screenful.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, waitForFindings, shared } from "./harness.mjs";

const env = shared();

/** A `requires` chain of `n` components, c0 on top: c(n-1) is at depth 0, c0 at depth n-1. */
function chain(n) {
  const components = [];
  for (let i = 0; i < n; i++) components.push(i + 1 < n ? { id: `c${i}`, requires: [`c${i + 1}`] } : { id: `c${i}` });
  return JSON.stringify({ name: "chain", components });
}

const bands = (page) =>
  page.$$eval("#graph g.node.aggregate", (es) => es.map((e) => ({ id: e.dataset.id, text: e.textContent, status: e.dataset.status })));

/** Every band box of the view is whole inside the graph and at least `min` px tall. */
async function allBandsLegible(page, count, min = 22) {
  const boxes = await page.$$eval("#graph g.node.aggregate", (es) => {
    const s = document.querySelector("#graph").getBoundingClientRect();
    return es.map((e) => {
      const r = e.querySelector(".box").getBoundingClientRect();
      return { id: e.dataset.id, h: r.height, inside: r.top >= s.top && r.bottom <= s.bottom && r.left >= s.left && r.right <= s.right };
    });
  });
  assert.equal(boxes.length, count, JSON.stringify(boxes));
  for (const b of boxes) {
    assert.ok(b.inside, `${b.id} is not whole on screen: ${JSON.stringify(boxes)}`);
    assert.ok(b.h >= min, `${b.id} is ${b.h.toFixed(1)} px tall`);
  }
}

/** No band (its box and the stack drawn behind it) lies under the graph's overlaid controls:
 * the zoom buttons and Fit above, the line that says what is shown below. */
async function clearOfControls(page) {
  const { bands, controls } = await page.evaluate(() => {
    const rect = (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      bands: [...document.querySelectorAll("#graph g.node.aggregate")].map((e) => ({ id: e.dataset.id, ...rect(e) })),
      controls: [".graph-tools", ".graph-info"].map((s) => ({ id: s, ...rect(document.querySelector(s)) })),
    };
  });
  assert.ok(bands.length > 0);
  for (const b of bands) {
    for (const c of controls) {
      const overlap = b.left < c.right && c.left < b.right && b.top < c.bottom && c.top < b.bottom;
      assert.ok(!overlap, `${b.id} lies under ${c.id}: ${JSON.stringify({ band: b, control: c })}`);
    }
  }
}

test("a long chain's bands all show legible in a narrow window too (1000 × 700)", async () => {
  const { context, page } = await open(env.browser, env.server.url, { viewport: { width: 1000, height: 700 } });
  try {
    await page.waitForSelector("#empty-state");
    await page.fill("#source", chain(3_000));
    await waitForFindings(page);
    await page.waitForSelector('#graph g.node[data-id="depth:2600-2799"]');
    await allBandsLegible(page, 15);
    await clearOfControls(page);
    // Read left to right, then down: the deepest band first, each beside or below the last.
    const at = await page.$$eval("#graph g.node.aggregate .box", (es) =>
      es.map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.closest("g.node").dataset.id, x: r.left, y: r.top };
      }),
    );
    at.sort((a, b) => a.y - b.y || a.x - b.x);
    const lo = (b) => Number(/^depth:(\d+)/.exec(b.id)[1]);
    assert.deepEqual(at.map(lo), [...at.map(lo)].sort((a, b) => b - a), JSON.stringify(at));
    // Fit shows the same: whole, legible, clear of the controls.
    await page.click("#fit");
    await allBandsLegible(page, 15);
    await clearOfControls(page);
  } finally {
    await context.close();
  }
});

test("a long chain opens in depth bands; a band opens into its components and shows a what-if", async () => {
  const { context, page } = await open(env.browser, env.server.url);
  try {
    await page.waitForSelector("#empty-state");
    // 3,000 depths: 15 bands of 200.
    await page.fill("#source", chain(3_000));
    await waitForFindings(page);
    await page.waitForSelector('#graph g.node[data-id="depth:2600-2799"]');
    assert.equal(await page.$eval("#roll-up", (s) => s.value), "auto-depth");
    let shown = await bands(page);
    assert.equal(shown.length, 15, JSON.stringify(shown.map((b) => b.id)));
    assert.equal(await page.$("#graph g.node:not(.aggregate)"), null, "every component is in a band");
    const top = shown.find((b) => b.id === "depth:2800-2999");
    assert.match(top.text, /depth 2,800–2,999/);
    assert.match(top.text, /200 components · click to open/);
    // The page's report holds 200 findings of a kind: c0's fold still counts all 2,999 of its
    // single-instance dependencies, and the section says where the rest are.
    const fold = await page.$eval('#findings section[data-kind="spof"] li.fold .fold-title', (e) => e.textContent);
    assert.match(fold, /^c0: 2,999 single-instance dependencies, direct or chained \(obvious\)/);
    assert.match(fold, /… and 2,993 more$/);
    const note = await page.$eval('#findings section[data-kind="spof"] > p.muted', (e) => e.textContent);
    assert.equal(note, "2,799 more in the exported report");
    // Readable at first sight: the 15 bands are laid out in rows (a column of them showed
    // only the top 11 at a legible size), every one of them whole on screen and legible.
    await allBandsLegible(page, 15, 30);
    await clearOfControls(page);
    // Fit keeps them all on screen.
    await page.click("#fit");
    await allBandsLegible(page, 15, 30);
    await clearOfControls(page);

    // A click opens the band (c200…c399) into its components; the chip can close it again.
    await page.click('#graph g.node[data-id="depth:2600-2799"]');
    await page.waitForSelector("#graph g.node:not(.aggregate)");
    assert.equal(await page.$('#graph g.node[data-id="depth:2600-2799"]'), null);
    const drawn = await page.$$eval("#graph g.node:not(.aggregate)", (es) => es.map((e) => e.dataset.id));
    assert.ok(drawn.every((id) => /^c\d+$/.test(id) && Number(id.slice(1)) >= 200 && Number(id.slice(1)) < 400), drawn.join(" "));

    // Fail one of them on screen: what depends on it goes down, in the band and above it.
    const victim = await page.$$eval("#graph g.node:not(.aggregate)", (es) => {
      const screen = document.querySelector("#graph").getBoundingClientRect();
      const inside = (r) => r.top >= screen.top && r.bottom <= screen.bottom && r.left >= screen.left && r.right <= screen.right;
      return es.find((e) => inside(e.getBoundingClientRect()))?.dataset.id;
    });
    assert.ok(victim, "the opened band is on screen");
    await page.click(`#graph g.node[data-id="${victim}"]`);
    await page.waitForSelector(`#graph g.node[data-id="${victim}"][data-status="failed"]`);
    await page.click('.view-bar .chip:has-text("expanded depth:2600-2799")');
    await page.waitForSelector('#graph g.node[data-id="depth:2600-2799"]');
    shown = await bands(page);
    const status = Object.fromEntries(shown.map((b) => [b.id, b.status]));
    assert.equal(status["depth:2600-2799"], "degraded", "some of its components are down");
    assert.equal(status["depth:2800-2999"], "down", "all of c0…c199 depend on it");
    assert.equal(status["depth:2400-2599"], "up", "below it: nothing it needs failed");

    // The picker offers the bands alone by name.
    const options = await page.$$eval("#roll-up option", (es) => es.map((e) => `${e.value}=${e.textContent}`));
    assert.ok(options.includes("depth=dependency depth"), options.join(", "));
    await page.selectOption("#roll-up", "depth");
    await page.waitForFunction(() => document.querySelectorAll("#graph g.node.aggregate").length === 15);
  } finally {
    await context.close();
  }
});

/** Puts `text` into the empty page's editor at once, as the browser's own paste does
 * (Playwright's `fill` inserts thousands of lines one by one: minutes), and waits for the
 * findings. */
async function pasteAtOnce(page, text) {
  await page.waitForSelector("#empty-state");
  await page.evaluate((text) => {
    const source = document.querySelector("#source");
    source.value = text;
    source.dispatchEvent(new InputEvent("input", { bubbles: true }));
  }, text);
  await waitForFindings(page);
}

/** Clicks the aggregate `id` and waits until it has opened (its box is gone). */
async function openBox(page, id) {
  const box = `#graph g.node[data-id="${id}"]`;
  await page.click(box);
  await page.waitForFunction((sel) => !document.querySelector(sel), box);
}

/** The line under the graph when `n` nodes are shown, `rolled` of them aggregates. */
const shownLine = (n, rolled = n) => `${n} shown · ${rolled} rolled up: click one to open it`;

/** Kubernetes manifests: `n` Deployments of two replicas, each with its Service, each
 * Deployment calling the next one's Service; no region anywhere. */
function manifests(n) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const env = `\n            - name: NEXT_ADDR\n              value: "svc${(i + 1) % n}:8080"`;
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: svc${i}\n  template:\n    metadata:\n      labels:\n        app: svc${i}\n    spec:\n      containers:\n        - name: server\n          image: example/svc${i}:1.0\n          env:${env}`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc${i}\nspec:\n  selector:\n    app: svc${i}\n  ports:\n    - port: 8080`,
    );
  }
  return docs.join("\n---\n") + "\n";
}

test("a cluster's manifests with hundreds of replica sets open by kind, and a kind opens into its replica sets, in parts", async () => {
  const { context, page } = await open(env.browser, env.server.url);
  try {
    // 400 replica sets: by region › group › kind the first view would hold 400 boxes.
    await pasteAtOnce(page, manifests(400));
    await page.waitForSelector('#graph g.node[data-id="kind:deployment"]');
    assert.equal(await page.$eval("#roll-up", (s) => s.value), "kind-first");
    const kinds = await page.$$eval("#graph g.node", (es) => es.map((e) => e.dataset.id).sort());
    assert.ok(kinds.length <= 6 && kinds.every((k) => k.startsWith("kind:")), kinds.join(", "));
    // Each Deployment rolls up with its pods, as a deployment: no kind of gates alone, none
    // of pods apart from them.
    assert.deepEqual(kinds, ["kind:deployment", "kind:service"]);
    await openBox(page, "kind:deployment");
    // 400 replica sets are more than a screenful: the kind shows them in 20 parts of 20, beside
    // the other kinds (the line under the graph counts what is shown).
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(kinds.length - 1 + 20));
    assert.match(await page.textContent('#graph g.node[data-id="kind:deployment#1-20"]'), /deployment 1–20.*20 of 400/);
    await page.click("#fit");
    await openBox(page, "kind:deployment#1-20");
    // A part opens into its 20 replica sets, each one box; no replica alone.
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(kinds.length - 1 + 19 + 20));
    assert.equal(await page.$('#graph g.node[data-id^="deployment/svc"]:not(.aggregate)'), null, "no replica alone");
    const sets = await page.$$eval('#graph g.node.aggregate[data-id^="group:deployment/svc"]', (es) => es.length);
    assert.equal(sets, 20, "replica sets drawn as such");
  } finally {
    await context.close();
  }
});

/** A Compose file of `n` services, each depending on the next three (the last on nothing). */
function compose(n) {
  const lines = ["services:"];
  for (let i = 0; i < n; i++) {
    lines.push(`  svc${i}:`, `    image: example/svc${i}:1.0`);
    const next = [1, 2, 3].map((d) => i + d).filter((j) => j < n);
    if (next.length) lines.push("    depends_on:", ...next.map((j) => `      - svc${j}`));
  }
  return lines.join("\n") + "\n";
}

test("a kind of 1,200 services opens in parts by depth, not 1,200 boxes, and a part opens into its services", async () => {
  const { context, page } = await open(env.browser, env.server.url);
  try {
    await pasteAtOnce(page, compose(1_200));
    await page.waitForSelector('#graph g.node[data-id="kind:service"]');
    // Counts are grouped by thousands, as the report writes them: each service but the last
    // a single point of failure.
    assert.equal(await page.textContent("#findings .panel-head .count"), "1,199");
    assert.equal(await page.textContent("#side-findings .tab-badge"), "1,199");
    assert.match(await page.textContent('#graph g.node[data-id="kind:service"]'), /kind · 1,200 inside/);
    await openBox(page, "kind:service");
    // 1,200 ranked by depth in 24 parts of 50: svc1199 depends on nothing (depth 0), svc0 is
    // the deepest (1,199).
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(24));
    assert.equal(await page.$('#graph g.node:not(.aggregate)'), null, "no service alone");
    const first = await page.textContent('#graph g.node[data-id="kind:service#1-50"]');
    assert.match(first, /service 1–50/);
    assert.match(first, /50 of 1,200 · depth 0–49/);
    await page.click("#fit");
    await page.click('#graph g.node[data-id="kind:service#1-50"]');
    await page.waitForSelector('#graph g.node[data-id="svc1199"]');
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(73, 23));
    const shown = await page.$$eval("#graph g.node:not(.aggregate)", (es) => es.map((e) => e.dataset.id));
    assert.deepEqual(shown.sort(), Array.from({ length: 50 }, (_, i) => `svc${1150 + i}`).sort());
    // The chip collapses the part again.
    await page.click('.view-bar button.chip[data-key="kind:service#1-50"]');
    await page.waitForSelector('#graph g.node[data-id="kind:service#1-50"]');
    // Without roll-up, the line under the graph counts the 1,200 grouped by thousands.
    await page.selectOption("#roll-up", "none");
    await page.waitForFunction(() => document.querySelector(".graph-info .shown")?.textContent === "1,200 shown");
  } finally {
    await context.close();
  }
});

/** A native topology: region `east` holding `n` redundancy groups (a gate needing one of two
 * replicas), and a front end outside any region that needs them all. */
function regionOfGroups(n) {
  const components = [{ id: "front", requires: Array.from({ length: n }, (_, i) => `svc${i}`) }];
  for (let i = 0; i < n; i++) {
    components.push(
      { id: `svc${i}-a`, kind: "service", region: "east" },
      { id: `svc${i}-b`, kind: "service", region: "east" },
      { id: `svc${i}`, kind: "group", requires: [`svc${i}-a`, `svc${i}-b`], need: 1 },
    );
  }
  return JSON.stringify({ name: "region of groups", components }, null, 1);
}

test("a region of 400 replica sets opens in parts of them; a set opened inside a part goes back into it when the part closes", async () => {
  const { context, page } = await open(env.browser, env.server.url);
  try {
    await pasteAtOnce(page, regionOfGroups(400));
    await page.waitForSelector('#graph g.node[data-id="region:east"]');
    await openBox(page, "region:east");
    // 400 replica sets, all of depth 0, in graph order: 20 parts of 20 beside the front end.
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(21, 20));
    assert.equal(await page.$('#graph g.node[data-id^="group:"]'), null, "no replica set drawn alone");
    const first = await page.textContent('#graph g.node[data-id="region:east#1-20"]');
    assert.match(first, /region east 1–20/);
    assert.match(first, /20 of 400 · depth 0/);
    await page.click("#fit");
    await openBox(page, "region:east#1-20");
    const sets = await page.$$eval('#graph g.node.aggregate[data-id^="group:"]', (es) => es.map((e) => e.dataset.id));
    assert.deepEqual(sets.sort(), Array.from({ length: 20 }, (_, i) => `group:svc${i}`).sort());
    await page.click("#fit");
    await openBox(page, "group:svc3");
    await page.waitForSelector('#graph g.node[data-id="svc3-a"]');
    // The part closed from its chip: the opened set's replicas go back into it, and come out
    // again, still opened, with the part.
    await page.click('.view-bar button.chip[data-key="region:east#1-20"]');
    await page.waitForSelector('#graph g.node[data-id="region:east#1-20"]');
    assert.equal(await page.$('#graph g.node[data-id="svc3-a"]'), null, "svc3's replicas are inside the closed part");
    assert.equal(await page.textContent(".graph-info .shown"), shownLine(21, 20));
    await openBox(page, "region:east#1-20");
    await page.waitForSelector('#graph g.node[data-id="svc3-a"]');
    assert.equal(await page.$('#graph g.node[data-id="group:svc3"]'), null, "svc3 is still opened");
  } finally {
    await context.close();
  }
});
