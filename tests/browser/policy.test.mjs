// Tailnet operators' files in real headless Chromium: three `tailscale status --json` files and
// the tailnet's policy opened at once (the first is the export, the others are read beside it),
// the findings the CLI finds on the same files (policy kinds among them), the reach view (pick a
// principal: everything it may reach coloured on the graph like a blast radius, with its count in
// the legend; the whole set, also past the report's first 20 names), the primary router of an HA
// route marked on the graph, the split checked against the policy as `blastmap split` checks it,
// share links that keep the files beside the export, and dropping those files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, open, waitForFindings, shared } from "./harness.mjs";

const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const CLI =
  process.env.BLASTMAP_CLI ?? [join(target, "release", "blastmap"), join(target, "debug", "blastmap")].find((p) => existsSync(p));
const DIR = join(ROOT, "crates/blastmap-import/tests/fixtures/tailnet");
const FILES = ["laptop.json", "router-b.json", "db-1.json", "acme.com.hujson"].map((f) => join(DIR, f));

const env = shared();
/** The graph's canvas (its edges): pixels painted strongly, and faintly (as dimmed edges are, at 15%). */
const painted = (page) =>
  page.$eval("canvas.graph-canvas", (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let strong = 0, faint = 0;
    for (let i = 3; i < d.length; i += 4) {
      if (d[i] > 100) strong++;
      else if (d[i] > 0) faint++;
    }
    return { strong, faint };
  });
/** Waits until the canvas's strongly painted pixels are below `n`, or equal to it. */
const strongPixels = (page, how, n) =>
  page.waitForFunction(
    ({ how, n }) => {
      const c = document.querySelector("canvas.graph-canvas");
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let strong = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 100) strong++;
      return how === "below" ? strong < n : strong === n;
    },
    { how, n },
    { timeout: 5_000 },
  );
/** Opens the status files and their policy at once, and waits for the findings and the reach view. */
async function openFiles(page) {
  await page.waitForSelector("#empty-state");
  await page.setInputFiles("#open-file", FILES);
  await waitForFindings(page);
  await page.waitForSelector("#policy-reach");
}
const requests = [];
const errors = [];


test("status files and their policy opened at once: policy findings, the reach view, and back to one file", async () => {
  assert.ok(CLI, "the blastmap CLI is not built (scripts/test-browser.sh builds it)");
  const expected = JSON.parse(execFileSync(CLI, ["analyze", "--format", "json", ...FILES], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const { context, page } = await open(env.browser, env.server.url, { requests, errors });
  try {
    await openFiles(page);
    assert.deepEqual(await page.$$eval("#beside .chip", (es) => es.map((e) => e.textContent)), ["router-b.json", "db-1.json", "acme.com.hujson"]);
    const count = await page.$eval("#findings .panel-head .count", (e) => Number(e.textContent.replace(/,/g, "")));
    assert.equal(count, expected.findings.length);
    const kinds = await page.$$eval("#findings section.group[data-kind]", (es) => es.map((e) => e.dataset.kind));
    const want = [...new Set(expected.findings.map((f) => f.kind))].sort();
    assert.deepEqual(kinds.slice().sort(), want);
    for (const k of ["policy-blast-radius", "forbidden-relay"]) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
    // The reach view: tag:router reaches what is shared in; group:eng the database.
    const principals = await page.$$eval("#reach-principal option", (es) => es.map((e) => e.value).filter(Boolean));
    const plain = await painted(page);
    assert.ok(plain.strong > 500, `edges are painted: ${JSON.stringify(plain)}`);
    assert.deepEqual(principals.slice().sort(), expected.policy[0].principals.map((p) => p.principal).sort());
    await page.selectOption("#reach-principal", "group:eng");
    await page.waitForSelector("#reach-legend");
    const eng = expected.policy[0].principals.find((p) => p.principal === "group:eng");
    const nodes = expected.policy[0].nodes;
    const sentence = `group:eng may reach ${eng.reaches_count} of ${nodes} nodes`;
    assert.ok((await page.$eval("#reach-line", (e) => e.textContent)).startsWith(sentence));
    assert.ok((await page.$eval("#reach-legend", (e) => e.textContent)).startsWith(sentence));
    // On the graph: what it reaches in the blast colour, its user's laptop as the origin, the
    // rest dimmed.
    const marks = async (mark) =>
      (await page.$$eval(`#graph g.node[data-reach="${mark}"]`, (es) => es.map((e) => e.dataset.id))).sort();
    assert.deepEqual(await marks("reach-hit"), eng.reaches.slice().sort());
    assert.deepEqual(await marks("reach-origin"), ["laptop"]);
    const all = await page.$$eval("#graph g.node", (es) => es.length);
    assert.equal((await marks("reach-dim")).length, all - eng.reaches.length - 1);
    // Its edges too: those that do not join two nodes in its reach are painted faint.
    await strongPixels(page, "below", plain.strong);
    const reached = await painted(page);
    assert.ok(reached.strong < plain.strong * 0.8 && reached.faint > plain.faint, `dimmed edges: ${JSON.stringify({ plain, reached })}`);
    // Another principal replaces it; clearing the picker clears the view.
    await page.selectOption("#reach-principal", "tag:db");
    await page.waitForFunction(() => document.querySelector("#reach-legend")?.textContent.startsWith("tag:db may reach"));
    assert.deepEqual(await marks("reach-origin"), ["db-1"]);
    await page.selectOption("#reach-principal", "");
    await page.waitForFunction(() => !document.querySelector("#reach-legend"));
    assert.equal((await page.$$("#graph g.node[data-reach]")).length, 0);
    await strongPixels(page, "equal", plain.strong);
    assert.equal(await page.$("#reach-line"), null);
    // The primary router of the HA route 10.0.0.0/24 is marked on the graph, and in the legend.
    const primary = await page.$$eval("#graph g.node.primary-router", (es) => es.map((e) => e.dataset.id));
    assert.equal(primary.length, 1, `one primary router: ${primary}`);
    await page.waitForSelector("#primary-legend");
    await page.click("#mode-review");
    await page.click(`#graph g.node[data-id="${primary[0]}"]`);
    await page.waitForSelector("#primary-router");
    // Dropping the files beside the export analyses laptop.json alone: no policy section.
    await page.click("#drop-beside");
    await page.waitForFunction(() => !document.querySelector("#policy-reach"));
    await waitForFindings(page);
    assert.equal(await page.$("#beside"), null);
    assert.deepEqual(errors, []);
    assert.ok(requests.every((u) => u.startsWith(env.server.url)), `no request leaves the origin: ${requests}`);
  } finally {
    await context.close();
  }
});

const cli = (...args) =>
  JSON.parse(execFileSync(CLI, [...args, "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 28 }));

test("the reach view shows everything a principal may reach, past the report's first 20 names", async () => {
  // The tailnet estate example (884 components, rolled up on the page) under a broad policy.
  const dir = mkdtempSync(join(tmpdir(), "blastmap-reach-"));
  const policy = join(dir, "acme.hujson");
  writeFileSync(policy, '// Members and CI reach everything.\n{"acls": [{"action": "accept", "src": ["autogroup:member", "tag:ci"], "dst": ["*:*"]},],}\n');
  const estate = join(ROOT, "examples/tailnet-estate.yaml");
  const expected = cli("analyze", estate, policy);
  const x = expected.policy[0].principals.find((p) => p.principal === "acme-us-east-00");
  assert.ok(x.reaches_count > 20 && x.reaches.length === 20, `${x.reaches_count} reached, ${x.reaches.length} named`);
  const { context, page } = await open(env.browser, env.server.url, { requests, errors });
  try {
    await page.waitForSelector("#empty-state");
    await page.setInputFiles("#open-file", [estate, policy]);
    await waitForFindings(page, 60_000);
    await page.selectOption("#reach-principal", "acme-us-east-00");
    await page.waitForSelector("#reach-legend");
    const sentence = `acme-us-east-00 may reach ${x.reaches_count} of ${expected.policy[0].nodes} nodes`;
    assert.ok((await page.$eval("#reach-legend", (e) => e.textContent)).startsWith(sentence));
    // The panel lists the first 20 and says how many more; the graph has them all: rolled up,
    // each aggregate says how many of its members are reached, and they add up.
    const names = await page.$eval("#reach-names", (e) => e.textContent);
    assert.ok(names.endsWith(`and ${x.reaches_count - 20} more, all coloured on the graph`), names);
    const counted = await page.$$eval('#graph g.node[data-reach="reach-hit"], #graph g.node[data-reach="reach-origin"]', (es) =>
      es.map((e) => {
        if (!e.classList.contains("aggregate")) return e.dataset.reach === "reach-hit" ? 1 : 0;
        const sub = e.querySelector(".sub").textContent.match(/(\d+) of \d+ reached$/);
        return Number(sub?.[1] ?? NaN);
      }),
    );
    assert.ok(counted.length > 0);
    assert.equal(counted.reduce((a, b) => a + b, 0), x.reaches_count);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("split by region checks the proposal against the policy open beside the status files", async () => {
  const regions = join(DIR, "regions.yaml");
  const [laptop, routerB, db1, policy] = FILES;
  const want = cli("split", "--by", "region", laptop, routerB, db1, regions, policy).policy;
  assert.equal(want.length, 1);
  const { context, page } = await open(env.browser, env.server.url, { requests, errors });
  try {
    await page.waitForSelector("#empty-state");
    // Without a policy file, the panel says the split is not checked.
    await page.setInputFiles("#open-file", [laptop, routerB, db1, regions]);
    await waitForFindings(page);
    await page.click("#split");
    await page.waitForSelector("#split-policy");
    assert.equal(await page.$eval("#split-policy-none", (e) => e.textContent), "no policy file open: the split is not checked against a policy");
    await page.click("#close-diff");
    // With it: the findings `blastmap split` prints.
    await page.setInputFiles("#open-file", [laptop, routerB, db1, regions, policy]);
    await page.waitForSelector("#policy-reach");
    await waitForFindings(page);
    await page.click("#split");
    await page.waitForSelector("#split-policy .split-policy");
    assert.equal(await page.$("#split-policy-none"), null);
    const shown = await page.$$eval("#split-policy .split-policy-finding", (es) => es.map((e) => e.textContent));
    assert.deepEqual(
      shown,
      want[0].findings.map((f) => `${f.severity[0].toUpperCase()}${f.severity.slice(1)} ${f.title.replaceAll("`", "")}`),
    );
    assert.ok(shown.some((t) => t.includes("which the policy does not allow today")), shown.join("\n"));
    assert.ok(shown.some((t) => t.includes("is shared into acme.com-us, but under the same policy")), shown.join("\n"));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
test("a share link keeps the files read beside the export", async () => {
  const { context, page } = await open(env.browser, env.server.url, { requests, errors });
  try {
    await openFiles(page);
    const count = await page.$eval("#findings .panel-head .count", (e) => e.textContent);
    await page.click("#share");
    const url = await page.$eval("#share-url", (e) => e.value);
    const notice = await page.$eval("#notice", (e) => e.textContent);
    assert.ok(notice.includes("with the 3 files read beside the export"), notice);
    // A new context: empty storage, so only the link can bring the files back.
    const other = await open(env.browser, null, { requests, errors });
    try {
      await other.page.goto(url);
      await other.page.waitForSelector("#policy-reach");
      await waitForFindings(other.page);
      assert.deepEqual(await other.page.$$eval("#beside .chip", (es) => es.map((e) => e.textContent)), ["router-b.json", "db-1.json", "acme.com.hujson"]);
      assert.equal(await other.page.$eval("#findings .panel-head .count", (e) => e.textContent), count);
    } finally {
      await other.context.close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
