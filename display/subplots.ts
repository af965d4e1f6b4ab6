/**
 * A grid of chart panels in one figure (plotly's subplots): axis domains,
 * anchors and panel titles, shared by training curves, per-layer histograms
 * and multi-head attention.
 */
import type { Layout } from "./figure.js";

/**
 * The axis references of panel `i` (`"x"`/`"y"` for the first, then `"x2"`/`"y2"`...).
 *
 * @example
 * panelAxes(1); // { xaxis: "x2", yaxis: "y2" }
 */
export function panelAxes(i: number): { xaxis: string; yaxis: string } {
  const n = i === 0 ? "" : String(i + 1);
  return { xaxis: `x${n}`, yaxis: `y${n}` };
}

/**
 * Layout entries for `count` panels in rows of `cols`, each titled.
 * The returned layout is merged with the figure's own settings.
 *
 * @example
 * gridLayout(["conv1", "fc1"], 2); // xaxis/yaxis, xaxis2/yaxis2 and two title annotations
 */
export function gridLayout(titles: string[], cols: number, gap = 0.08): Layout {
  const count = titles.length;
  const ncols = Math.max(1, Math.min(cols, count));
  const nrows = Math.max(1, Math.ceil(count / ncols));
  const w = (1 - gap * (ncols - 1)) / ncols;
  const rowGap = nrows > 1 ? gap * 1.6 : 0;
  const h = (1 - rowGap * (nrows - 1)) / nrows;
  const layout: Layout = { annotations: [] };
  titles.forEach((title, i) => {
    const n = i === 0 ? "" : String(i + 1);
    const c = i % ncols;
    const r = Math.floor(i / ncols);
    const x0 = c * (w + gap);
    const y1 = 1 - r * (h + rowGap);
    layout[`xaxis${n}`] = { domain: [x0, x0 + w], anchor: `y${n}` };
    layout[`yaxis${n}`] = { domain: [y1 - h, y1], anchor: `x${n}` };
    if (title) {
      layout.annotations!.push({
        text: title,
        x: x0 + w / 2,
        y: y1 + 0.03,
        xref: "paper",
        yref: "paper",
        showarrow: false,
        xanchor: "center",
        yanchor: "bottom",
      });
    }
  });
  return layout;
}
