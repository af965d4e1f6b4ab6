/**
 * How a tensor looks in a notebook: PyTorch's text (for graders, nbconvert
 * and plain front ends) plus an HTML view with shape, dtype, device and
 * autograd state, summary statistics (min/max/mean/std, NaN/Inf counts) and
 * the values as a table (1-D, 2-D) or as 2-D slices (N-D), optionally
 * coloured as a heatmap.
 */
import type { MimeBundle } from "./channel.js";
import { colorAt, colorScales, contrastText, rgbHex } from "./colormap.js";
import { DISPLAY, type Displayable, escapeHtml } from "./mime.js";
import { formatTensor, type TensorMeta, tensorMeta, valueFormatter } from "../tensor/print.js";
import { readValues, readValuesAsync, type TensorLike, type Values } from "./values.js";

/** Options for the HTML view. */
export interface TensorViewOptions {
  /** Colour cells by value (a diverging scale when values have both signs). */
  heatmap?: boolean;
  /** Most rows/columns shown per table before eliding the middle (default 20). */
  maxCells?: number;
  /** Most 2-D slices shown for N-D tensors (default 4). */
  maxSlices?: number;
}

/** Summary statistics over the finite values, with NaN/Inf counts. */
export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  /** Unbiased (n - 1), like `torch.std`. */
  std: number;
  nan: number;
  inf: number;
  count: number;
}

/**
 * Statistics of a tensor's values; NaN and ±Inf are counted, not mixed in.
 *
 * @example
 * tensorStats({ shape: [3], data: [1, 2, NaN] }); // { min: 1, max: 2, mean: 1.5, std: 0.707..., nan: 1, inf: 0, count: 3 }
 */
export function tensorStats(v: Values): TensorStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let n = 0;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!;
    if (Number.isNaN(x)) nan++;
    else if (!Number.isFinite(x)) inf++;
    else {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      n++;
    }
  }
  const mean = n ? sum / n : Number.NaN;
  let sq = 0;
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!;
    if (Number.isFinite(x)) sq += (x - mean) ** 2;
  }
  return {
    min: n ? min : Number.NaN,
    max: n ? max : Number.NaN,
    mean,
    std: n > 1 ? Math.sqrt(sq / (n - 1)) : Number.NaN,
    nan,
    inf,
    count: v.data.length,
  };
}

function statNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : String(Number(x.toFixed(4)));
}

/** Indices shown along an axis of length n: all, or head … tail. */
function axisIndices(n: number, max: number): (number | null)[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const half = Math.floor(max / 2);
  return [
    ...Array.from({ length: half }, (_, i) => i),
    null,
    ...Array.from({ length: half }, (_, i) => n - half + i),
  ];
}

const CSS =
  "<style>.lectern-tensor{font-family:monospace;font-size:12px}.lectern-tensor table{border-collapse:collapse;margin:4px 0}" +
  ".lectern-tensor td,.lectern-tensor th{border:1px solid #ddd;padding:2px 6px;text-align:right}" +
  ".lectern-tensor th{background:#f5f5f5;color:#666;font-weight:normal}.lectern-tensor .bad{color:#d62728;font-weight:bold}</style>";

function table(
  v: Values,
  offset: number,
  rows: number,
  cols: number,
  fmt: (x: number) => string,
  o: Required<TensorViewOptions>,
  stats: TensorStats,
): string {
  const signed = stats.min < 0 && stats.max > 0;
  const bound = Math.max(Math.abs(stats.min), Math.abs(stats.max));
  const cell = (x: number) => {
    let style = "";
    if (o.heatmap && Number.isFinite(x)) {
      const t = signed
        ? 0.5 + x / (2 * bound)
        : stats.max > stats.min
          ? (x - stats.min) / (stats.max - stats.min)
          : 0.5;
      const rgb = colorAt(signed ? colorScales.rdbu : colorScales.viridis, t);
      style = ` style="background:${rgbHex(rgb)};color:${contrastText(rgb)}"`;
    }
    const bad = Number.isFinite(x) ? "" : ' class="bad"';
    return `<td${style}${bad}>${escapeHtml(fmt(x))}</td>`;
  };
  const ri = axisIndices(rows, o.maxCells);
  const ci = axisIndices(cols, o.maxCells);
  const head = `<tr><th></th>${ci.map((c) => `<th>${c ?? "…"}</th>`).join("")}</tr>`;
  const body = ri
    .map((r) =>
      r === null
        ? `<tr><th>…</th>${ci.map(() => "<td>⋮</td>").join("")}</tr>`
        : `<tr><th>${r}</th>${ci.map((c) => (c === null ? "<td>…</td>" : cell(v.data[offset + r * cols + c]!))).join("")}</tr>`,
    )
    .join("");
  return `<table>${head}${body}</table>`;
}

/**
 * The HTML view of a tensor's values.
 *
 * @example
 * tensorHtml({ shape: [2, 2], data: [1, 2, 3, 4] }, { dtype: "float32", device: "cpu" }, { heatmap: true });
 */
export function tensorHtml(v: Values, meta: TensorMeta, options: TensorViewOptions = {}): string {
  const o: Required<TensorViewOptions> = { heatmap: false, maxCells: 20, maxSlices: 4, ...options };
  const stats = tensorStats(v);
  const fmt = valueFormatter(v, meta.dtype);
  const badges = [
    `shape [${v.shape.join(", ")}]`,
    meta.dtype,
    meta.device,
    ...(meta.gradFnName
      ? [`grad_fn=${meta.gradFnName}`]
      : meta.requiresGrad
        ? ["requires_grad"]
        : []),
  ];
  const statLine =
    stats.count === 0
      ? "empty"
      : [
          `min ${statNumber(stats.min)}`,
          `max ${statNumber(stats.max)}`,
          `mean ${statNumber(stats.mean)}`,
          `std ${statNumber(stats.std)}`,
          `<span${stats.nan ? ' class="bad"' : ""}>NaN ${stats.nan}</span>`,
          `<span${stats.inf ? ' class="bad"' : ""}>Inf ${stats.inf}</span>`,
        ].join(" · ");
  const parts = [
    CSS,
    `<div class="lectern-tensor"><div><b>${meta.isParameter ? "Parameter" : "Tensor"}</b> ${badges.map(escapeHtml).join(" · ")}</div><div>${statLine}</div>`,
  ];
  const shape = v.shape;
  if (stats.count > 0) {
    if (shape.length === 0) parts.push(`<div>${escapeHtml(fmt(v.data[0]!))}</div>`);
    else if (shape.length === 1) parts.push(table(v, 0, 1, shape[0]!, fmt, o, stats));
    else {
      const rows = shape.at(-2)!;
      const cols = shape.at(-1)!;
      const lead = shape.slice(0, -2);
      const nslices = lead.reduce((a, b) => a * b, 1);
      const shown = Math.min(nslices, lead.length ? o.maxSlices : 1);
      for (let s = 0; s < shown; s++) {
        if (lead.length) {
          const idx: number[] = [];
          let rest = s;
          for (let d = lead.length - 1; d >= 0; d--) {
            idx.unshift(rest % lead[d]!);
            rest = Math.floor(rest / lead[d]!);
          }
          parts.push(`<div>[${idx.join(", ")}, :, :]</div>`);
        }
        parts.push(table(v, s * rows * cols, rows, cols, fmt, o, stats));
      }
      if (nslices > shown) parts.push(`<div>… ${nslices - shown} more slices</div>`);
    }
  }
  parts.push("</div>");
  return parts.join("");
}

function bundleFrom(v: Values, meta: TensorMeta, options: TensorViewOptions): MimeBundle {
  return { "text/plain": formatTensor(v, meta), "text/html": tensorHtml(v, meta, options) };
}

/**
 * The MIME bundle of a tensor (PyTorch text + HTML view); a Promise for
 * tensors on the GPU, whose values must be read back first. This is what
 * `Tensor[Symbol.for("Jupyter.display")]` returns.
 *
 * @example
 * tensorBundle(lt.randn([2, 3])); // { "text/plain": "tensor([[...]])", "text/html": "..." }
 */
export function tensorBundle(
  t: TensorLike,
  options: TensorViewOptions = {},
): MimeBundle | Promise<MimeBundle> {
  const meta = tensorMeta(t);
  if (t.device === "cpu" && typeof t.dataSync === "function")
    return bundleFrom(readValues("tensor", t), meta, options);
  return readValuesAsync("tensor", t).then((v) => bundleFrom(v, meta, options));
}

/**
 * The PyTorch-style text of a tensor (CPU tensors; use `tensorBundle` for GPU ones).
 *
 * @example
 * tensorText(lt.tensor([[1, 2]], { requiresGrad: true })); // "tensor([[1., 2.]], requires_grad=True)"
 */
export function tensorText(t: TensorLike): string {
  return formatTensor(readValues("tensorText", t), tensorMeta(t));
}

/**
 * A tensor view with options, e.g. heatmap colouring of the cells.
 *
 * @example
 * display.tensor(layer.weight, { heatmap: true });
 */
export function tensor(t: TensorLike, options: TensorViewOptions = {}): Displayable {
  return { [DISPLAY]: () => tensorBundle(t, options) };
}
