// Renders lectern's display bundles in headless Chromium the way a notebook
// front end does (text/html if present, else SVG, else PNG) and checks each
// output is drawn: non-blank, of the expected size, and for plots an actual
// plotly chart — with no network access. A second pass with JavaScript off
// stands for an untrusted notebook, nbconvert or GitHub: plots must still
// show their embedded static image.
//
// Set LECTERN_SCREENSHOTS=/some/dir to keep the screenshots.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decode } from "fast-png";
import { type BrowserContext, chromium } from "playwright-core";
import { autogradGraph } from "../../display/graph.js";
import { confusionMatrix, decisionBoundary, histograms, scatter } from "../../display/charts.js";
import { trainingCurves } from "../../display/curves.js";
import { grid, image } from "../../display/image.js";
import { DISPLAY, type Displayable } from "../../display/mime.js";
import { plot, resetPlotlyLibrary } from "../../display/plot.js";
import { progress } from "../../display/progress.js";
import { tensorBundle } from "../../display/tensor.js";
import { interactive } from "../../display/widgets.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function fakeTensor(shape: number[], data: number[]) {
  return {
    shape,
    dtype: "float32",
    device: "cpu",
    requiresGrad: false,
    gradFn: null,
    dataSync: () => Float32Array.from(data),
    data: async () => Float32Array.from(data),
  };
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

interface Case {
  name: string;
  bundle: Record<string, unknown>;
  plotly: boolean;
  minWidth: number;
  minHeight: number;
}

async function cases(): Promise<Case[]> {
  resetPlotlyLibrary();
  const r = rng(1);
  const pts = Array.from({ length: 60 }, (_, i) => [r() * 2 - 1 + (i % 2), r() * 2 - 1]);
  const labels = pts.map((_, i) => i % 2);
  const curves = trainingCurves();
  for (let epoch = 0; epoch < 10; epoch++)
    curves.log({
      epoch,
      loss: 2 / (epoch + 1),
      valLoss: 2.3 / (epoch + 1),
      acc: 1 - 0.5 / (epoch + 1),
    });
  const bundleOf = async (d: Displayable) => (await d[DISPLAY]()) as Record<string, unknown>;
  const images = fakeTensor(
    [6, 1, 8, 8],
    Array.from({ length: 6 * 64 }, (_, i) => ((i % 8) + Math.floor(i / 64)) / 14),
  );
  const make = (
    name: string,
    bundle: Record<string, unknown>,
    plotly: boolean,
    minWidth = 100,
    minHeight = 60,
  ): Case => ({ name, bundle, plotly, minWidth, minHeight });
  return [
    make(
      "line plot (carries plotly.js)",
      await bundleOf(plot({ train: [3, 2, 1.5, 1.2], val: [3.2, 2.4, 2, 1.9] }, { title: "loss" })),
      true,
      600,
      380,
    ),
    make("training curves", await bundleOf(curves), true, 600, 300),
    make(
      "scatter by label",
      await bundleOf(scatter(pts, labels, { classNames: ["a", "b"] })),
      true,
      600,
      380,
    ),
    make(
      "confusion matrix",
      await bundleOf(
        confusionMatrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1], { classNames: ["x", "y", "z"] }),
      ),
      true,
      400,
      380,
    ),
    make(
      "decision boundary",
      await bundleOf(
        decisionBoundary((xy) => xy.map(([x, y]) => (x! + y! > 0.5 ? 1 : 0)), pts, labels, {
          resolution: 40,
        }),
      ),
      true,
      600,
      380,
    ),
    make(
      "histograms per layer",
      await bundleOf(
        histograms([
          ["fc1.weight", Array.from({ length: 200 }, () => r() - 0.5)],
          ["fc2.weight", Array.from({ length: 200 }, () => r() * r())],
        ]),
      ),
      true,
      600,
      280,
    ),
    make(
      "tensor table",
      (await tensorBundle(
        fakeTensor(
          [3, 4],
          Array.from({ length: 12 }, (_, i) => i / 3 - 1),
        ),
      )) as Record<string, unknown>,
      false,
      150,
      60,
    ),
    make(
      "image",
      await bundleOf(
        image(
          fakeTensor(
            [3, 16, 16],
            Array.from({ length: 768 }, (_, i) => (i % 16) / 15),
          ),
        ),
      ),
      false,
      128,
      128,
    ),
    make(
      "grid with labels",
      await bundleOf(
        grid(images, { nrow: 3, labels: ["zero", "one", "two", "three", "four", "five"] }),
      ),
      false,
      250,
      150,
    ),
    make(
      "autograd graph",
      await bundleOf(
        autogradGraph({
          nodes: [
            { id: "a", op: "leaf", shape: [2], name: "x" },
            { id: "b", op: "mul", shape: [2] },
            { id: "c", op: "sum", shape: [] },
          ],
          edges: [
            { from: "a", to: "b" },
            { from: "b", to: "c" },
          ],
        }),
      ),
      false,
      400,
      60,
    ),
    make(
      "progress bar",
      progress(10, { stream: { write: () => true } as never }).bundle(),
      false,
      300,
      10,
    ),
    make(
      "interact fallback",
      await bundleOf(interactive(({ n }: { n: number }) => `n = ${n}`, { n: [0, 10] })),
      false,
      100,
      20,
    ),
  ];
}

/** What a front end without extensions puts on the page for a bundle. */
function render(bundle: Record<string, unknown>): string {
  if (typeof bundle["text/html"] === "string") return bundle["text/html"];
  if (typeof bundle["image/svg+xml"] === "string")
    return `<img src="data:image/svg+xml;base64,${Buffer.from(bundle["image/svg+xml"]).toString("base64")}"/>`;
  if (typeof bundle["image/png"] === "string")
    return `<img src="data:image/png;base64,${bundle["image/png"]}"/>`;
  return `<pre>${String(bundle["text/plain"])}</pre>`;
}

/** Fraction of pixels that differ from the most common colour (the background). */
function inkFraction(png: Buffer): { width: number; height: number; ink: number } {
  const img = decode(png);
  const c = img.channels;
  const counts = new Map<number, number>();
  const keyAt = (i: number) => (img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!;
  for (let i = 0; i < img.data.length; i += c)
    counts.set(keyAt(i), (counts.get(keyAt(i)) ?? 0) + 1);
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![1];
  const total = img.width * img.height;
  return { width: img.width, height: img.height, ink: (total - background) / total };
}

const available = existsSync(CHROMIUM);
let dir: string;
let all: Case[];
let pagePath: string;

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "lectern-display-"));
  all = await cases();
  const body = all
    .map(
      (c, i) =>
        `<h3>${c.name}</h3><div class="output" id="case-${i}" style="display:inline-block">${render(c.bundle)}</div>`,
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

async function withBrowser(
  javaScriptEnabled: boolean,
  fn: (ctx: BrowserContext, network: string[]) => Promise<void>,
): Promise<void> {
  const ctx = await chromium.launchPersistentContext(join(dir, `profile-${javaScriptEnabled}`), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    javaScriptEnabled,
    viewport: { width: 1000, height: 800 },
  });
  const network: string[] = [];
  await ctx.route(/^(https?|wss?):/, (route) => {
    network.push(route.request().url());
    return route.abort();
  });
  try {
    await fn(ctx, network);
  } finally {
    await ctx.close();
  }
}

function keep(name: string, png: Buffer): void {
  const out = process.env.LECTERN_SCREENSHOTS;
  if (!out) return;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name.replace(/[^\w]+/g, "-")}.png`), png);
}

test("every display kind renders in Chromium; plots become plotly charts with one inlined plotly.js", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 120_000,
}, async () => {
  const inlined = all.filter((c) =>
    String(c.bundle["text/html"] ?? "").includes("window.Plotly = Plotly"),
  );
  assert.equal(inlined.length, 1, "plotly.js is inlined exactly once");
  await withBrowser(true, async (ctx, network) => {
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
  await withBrowser(false, async (ctx, network) => {
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
  });
});
