// Renders the outputs of every display kind with JupyterLab's own renderers
// (@jupyterlab/rendermime, bundled here with esbuild) in headless Chromium:
// the registry picks the MIME type JupyterLab would, trusted outputs run
// their scripts (plots become plotly charts), and untrusted ones, which
// JupyterLab sanitises, still show each plot's static image.
//
// Set LECTERN_SCREENSHOTS=/some/dir to keep the screenshots.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import {
  CHROMIUM,
  type Case,
  cases,
  type DisplayOutput,
  inkFraction,
  keep,
  kernelOutputs,
  withChromium,
} from "./display-cases.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

// The page-side renderer: JupyterLab's registry with its standard factories.
const ENTRY = `
import { MimeModel, RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
window.renderOutput = async (host, data, trusted) => {
  const mime = registry.preferredMimeType(data, trusted ? "any" : "ensure");
  if (!mime) return null;
  const renderer = registry.createRenderer(mime);
  host.appendChild(renderer.node);
  await renderer.renderModel(new MimeModel({ data, trusted, metadata: {} }));
  return mime;
};
`;

const available = existsSync(CHROMIUM);
let dir: string;
let bundle: string;
let all: Case[];
let outputs: DisplayOutput[][];

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "lectern-lab-"));
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: "js" },
    bundle: true,
    format: "iife",
    write: false,
    loader: { ".css": "empty", ".svg": "text" },
    logLevel: "silent",
  });
  bundle = result.outputFiles[0]!.text;
  all = cases();
  outputs = await kernelOutputs(all);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Renders every case's outputs into #case-i; returns the MIME type chosen for each case's last output. */
async function renderAll(page: Page, trusted: boolean): Promise<string[]> {
  await page.setContent(
    '<!doctype html><html><head><meta charset="utf-8"></head><body style="background:#fff"></body></html>',
  );
  await page.addScriptTag({ content: bundle });
  return page.evaluate(
    async ({ cells, trusted }) => {
      const w = globalThis as unknown as {
        renderOutput(host: unknown, data: unknown, trusted: boolean): Promise<string>;
      };
      const doc = (globalThis as unknown as { document: any }).document;
      const chosen: string[] = [];
      for (const [i, cell] of cells.entries()) {
        const host = doc.createElement("div");
        host.id = `case-${i}`;
        host.style.display = "inline-block";
        doc.body.appendChild(host);
        let mime = "";
        for (const out of cell) mime = await w.renderOutput(host, out.data, trusted);
        chosen.push(mime);
      }
      return chosen;
    },
    { cells: outputs, trusted },
  );
}

async function checkShots(page: Page, prefix: string, chosen: string[]): Promise<void> {
  for (const [i, c] of all.entries()) {
    const shot = await page.locator(`#case-${i}`).screenshot();
    keep(`${prefix}-${c.name}`, shot);
    const { width, height, ink } = inkFraction(shot);
    if (chosen[i] !== "text/plain") {
      assert.ok(
        width >= c.minWidth && height >= c.minHeight,
        `${c.name}: ${width}x${height} is too small`,
      );
    }
    assert.ok(ink > 0.005, `${c.name}: looks blank`);
  }
}

function withPage(fn: (page: Page, network: string[]) => Promise<void>): Promise<void> {
  return withChromium(join(dir, `profile-${Math.random()}`), {}, async (ctx, network) =>
    fn(await ctx.newPage(), network),
  );
}

test("JupyterLab's renderers pick each display's richest type and draw plots with plotly.js", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 180_000,
}, async () => {
  await withPage(async (page, network) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const chosen = await renderAll(page, true);
    assert.deepEqual(Object.fromEntries(all.map((c, i) => [c.name, chosen[i]])), {
      "line plot": "text/html",
      "training curves": "text/html",
      "scatter by label": "text/html",
      "confusion matrix": "text/html",
      "decision boundary": "text/html",
      "histograms per layer": "text/html",
      "tensor table": "text/html",
      image: "image/png",
      "grid with labels": "image/svg+xml",
      "autograd graph": "image/svg+xml",
      "progress bar": "text/html",
      "interact fallback": "text/html",
    });
    const plots = all.filter((c) => c.plotly).length;
    await page.waitForFunction(
      `document.querySelectorAll(".lectern-plot .main-svg").length >= ${plots}`,
      undefined,
      {
        timeout: 60_000,
      },
    );
    for (const [i, c] of all.entries()) {
      if (c.plotly)
        assert.equal(await page.locator(`#case-${i} .js-plotly-plot`).count(), 1, c.name);
    }
    await checkShots(page, "lab", chosen);
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
  });
});

test("untrusted in JupyterLab (sanitised HTML, no scripts): plots show their static image", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 180_000,
}, async () => {
  await withPage(async (page, network) => {
    const chosen = await renderAll(page, false);
    // JupyterLab never renders untrusted SVG; those outputs fall back to their text.
    assert.deepEqual(
      all.map((c, i) => [c.name, chosen[i]]).filter(([, m]) => m !== "text/html"),
      [
        ["image", "image/png"],
        ["grid with labels", "image/png"],
        ["autograd graph", "text/plain"],
      ],
    );
    for (const [i, c] of all.entries()) {
      if (!c.plotly) continue;
      assert.equal(
        await page.locator(`#case-${i} .js-plotly-plot`).count(),
        0,
        `${c.name}: no script ran`,
      );
      const img = page.locator(`#case-${i} img`);
      assert.equal(await img.count(), 1, `${c.name}: the static image survives sanitising`);
      const loaded = await img.evaluate((e) => {
        const el = e as unknown as { complete: boolean; naturalWidth: number };
        return el.complete && el.naturalWidth > 0;
      });
      assert.ok(loaded, `${c.name}: static image loads`);
    }
    await checkShots(page, "lab-untrusted", chosen);
    assert.deepEqual(network, []);
  });
});
