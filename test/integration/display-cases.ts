// Display cases shared by the browser tests: one of every display kind,
// built from lectern's public display functions, plus the helpers that
// launch Chromium and judge a screenshot.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "fast-png";
import { type BrowserContext, chromium } from "playwright-core";
import { confusionMatrix, decisionBoundary, histograms, scatter } from "../../display/charts.js";
import { trainingCurves } from "../../display/curves.js";
import { autogradGraph } from "../../display/graph.js";
import { grid, image } from "../../display/image.js";
import { DISPLAY, type Displayable } from "../../display/mime.js";
import { plot, resetPlotlyLibrary } from "../../display/plot.js";
import { progress } from "../../display/progress.js";
import { tensor } from "../../display/tensor.js";
import { interactive } from "../../display/widgets.js";
import { setDisplayChannel } from "../../display/channel.js";
import { show } from "../../display/show.js";
import { FakeChannel } from "../display/fakes.js";

export const CHROMIUM = "/usr/bin/chromium";
export const FLAGS = [
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

export interface Case {
  name: string;
  value: Displayable;
  /** Drawn by plotly.js when JavaScript runs. */
  plotly: boolean;
  minWidth: number;
  minHeight: number;
}

/** One case per display kind. */
export function cases(): Case[] {
  const r = rng(1);
  const pts = Array.from({ length: 60 }, (_, i) => [r() * 2 - 1 + (i % 2), r() * 2 - 1]);
  const labels = pts.map((_, i) => i % 2);
  // A clock whose timers never fire: the curves are drawn from their final state only.
  const curves = trainingCurves({
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
  });
  for (let epoch = 0; epoch < 10; epoch++) {
    curves.log({
      epoch,
      loss: 2 / (epoch + 1),
      valLoss: 2.3 / (epoch + 1),
      acc: 1 - 0.5 / (epoch + 1),
    });
  }
  const images = fakeTensor(
    [6, 1, 8, 8],
    Array.from({ length: 6 * 64 }, (_, i) => ((i % 8) + Math.floor(i / 64)) / 14),
  );
  const graph = {
    nodes: [
      { id: "a", op: "leaf", shape: [2], name: "x" },
      { id: "b", op: "mul", shape: [2] },
      { id: "c", op: "sum", shape: [] },
    ],
    edges: [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
    ],
  };
  const make = (
    name: string,
    value: Displayable,
    plotly: boolean,
    minWidth: number,
    minHeight: number,
  ): Case => ({
    name,
    value,
    plotly,
    minWidth,
    minHeight,
  });
  return [
    make(
      "line plot",
      plot({ train: [3, 2, 1.5, 1.2], val: [3.2, 2.4, 2, 1.9] }, { title: "loss" }),
      true,
      600,
      380,
    ),
    make("training curves", curves, true, 600, 300),
    make("scatter by label", scatter(pts, labels, { classNames: ["a", "b"] }), true, 600, 380),
    make(
      "confusion matrix",
      confusionMatrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1], { classNames: ["x", "y", "z"] }),
      true,
      400,
      380,
    ),
    make(
      "decision boundary",
      decisionBoundary((xy) => xy.map(([x, y]) => (x! + y! > 0.5 ? 1 : 0)), pts, labels, {
        resolution: 40,
      }),
      true,
      600,
      380,
    ),
    make(
      "histograms per layer",
      histograms([
        ["fc1.weight", Array.from({ length: 200 }, () => r() - 0.5)],
        ["fc2.weight", Array.from({ length: 200 }, () => r() * r())],
      ]),
      true,
      600,
      280,
    ),
    make(
      "tensor table",
      tensor(
        fakeTensor(
          [3, 4],
          Array.from({ length: 12 }, (_, i) => i / 3 - 1),
        ),
      ),
      false,
      150,
      60,
    ),
    make(
      "image",
      image(
        fakeTensor(
          [3, 16, 16],
          Array.from({ length: 768 }, (_, i) => (i % 16) / 15),
        ),
      ),
      false,
      128,
      128,
    ),
    make(
      "grid with labels",
      grid(images, { nrow: 3, labels: ["zero", "one", "two", "three", "four", "five"] }),
      false,
      250,
      150,
    ),
    make("autograd graph", autogradGraph(graph), false, 400, 60),
    make("progress bar", progress(10, { stream: { write: () => true } as never }), false, 300, 10),
    make(
      "interact fallback",
      interactive(({ n }: { n: number }) => `n = ${n}`, { n: [0, 10] }),
      false,
      100,
      20,
    ),
  ];
}

/** Each case's bundle as built outside a kernel (the first plot embeds plotly.js). */
export async function bundles(all: Case[]): Promise<Record<string, unknown>[]> {
  resetPlotlyLibrary();
  const out: Record<string, unknown>[] = [];
  for (const c of all) out.push((await c.value[DISPLAY]()) as Record<string, unknown>);
  return out;
}

/** A saved display_data output. */
export interface DisplayOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Each case shown through a display channel exactly as in the kernel: the
 * outputs of one cell per case (the first plot's cell also gets the
 * separate output that carries plotly.js).
 */
export async function kernelOutputs(all: Case[]): Promise<DisplayOutput[][]> {
  const channel = new FakeChannel();
  resetPlotlyLibrary();
  setDisplayChannel(channel);
  const cells: DisplayOutput[][] = [];
  try {
    for (const c of all) {
      const start = channel.calls.length;
      await show(c.value);
      cells.push(
        channel.calls.slice(start).map((call) => {
          if (call.kind !== "display")
            throw new Error(`${c.name}: expected display_data, got ${call.kind}`);
          return { output_type: "display_data", data: call.data, metadata: {} };
        }),
      );
    }
  } finally {
    setDisplayChannel(undefined);
  }
  return cells;
}

/** What a front end without extensions puts on the page for a bundle. */
export function render(bundle: Record<string, unknown>): string {
  if (typeof bundle["text/html"] === "string") return bundle["text/html"];
  if (typeof bundle["image/svg+xml"] === "string")
    return `<img src="data:image/svg+xml;base64,${Buffer.from(bundle["image/svg+xml"]).toString("base64")}"/>`;
  if (typeof bundle["image/png"] === "string")
    return `<img src="data:image/png;base64,${bundle["image/png"]}"/>`;
  return `<pre>${String(bundle["text/plain"])}</pre>`;
}

/** Fraction of pixels that differ from the most common colour (the background). */
export function inkFraction(png: Buffer): { width: number; height: number; ink: number } {
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

/** Saves a screenshot when LECTERN_SCREENSHOTS names a folder. */
export function keep(name: string, png: Buffer): void {
  const out = process.env.LECTERN_SCREENSHOTS;
  if (!out) return;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name.replace(/[^\w]+/g, "-")}.png`), png);
}

/**
 * Runs `fn` in a fresh headless Chromium whose requests to the network are
 * aborted and listed (`allow` lets loopback servers through).
 */
export async function withChromium(
  profileDir: string,
  options: { javaScriptEnabled?: boolean; allow?: (url: string) => boolean },
  fn: (ctx: BrowserContext, blocked: string[]) => Promise<void>,
): Promise<void> {
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1200, height: 900 },
  });
  const blocked: string[] = [];
  await ctx.route(/^(https?|wss?):/, (route) => {
    const url = route.request().url();
    if (options.allow?.(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  try {
    await fn(ctx, blocked);
  } finally {
    await ctx.close();
  }
}
