/**
 * A small SVG renderer for lectern's figures, used as the static fallback
 * of every plot: it needs no browser and no network, so nbconvert, GitHub,
 * graders and notebooks opened without plotly still see the chart. It draws
 * what lectern's charts use (lines, markers, bars, heatmaps, several panels,
 * linear/log/category axes, a legend) and nothing more; the interactive
 * version is plotly's.
 */
import { colorAt, colorScales, contrastText, palette, rgbHex } from "./colormap.js";
import type { AxisLayout, BarTrace, FigureSpec, HeatmapTrace, Trace } from "./figure.js";
import { base64, escapeHtml } from "./mime.js";
import { encodePng } from "./png.js";
import { extent } from "./values.js";

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
/** Most markers one trace draws in the static image. */
const MAX_MARKERS = 5000;

/**
 * About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k).
 *
 * @example
 * niceTicks(0, 1); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/**
 * About `max` points that keep a line's shape: the points are cut into
 * buckets and each bucket keeps its lowest and highest y in x order, so
 * spikes (a loss blowing up) survive; the first and last points and NaN
 * gaps are kept too.
 *
 * @example
 * downsample([0, 1, 2, 3, 4, 5], [5, 1, 9, 2, 7, 3], 2); // x: [0, 1, 2, 5]
 */
export function downsample(xs: number[], ys: number[], max: number): { x: number[]; y: number[] } {
  if (ys.length <= max) return { x: xs, y: ys };
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = ys.length / buckets;
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.floor((b + 1) * size);
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const v = ys[i]!;
      if (!Number.isFinite(v)) gap = i;
      else {
        if (lo < 0 || v < ys[lo]!) lo = i;
        if (hi < 0 || v > ys[hi]!) hi = i;
      }
    }
    // The first and last points stay: where a curve starts and ends matters.
    const first = b === 0 ? 0 : -1;
    const last = b === buckets - 1 ? ys.length - 1 : -1;
    const keep = [lo, hi, gap, first, last]
      .filter((i, k, all) => i >= 0 && all.indexOf(i) === k)
      .sort((a, b) => a - b);
    for (const i of keep) {
      x.push(xs[i]!);
      y.push(ys[i]!);
    }
  }
  return { x, y };
}

/**
 * A short label for a tick value.
 *
 * @example
 * formatTick(0.30000000000000004); // "0.3"
 */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(6)));
}

interface Scale {
  kind: "linear" | "log" | "category";
  categories: string[];
  lo: number;
  hi: number;
  reversed: boolean;
  /** Data value → [0, 1] along the axis (log axes take the log first). */
  at(v: number | string): number;
  ticks: { pos: number; label: string }[];
}

function axisKey(ref: string | undefined, letter: "x" | "y"): `xaxis${string}` | `yaxis${string}` {
  const n = ref && ref.length > 1 ? ref.slice(1) : "";
  return `${letter}axis${n}` as `xaxis${string}`;
}

function traceValues(trace: Trace, letter: "x" | "y"): (number | string)[] {
  if (trace.type === "heatmap") {
    const n = letter === "x" ? (trace.z[0]?.length ?? 0) : trace.z.length;
    return (letter === "x" ? trace.x : trace.y) ?? Array.from({ length: n }, (_, i) => i);
  }
  if (letter === "y") return trace.y;
  return trace.x ?? trace.y.map((_, i) => i);
}

function makeScale(axis: AxisLayout, traces: Trace[], letter: "x" | "y"): Scale {
  const values = traces.flatMap((t) => traceValues(t, letter));
  const categorical = axis.type === "category" || values.some((v) => typeof v === "string");
  const reversed = axis.autorange === "reversed";
  if (categorical) {
    const categories = [...new Set(values.map(String))];
    const n = categories.length;
    const at = (v: number | string) => {
      const i =
        typeof v === "number" && !categories.includes(String(v))
          ? v
          : categories.indexOf(String(v));
      const t = (i + 0.5) / n;
      return reversed ? 1 - t : t;
    };
    const ticks = categories.map((c) => ({ pos: at(c), label: c }));
    return { kind: "category", categories, lo: -0.5, hi: n - 0.5, reversed, at, ticks };
  }
  const log = axis.type === "log";
  const nums = values
    .map(Number)
    .filter((v) => Number.isFinite(v) && (!log || v > 0))
    .map((v) => (log ? Math.log10(v) : v));
  let [lo, hi] = extent(nums);
  if (traces.some((t) => t.type === "bar") && letter === "y" && !log) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  const heat = traces.find((t): t is HeatmapTrace => t.type === "heatmap");
  const bar = traces.find((t): t is BarTrace => t.type === "bar");
  if (bar && letter === "x") {
    // Bars are centred on their x: keep the outer halves inside the axis.
    const half = (bar.width ?? minGap(bar.x.map(Number)) * 0.8) / 2;
    lo -= half;
    hi += half;
  } else if (heat && nums.length > 1) {
    // Heatmap cells are centred on their coordinates: extend by half a cell.
    const n = letter === "x" ? (heat.z[0]?.length ?? 1) : heat.z.length;
    const half = (hi - lo) / Math.max(1, n - 1) / 2;
    lo -= half;
    hi += half;
  } else if (letter === "y" || traces.some((t) => t.type === "scatter" && t.mode === "markers")) {
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
    lo -= pad;
    hi += pad;
  }
  if (axis.range) [lo, hi] = log ? (axis.range.map(Math.log10) as [number, number]) : axis.range;
  if (hi === lo) hi = lo + 1;
  const at = (v: number | string) => {
    const x = log ? Math.log10(Number(v)) : Number(v);
    const t = (x - lo) / (hi - lo);
    return reversed ? 1 - t : t;
  };
  let ticks: { pos: number; label: string }[];
  if (axis.tickvals) {
    ticks = axis.tickvals.map((v, i) => ({
      pos: at(v),
      label: axis.ticktext?.[i] ?? formatTick(v),
    }));
  } else if (log) {
    const decades = niceTicks(Math.ceil(lo), Math.floor(hi), 5).filter(Number.isInteger);
    ticks = decades.map((d) => ({ pos: at(10 ** d), label: formatTick(10 ** d) }));
  } else {
    ticks = niceTicks(lo, hi).map((v) => ({ pos: at(v), label: formatTick(v) }));
  }
  return { kind: log ? "log" : "linear", categories: [], lo, hi, reversed, at, ticks };
}

interface Panel {
  x: Scale;
  y: Scale;
  left: number;
  top: number;
  width: number;
  height: number;
  traces: Trace[];
}

function traceColor(trace: Trace, index: number): string {
  if (trace.type === "scatter")
    return trace.line?.color ?? trace.marker?.color ?? palette[index % 10]!;
  if (trace.type === "bar") return trace.marker?.color ?? palette[index % 10]!;
  return palette[index % 10]!;
}

function drawHeatmap(p: Panel, trace: HeatmapTrace, out: string[]): void {
  const rows = trace.z.length;
  const cols = trace.z[0]?.length ?? 0;
  if (rows === 0 || cols === 0) return;
  const [fmin, fmax] = extent(trace.z.flat());
  const zmin = trace.zmin ?? fmin;
  const zmax = trace.zmax ?? fmax;
  const scale = trace.colorscale ?? colorScales.viridis;
  const color = (v: number) => colorAt(scale, zmax > zmin ? (v - zmin) / (zmax - zmin) : 0.5);
  const xs = traceValues(trace, "x");
  const ys = traceValues(trace, "y");
  const px = (c: number) => p.left + p.x.at(xs[c]!) * p.width;
  const py = (r: number) => p.top + (1 - p.y.at(ys[r]!)) * p.height;
  const cw = p.width / cols;
  const ch = p.height / rows;
  const opacity = trace.opacity ?? 1;
  if (rows * cols > 400) {
    // Large grids (decision boundaries) go in as one pixelated PNG, not thousands of rects.
    const data = new Uint8Array(rows * cols * 3);
    const flipY = py(0) > py(rows - 1);
    const flipX = px(0) > px(cols - 1);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const rr = flipY ? rows - 1 - r : r;
        const cc = flipX ? cols - 1 - c : c;
        data.set(color(trace.z[rr]![cc]!), (r * cols + c) * 3);
      }
    }
    const href = `data:image/png;base64,${base64(encodePng({ width: cols, height: rows, channels: 3, data }))}`;
    out.push(
      `<image x="${p.left}" y="${p.top}" width="${p.width}" height="${p.height}" preserveAspectRatio="none" opacity="${opacity}" style="image-rendering:pixelated" href="${href}"/>`,
    );
    return;
  }
  const showText = trace.texttemplate?.includes("%{z}") ?? false;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = trace.z[r]![c]!;
      const rgb = color(v);
      const x = px(c) - cw / 2;
      const y = py(r) - ch / 2;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="${rgbHex(rgb)}" opacity="${opacity}"/>`,
      );
      if (showText) {
        out.push(
          `<text x="${(x + cw / 2).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="${contrastText(rgb)}" ${FONT}>${escapeHtml(trace.texttemplate!.replace("%{z}", formatTick(v)))}</text>`,
        );
      }
    }
  }
}

function drawPanel(p: Panel, figTraces: Trace[], out: string[]): void {
  out.push(
    `<rect x="${p.left}" y="${p.top}" width="${p.width}" height="${p.height}" fill="#ffffff" stroke="#444" stroke-width="1"/>`,
  );
  const hasHeat = p.traces.some((t) => t.type === "heatmap");
  for (const t of p.x.ticks) {
    const x = p.left + t.pos * p.width;
    if (!hasHeat)
      out.push(
        `<line x1="${x.toFixed(1)}" y1="${p.top}" x2="${x.toFixed(1)}" y2="${p.top + p.height}" stroke="#eee"/>`,
      );
    out.push(
      `<text x="${x.toFixed(1)}" y="${p.top + p.height + 14}" text-anchor="middle" font-size="10" fill="#444" ${FONT}>${escapeHtml(t.label)}</text>`,
    );
  }
  for (const t of p.y.ticks) {
    const y = p.top + (1 - t.pos) * p.height;
    if (!hasHeat)
      out.push(
        `<line x1="${p.left}" y1="${y.toFixed(1)}" x2="${p.left + p.width}" y2="${y.toFixed(1)}" stroke="#eee"/>`,
      );
    out.push(
      `<text x="${p.left - 4}" y="${(y + 3).toFixed(1)}" text-anchor="end" font-size="10" fill="#444" ${FONT}>${escapeHtml(t.label)}</text>`,
    );
  }
  const px = (v: number | string) => p.left + p.x.at(v) * p.width;
  const py = (v: number | string) => p.top + (1 - p.y.at(v)) * p.height;
  const bars = p.traces.filter((t) => t.type === "bar");
  for (const trace of p.traces) {
    const color = traceColor(trace, figTraces.indexOf(trace));
    if (trace.type === "heatmap") drawHeatmap(p, trace, out);
    else if (trace.type === "bar") {
      const xs = trace.x;
      const step = p.x.kind === "category" ? 1 : minGap(xs.map(Number));
      const w =
        ((trace.width ?? step * 0.8) * (p.width / (p.x.hi - p.x.lo))) /
        (p.x.kind === "category" ? bars.length : 1);
      const offset =
        p.x.kind === "category" ? (bars.indexOf(trace) - (bars.length - 1) / 2) * w : 0;
      const base = p.y.kind === "log" ? p.top + p.height : py(0);
      xs.forEach((xv, i) => {
        const yv = trace.y[i]!;
        if (!Number.isFinite(yv)) return;
        const top = py(yv);
        out.push(
          `<rect x="${(px(xv) + offset - w / 2).toFixed(1)}" y="${Math.min(top, base).toFixed(1)}" width="${Math.max(w, 0.5).toFixed(1)}" height="${Math.abs(base - top).toFixed(1)}" fill="${color}" opacity="${trace.opacity ?? 1}"/>`,
        );
      });
    } else {
      const mode = trace.mode ?? "lines";
      // A line cannot show more points than the panel has pixels; scatter
      // clouds (markers only) keep every point.
      const raw = traceValues(trace, "x");
      const thin =
        mode === "markers" || p.x.kind === "category"
          ? { x: raw, y: trace.y }
          : downsample(raw.map(Number), trace.y, Math.max(200, Math.round(p.width * 2)));
      const xs = thin.x;
      if (mode.includes("lines")) {
        const dash =
          trace.line?.dash === "dash"
            ? ' stroke-dasharray="6,4"'
            : trace.line?.dash === "dot"
              ? ' stroke-dasharray="2,3"'
              : "";
        let run: string[] = [];
        const flush = () => {
          if (run.length > 1)
            out.push(
              `<polyline points="${run.join(" ")}" fill="none" stroke="${color}" stroke-width="${trace.line?.width ?? 2}"${dash}/>`,
            );
          run = [];
        };
        thin.y.forEach((yv, i) => {
          const ok = Number.isFinite(yv) && (p.y.kind !== "log" || yv > 0);
          if (ok) run.push(`${px(xs[i]!).toFixed(1)},${py(yv).toFixed(1)}`);
          else flush();
        });
        flush();
      }
      if (mode.includes("markers")) {
        const r = (trace.marker?.size ?? 6) / 2;
        const fill = trace.marker?.color ?? color;
        // A static image of 60k embedding points is megabytes and no clearer
        // than an even sample of them; the interactive chart keeps them all.
        const stride = Math.ceil(thin.y.length / MAX_MARKERS);
        thin.y.forEach((yv, i) => {
          if (i % stride === 0 && Number.isFinite(yv))
            out.push(
              `<circle cx="${px(xs[i]!).toFixed(1)}" cy="${py(yv).toFixed(1)}" r="${r}" fill="${fill}" fill-opacity="0.8"/>`,
            );
        });
      }
    }
  }
}

function minGap(xs: number[]): number {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < s.length; i++) gap = Math.min(gap, s[i]! - s[i - 1]!);
  return Number.isFinite(gap) ? gap : 1;
}

function legendOf(fig: FigureSpec): { legendItems: Trace[]; showLegend: boolean } {
  const legendItems = fig.data.filter(
    (t) => t.type !== "heatmap" && t.name && t.showlegend !== false,
  );
  return { legendItems, showLegend: fig.layout.showlegend ?? legendItems.length > 1 };
}

/**
 * The plot margins (px) the SVG renderer uses; plots pass the same to
 * plotly so the interactive and static charts have the same geometry.
 *
 * @example
 * marginsOf({ data: [], layout: { title: { text: "t" } } }); // { l: 60, r: 20, t: 40, b: 50 }
 */
export function marginsOf(fig: FigureSpec): { l: number; r: number; t: number; b: number } {
  const { layout } = fig;
  const above = (layout.annotations ?? []).some((a) => a.y > 1) ? 18 : 0;
  return {
    l: layout.margin?.l ?? 60,
    r: layout.margin?.r ?? (legendOf(fig).showLegend ? 140 : 20),
    t: layout.margin?.t ?? (layout.title ? 40 : 20) + above,
    b: layout.margin?.b ?? 50,
  };
}

/**
 * The figure as a standalone SVG document (the static fallback of a plot).
 *
 * @example
 * renderSvg({ data: [{ type: "scatter", y: [3, 1, 2] }], layout: {} }); // "<svg ...>...</svg>"
 */
export function renderSvg(fig: FigureSpec): string {
  const { layout } = fig;
  const W = layout.width ?? 640;
  const H = layout.height ?? 400;
  const { legendItems, showLegend } = legendOf(fig);
  const m = marginsOf(fig);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  ];
  if (layout.title) {
    out.push(
      `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" fill="#222" ${FONT}>${escapeHtml(layout.title.text)}</text>`,
    );
  }
  const groups = new Map<string, Trace[]>();
  for (const t of fig.data) {
    const key = `${t.xaxis ?? "x"}|${t.yaxis ?? "y"}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const areaW = W - m.l - m.r;
  const areaH = H - m.t - m.b;
  for (const [key, traces] of groups) {
    const [xr, yr] = key.split("|") as [string, string];
    const xa = layout[axisKey(xr, "x")] ?? {};
    const ya = layout[axisKey(yr, "y")] ?? {};
    const [x0, x1] = xa.domain ?? [0, 1];
    const [y0, y1] = ya.domain ?? [0, 1];
    const p: Panel = {
      x: makeScale(xa, traces, "x"),
      y: makeScale(ya, traces, "y"),
      left: m.l + x0 * areaW,
      top: m.t + (1 - y1) * areaH,
      width: (x1 - x0) * areaW,
      height: (y1 - y0) * areaH,
      traces,
    };
    drawPanel(p, fig.data, out);
    if (xa.title) {
      out.push(
        `<text x="${p.left + p.width / 2}" y="${p.top + p.height + 32}" text-anchor="middle" font-size="12" fill="#222" ${FONT}>${escapeHtml(xa.title.text)}</text>`,
      );
    }
    if (ya.title) {
      const cx = p.left - 44;
      const cy = p.top + p.height / 2;
      out.push(
        `<text x="${cx}" y="${cy}" transform="rotate(-90 ${cx} ${cy})" text-anchor="middle" font-size="12" fill="#222" ${FONT}>${escapeHtml(ya.title.text)}</text>`,
      );
    }
  }
  for (const a of layout.annotations ?? []) {
    const x = m.l + a.x * areaW;
    const y = m.t + (1 - a.y) * areaH;
    out.push(
      `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="middle" font-size="12" fill="#222" ${FONT}>${escapeHtml(a.text)}</text>`,
    );
  }
  if (showLegend) {
    legendItems.forEach((t, i) => {
      const x = W - m.r + 12;
      const y = m.t + 10 + i * 18;
      const color = traceColor(t, fig.data.indexOf(t));
      out.push(`<rect x="${x}" y="${y - 6}" width="14" height="4" fill="${color}"/>`);
      out.push(
        `<text x="${x + 20}" y="${y}" font-size="11" fill="#222" ${FONT}>${escapeHtml(t.name!)}</text>`,
      );
    });
  }
  out.push("</svg>");
  return out.join("");
}
