// Renders lectern's display bundles in headless Chromium the way a notebook
// front end does (text/html if present, else SVG, else PNG) and checks each
// output is drawn: non-blank, of the expected size, and for plots an actual
// plotly chart — with no network access. A second pass with JavaScript off
// stands for an untrusted notebook, nbconvert or GitHub: plots must still
// show their embedded static image.
//
// Set LECTERN_SCREENSHOTS=/some/dir to keep the screenshots.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  bundles,
  CHROMIUM,
  type Case,
  cases,
  inkFraction,
  keep,
  render,
  withChromium,
} from "./display-cases.js";

const available = existsSync(CHROMIUM);
let dir: string;
let all: Case[];
let built: Record<string, unknown>[];
let pagePath: string;

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "lectern-display-"));
  all = cases();
  built = await bundles(all);
  const body = all
    .map(
      (c, i) =>
        `<h3>${c.name}</h3><div class="output" id="case-${i}" style="display:inline-block">${render(built[i]!)}</div>`,
    )
    .join("\n");
  pagePath = join(dir, "outputs.html");
  writeFileSync(
    pagePath,
    `<!doctype html><html><head><meta charset="utf-8"></head><body style="background:#fff">${body}</body></html>`,
  );
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("every display kind renders in Chromium; plots become plotly charts with one inlined plotly.js", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 120_000,
}, async () => {
  const inlined = built.filter((b) =>
    String(b["text/html"] ?? "").includes("window.Plotly = Plotly"),
  );
  assert.equal(inlined.length, 1, "plotly.js is inlined exactly once");
  await withChromium(join(dir, "profile-js"), {}, async (ctx, network) => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`file://${pagePath}`);
    const plots = all.filter((c) => c.plotly).length;
    await page.waitForFunction(
      `document.querySelectorAll(".lectern-plot .main-svg").length >= ${plots}`,
      undefined,
      { timeout: 60_000 },
    );
    assert.deepEqual(errors, []);
    for (const [i, c] of all.entries()) {
      const el = page.locator(`#case-${i}`);
      if (c.plotly) {
        assert.equal(await el.locator(".js-plotly-plot").count(), 1, `${c.name}: a plotly chart`);
        assert.equal(
          await el.locator(".lectern-plot > img").count(),
          0,
          `${c.name}: the static image was replaced`,
        );
      }
      const shot = await el.screenshot();
      keep(`js-${c.name}`, shot);
      const { width, height, ink } = inkFraction(shot);
      assert.ok(
        width >= c.minWidth && height >= c.minHeight,
        `${c.name}: ${width}x${height} is too small`,
      );
      assert.ok(ink > 0.005, `${c.name}: looks blank (${(ink * 100).toFixed(2)}% ink)`);
    }
    assert.deepEqual(network, [], "no network requests");
  });
});

test("with JavaScript off (untrusted notebook, nbconvert, GitHub) plots show their static image", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 120_000,
}, async () => {
  await withChromium(
    join(dir, "profile-nojs"),
    { javaScriptEnabled: false },
    async (ctx, network) => {
      const page = await ctx.newPage();
      await page.goto(`file://${pagePath}`);
      for (const [i, c] of all.entries()) {
        if (!c.plotly) continue;
        const img = page.locator(`#case-${i} .lectern-plot > img`);
        await img.waitFor();
        const loaded = await img.evaluate((e) => {
          const el = e as unknown as { complete: boolean; naturalWidth: number };
          return el.complete && el.naturalWidth > 0;
        });
        assert.ok(loaded, `${c.name}: static image loads`);
        const shot = await page.locator(`#case-${i}`).screenshot();
        keep(`static-${c.name}`, shot);
        const { width, height, ink } = inkFraction(shot);
        assert.ok(width >= c.minWidth && height >= c.minHeight, `${c.name}: ${width}x${height}`);
        assert.ok(ink > 0.005, `${c.name}: static image looks blank`);
      }
      assert.deepEqual(network, []);
    },
  );
});
