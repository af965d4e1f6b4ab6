/**
 * The charts a deep-learning course draws again and again: embeddings
 * coloured by label, weight/gradient histograms per layer, confusion
 * matrices, decision boundaries of 2-D classifiers and heatmaps with labels
 * (attention). Each returns a plotly `Figure` (interactive, with a static SVG
 * fallback) that shows when it is a cell's value or is passed to `show`.
 */
import { ShapeError, ValueError } from "../tensor/errors.js";
import { type ColorScale, type ColorScaleName, palette, scaleOf } from "./colormap.js";
import type { BarTrace, HeatmapTrace, Layout, ScatterTrace } from "./figure.js";
import { Figure } from "./plot.js";
import { gridLayout, panelAxes } from "./subplots.js";
import {
  expectRank,
  extent,
  isTensorLike,
  readValues,
  rows,
  type TensorLike,
  type Values,
} from "./values.js";

type Labels = ArrayLike<number | string> | TensorLike;

function readLabels(op: string, labels: Labels, n: number): (number | string)[] {
  const values: (number | string)[] = isTensorLike(labels)
    ? Array.from(readValues(op, labels).data)
    : Array.from(labels as ArrayLike<number | string>);
  if (values.length !== n) {
    throw new ShapeError(
      `${op}: got ${values.length} labels for ${n} points; pass one label per point`,
    );
  }
  return values;
}

function labelName(label: number | string, classNames?: string[]): string {
  return typeof label === "number" && classNames?.[label] !== undefined
    ? classNames[label]!
    : String(label);
}

function title(text: string | undefined): Pick<Layout, "title"> {
  return text ? { title: { text } } : {};
}

/** Options shared by the charts. */
export interface ChartOptions {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  width?: number;
  height?: number;
}

function sizeOf(o: ChartOptions): Pick<Layout, "width" | "height"> {
  return { ...(o.width ? { width: o.width } : {}), ...(o.height ? { height: o.height } : {}) };
}

/**
 * A scatter plot of 2-D points, one colour per label (embeddings, latent
 * spaces, toy datasets).
 *
 * @example
 * display.scatter(latent, labels, { classNames: ["T-shirt", "Trouser"], title: "VAE latent space" });
 */
export function scatter(
  points: number[][] | TensorLike,
  labels?: Labels,
  options: ChartOptions & { classNames?: string[]; markerSize?: number } = {},
): Figure {
  const v = readValues("scatter", points);
  expectRank("scatter", v, [2], "[N, 2] points");
  if (v.shape[1] !== 2)
    throw new ShapeError(`scatter: expected [N, 2] points, got shape [${v.shape.join(", ")}]`);
  const pts = rows(v);
  const ls = labels === undefined ? pts.map(() => "") : readLabels("scatter", labels, pts.length);
  const groups = new Map<number | string, number[][]>();
  pts.forEach((p, i) => {
    const group = groups.get(ls[i]!);
    if (group) group.push(p);
    else groups.set(ls[i]!, [p]);
  });
  const keys = [...groups.keys()].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );
  const data: ScatterTrace[] = keys.map((k, i) => ({
    type: "scatter",
    mode: "markers",
    x: groups.get(k)!.map((p) => p[0]!),
    y: groups.get(k)!.map((p) => p[1]!),
    ...(labels === undefined ? {} : { name: labelName(k, options.classNames) }),
    marker: { color: palette[i % palette.length]!, size: options.markerSize ?? 6 },
  }));
  return new Figure(data, {
    ...title(options.title),
    xaxis: options.xlabel ? { title: { text: options.xlabel } } : {},
    yaxis: options.ylabel ? { title: { text: options.ylabel } } : {},
    ...sizeOf(options),
  });
}

/**
 * Bin edges and counts: `bins` equal bins over [min, max] of the finite values.
 *
 * @example
 * histogramBins([0, 1, 1, 2], 2); // { edges: [0, 1, 2], counts: [1, 3] }
 */
export function histogramBins(
  values: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): { edges: number[]; counts: number[] } {
  let [lo, hi] = range ?? extent(values);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { edges, counts };
}

type Series = number[] | TensorLike;

function binTrace(
  name: string | undefined,
  values: ArrayLike<number>,
  edges: number[],
  color: string,
  opacity: number,
): BarTrace {
  const { counts } = histogramBins(values, edges.length - 1, [edges[0]!, edges.at(-1)!]);
  return {
    type: "bar",
    x: counts.map((_, i) => (edges[i]! + edges[i + 1]!) / 2),
    y: counts,
    width: edges[1]! - edges[0]!,
    ...(name === undefined ? {} : { name }),
    opacity,
    marker: { color },
  };
}

/**
 * A histogram of one series, or overlaid histograms of several named series
 * over shared bins.
 *
 * @example
 * display.histogram(model.fc1.weight, { bins: 50, title: "fc1.weight" });
 * display.histogram({ before: w0, after: w1 });
 */
export function histogram(
  values: Series | Record<string, Series>,
  options: ChartOptions & { bins?: number; logy?: boolean } = {},
): Figure {
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1)
    throw new ValueError(`histogram: bins must be a positive integer, got ${bins}`);
  const named: [string | undefined, ArrayLike<number>][] =
    Array.isArray(values) || isTensorLike(values)
      ? [[undefined, readValues("histogram", values).data]]
      : Object.entries(values).map(([k, s]) => [k, readValues("histogram", s).data]);
  const all = named.flatMap(([, d]) => Array.from(d));
  const { edges } = histogramBins(all, bins);
  const opacity = named.length > 1 ? 0.6 : 1;
  const data = named.map(([name, d], i) =>
    binTrace(name, d, edges, palette[i % palette.length]!, opacity),
  );
  return new Figure(data, {
    ...title(options.title),
    barmode: "overlay",
    xaxis: { title: { text: options.xlabel ?? "value" } },
    yaxis: {
      title: { text: options.ylabel ?? "count" },
      ...(options.logy ? { type: "log" as const } : {}),
    },
    ...sizeOf(options),
  });
}

/**
 * One histogram panel per named tensor, e.g. every layer's weights or, with
 * `grad: true`, their gradients (the vanishing/exploding gradients picture).
 * Parameters without a gradient are skipped.
 *
 * @example
 * loss.backward();
 * display.histograms(model.namedParameters(), { grad: true, title: "gradients after 1 step" });
 */
export function histograms(
  named: Iterable<[string, TensorLike | number[]]>,
  options: ChartOptions & { bins?: number; grad?: boolean; cols?: number } = {},
): Figure {
  const entries: [string, Values][] = [];
  for (const [name, t] of named) {
    const source = options.grad ? (isTensorLike(t) ? t.grad : undefined) : t;
    if (source === null || source === undefined) continue;
    entries.push([name, readValues("histograms", source)]);
  }
  if (entries.length === 0) {
    throw new ValueError(
      options.grad
        ? "histograms: no tensor has a gradient yet; call loss.backward() first"
        : "histograms: nothing to show (the iterable was empty)",
    );
  }
  const cols = options.cols ?? Math.min(3, entries.length);
  const layout = gridLayout(
    entries.map(([n]) => n),
    cols,
  );
  const data = entries.map(([name, v], i) => {
    const { edges } = histogramBins(v.data, options.bins ?? 30);
    return {
      ...binTrace(name, v.data, edges, palette[i % palette.length]!, 1),
      ...panelAxes(i),
      showlegend: false,
    };
  });
  const nrows = Math.ceil(entries.length / cols);
  return new Figure(data, {
    ...layout,
    ...title(options.title ?? (options.grad ? "gradients" : undefined)),
    showlegend: false,
    width: options.width ?? Math.max(640, 300 * cols),
    height: options.height ?? 80 + 230 * nrows,
  });
}

/**
 * A heatmap of a matrix with optional row/column labels.
 *
 * @example
 * display.heatmap(attn, { xLabels: tokens, yLabels: tokens, colorscale: "blues" });
 */
export function heatmap(
  matrix: number[][] | TensorLike,
  options: ChartOptions & {
    xLabels?: string[];
    yLabels?: string[];
    colorscale?: ColorScaleName | ColorScale;
    showValues?: boolean;
    zmin?: number;
    zmax?: number;
  } = {},
): Figure {
  const v = readValues("heatmap", matrix);
  expectRank("heatmap", v, [2], "a 2-D matrix");
  const [r, c] = v.shape as [number, number];
  for (const [labels, n, what] of [
    [options.xLabels, c, "xLabels"],
    [options.yLabels, r, "yLabels"],
  ] as const) {
    if (labels && labels.length !== n) {
      throw new ShapeError(
        `heatmap: ${what} has ${labels.length} entries for ${n} ${what === "xLabels" ? "columns" : "rows"}`,
      );
    }
  }
  const trace: HeatmapTrace = {
    type: "heatmap",
    z: rows(v),
    ...(options.xLabels ? { x: options.xLabels } : {}),
    ...(options.yLabels ? { y: options.yLabels } : {}),
    colorscale: scaleOf(options.colorscale ?? "viridis"),
    ...(options.zmin !== undefined ? { zmin: options.zmin } : {}),
    ...(options.zmax !== undefined ? { zmax: options.zmax } : {}),
    ...(options.showValues ? { texttemplate: "%{z}" } : {}),
  };
  return new Figure([trace], {
    ...title(options.title),
    xaxis: {
      ...(options.xLabels ? { type: "category" as const } : {}),
      ...(options.xlabel ? { title: { text: options.xlabel } } : {}),
    },
    yaxis: {
      autorange: "reversed",
      ...(options.yLabels ? { type: "category" as const } : {}),
      ...(options.ylabel ? { title: { text: options.ylabel } } : {}),
    },
    ...sizeOf(options),
  });
}

/**
 * Attention weights as heatmaps, query tokens down, key tokens across; a
 * `[heads, Tq, Tk]` tensor gives one panel per head.
 *
 * @example
 * display.attention(weights, ["the", "cat", "sat"], { title: "layer 1" });
 */
export function attention(
  weights: number[][] | number[][][] | TensorLike,
  tokens: string[] | { query: string[]; key: string[] },
  options: ChartOptions & { cols?: number } = {},
): Figure {
  const v = readValues("attention", weights);
  expectRank("attention", v, [2, 3], "weights of shape [Tq, Tk] or [heads, Tq, Tk]");
  const [heads, tq, tk] =
    v.shape.length === 3 ? (v.shape as [number, number, number]) : [1, v.shape[0]!, v.shape[1]!];
  const query = Array.isArray(tokens) ? tokens : tokens.query;
  const key = Array.isArray(tokens) ? tokens : tokens.key;
  if (query.length !== tq || key.length !== tk) {
    throw new ShapeError(
      `attention: ${query.length} query and ${key.length} key tokens for weights [${v.shape.join(", ")}]; ` +
        `need ${tq} and ${tk}`,
    );
  }
  // Token strings can repeat ("the" twice); category axes need distinct values.
  const uniq = (ts: string[]) => ts.map((t, i) => (ts.indexOf(t) === i ? t : `${t} (${i})`));
  const cols = options.cols ?? Math.min(4, heads);
  const layout: Layout =
    heads > 1
      ? gridLayout(
          Array.from({ length: heads }, (_, h) => `head ${h}`),
          cols,
        )
      : {};
  const data: HeatmapTrace[] = [];
  for (let h = 0; h < heads; h++) {
    const z = Array.from({ length: tq }, (_, i) =>
      Array.from({ length: tk }, (_, j) => v.data[(h * tq + i) * tk + j]!),
    );
    const axes = panelAxes(h);
    data.push({
      type: "heatmap",
      z,
      x: uniq(key),
      y: uniq(query),
      colorscale: scaleOf("blues"),
      zmin: 0,
      zmax: 1,
      showscale: h === 0,
      ...axes,
    });
    const n = h === 0 ? "" : String(h + 1);
    layout[`xaxis${n}`] = { ...layout[`xaxis${n}`], type: "category" };
    layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], type: "category", autorange: "reversed" };
  }
  const nrows = Math.ceil(heads / cols);
  return new Figure(data, {
    ...layout,
    ...title(options.title),
    width: options.width ?? Math.max(420, 300 * Math.min(cols, heads) + 80),
    height: options.height ?? 80 + 300 * nrows,
  });
}

/**
 * The confusion matrix of predicted vs true labels, counts written in the
 * cells (or row-normalised fractions with `normalize: true`). A ready matrix
 * can be passed instead of labels.
 *
 * @example
 * display.confusionMatrix(yTrue, yPred, { classNames: data.FashionMNIST.classes });
 */
export function confusionMatrix(
  yTrue: Labels | number[][],
  yPred?: Labels,
  options: ChartOptions & { classNames?: string[]; normalize?: boolean; numClasses?: number } = {},
): Figure {
  let matrix: number[][];
  if (yPred === undefined) {
    const v = readValues("confusionMatrix", yTrue);
    expectRank("confusionMatrix", v, [2], "a square matrix when no predictions are given");
    matrix = rows(v);
  } else {
    const t = readLabels(
      "confusionMatrix",
      yTrue as Labels,
      isTensorLike(yPred) ? yPred.shape[0]! : (yPred as ArrayLike<unknown>).length,
    ).map(Number);
    const p = readLabels("confusionMatrix", yPred, t.length).map(Number);
    if ([...t, ...p].some((x) => !Number.isInteger(x) || x < 0)) {
      throw new ValueError(
        "confusionMatrix: labels must be class indices 0, 1, 2, ... (use argmax(1) on logits)",
      );
    }
    const n =
      options.numClasses ?? options.classNames?.length ?? Math.max(extent(t)[1], extent(p)[1]) + 1;
    matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    t.forEach((ti, i) => {
      if (ti < n && p[i]! < n) matrix[ti]![p[i]!]!++;
    });
  }
  const n = matrix.length;
  if (matrix.some((row) => row.length !== n))
    throw new ShapeError(
      `confusionMatrix: the matrix must be square, got ${n} rows of ${matrix[0]?.length}`,
    );
  const z = options.normalize
    ? matrix.map((row) => {
        const s = row.reduce((a, b) => a + b, 0);
        return row.map((x) => (s ? Number((x / s).toFixed(3)) : 0));
      })
    : matrix;
  const names = Array.from({ length: n }, (_, i) => labelName(i, options.classNames));
  const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  return new Figure(
    [
      {
        type: "heatmap",
        z,
        x: names,
        y: names,
        colorscale: scaleOf("blues"),
        texttemplate: "%{z}",
        showscale: false,
      },
    ],
    {
      title: {
        text:
          options.title ??
          `confusion matrix (accuracy ${total ? ((100 * correct) / total).toFixed(1) : "0.0"}%)`,
      },
      xaxis: { type: "category", title: { text: options.xlabel ?? "predicted" } },
      yaxis: { type: "category", autorange: "reversed", title: { text: options.ylabel ?? "true" } },
      width: options.width ?? Math.max(420, 60 + 42 * n),
      height: options.height ?? Math.max(400, 90 + 38 * n),
      margin: { l: 100, b: 90 },
    },
  );
}

function lighten(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  return `#${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => mix(c).toString(16).padStart(2, "0")).join("")}`;
}

/** A classifier of 2-D points: class indices `[N]`, per-class scores `[N, C]`, or probabilities of class 1 `[N]`. */
export type Classifier2D = (points: number[][]) => number[] | number[][] | TensorLike;

function classesOf(out: ReturnType<Classifier2D>, n: number): number[] {
  const v = readValues("decisionBoundary", out);
  if (v.shape[0] !== n || v.shape.length > 2) {
    throw new ShapeError(
      `decisionBoundary: the classifier returned shape [${v.shape.join(", ")}] for ${n} points; expected [${n}] or [${n}, C]`,
    );
  }
  if (v.shape.length === 2) {
    const c = v.shape[1]!;
    return Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let j = 1; j < c; j++) if (v.data[i * c + j]! > v.data[i * c + best]!) best = j;
      return best;
    });
  }
  const vals = Array.from(v.data);
  return vals.every(Number.isInteger) ? vals : vals.map((p) => (p > 0.5 ? 1 : 0));
}

/**
 * The regions a 2-D classifier assigns to each class, with the data on top.
 * The classifier is called once on a `resolution`² grid of points.
 *
 * @example
 * display.decisionBoundary((xy) => model(lt.tensor(xy)).argmax(1), X, y, { title: "2-layer MLP" });
 */
export function decisionBoundary(
  classify: Classifier2D,
  points: number[][] | TensorLike,
  labels: Labels,
  options: ChartOptions & { resolution?: number; padding?: number; classNames?: string[] } = {},
): Figure {
  const v = readValues("decisionBoundary", points);
  if (v.shape.length !== 2 || v.shape[1] !== 2) {
    throw new ShapeError(
      `decisionBoundary: expected [N, 2] points, got shape [${v.shape.join(", ")}]`,
    );
  }
  const pts = rows(v);
  const ls = readLabels("decisionBoundary", labels, pts.length).map(Number);
  const res = options.resolution ?? 100;
  const pad = options.padding ?? 0.1;
  const range = (k: 0 | 1) => {
    const [lo, hi] = extent(pts.map((p) => p[k]!));
    const m = (hi - lo || 1) * pad;
    return Array.from({ length: res }, (_, i) => lo - m + ((hi - lo + 2 * m) * i) / (res - 1));
  };
  const gx = range(0);
  const gy = range(1);
  const grid = gy.flatMap((y) => gx.map((x) => [x, y]));
  const cls = classesOf(classify(grid), grid.length);
  const numClasses = Math.max(extent(cls)[1], extent(ls)[1]) + 1;
  const z = gy.map((_, r) => cls.slice(r * res, (r + 1) * res));
  const colors = Array.from({ length: numClasses }, (_, k) => palette[k % palette.length]!);
  const scale: ColorScale =
    numClasses === 1
      ? [
          [0, lighten(colors[0]!, 0.6)],
          [1, lighten(colors[0]!, 0.6)],
        ]
      : colors.map((c, k) => [k / (numClasses - 1), lighten(c, 0.6)]);
  const data: (HeatmapTrace | ScatterTrace)[] = [
    {
      type: "heatmap",
      x: gx,
      y: gy,
      z,
      colorscale: scale,
      zmin: 0,
      zmax: Math.max(1, numClasses - 1),
      showscale: false,
      name: "regions",
    },
  ];
  for (let k = 0; k < numClasses; k++) {
    const mine = pts.filter((_, i) => ls[i] === k);
    if (mine.length === 0) continue;
    data.push({
      type: "scatter",
      mode: "markers",
      name: labelName(k, options.classNames),
      x: mine.map((p) => p[0]!),
      y: mine.map((p) => p[1]!),
      marker: { color: colors[k]!, size: 6 },
    });
  }
  return new Figure(data, {
    ...title(options.title ?? "decision boundary"),
    xaxis: options.xlabel ? { title: { text: options.xlabel } } : {},
    yaxis: options.ylabel ? { title: { text: options.ylabel } } : {},
    ...sizeOf(options),
  });
}
