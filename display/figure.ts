/**
 * The chart description every plot in lectern is built from: a small,
 * typed subset of plotly's figure JSON (`{ data, layout }`). The same object
 * goes to plotly as `application/vnd.plotly.v1+json` and to lectern's own SVG
 * renderer for the static fallback, so both show the same chart.
 */
import type { ColorScale } from "./colormap.js";

/** Lines and/or markers (plotly `scatter`). Missing `x` means 0, 1, 2, ... */
export interface ScatterTrace {
  type: "scatter";
  x?: number[];
  y: number[];
  mode?: "lines" | "markers" | "lines+markers";
  name?: string;
  showlegend?: boolean;
  line?: { color?: string; width?: number; dash?: "solid" | "dash" | "dot" };
  marker?: { color?: string; size?: number; symbol?: string };
  text?: string[];
  xaxis?: string;
  yaxis?: string;
}

/** Bars at categories or numbers (plotly `bar`); histograms are bars over bins. */
export interface BarTrace {
  type: "bar";
  x: (number | string)[];
  y: number[];
  width?: number;
  name?: string;
  showlegend?: boolean;
  opacity?: number;
  marker?: { color?: string };
  xaxis?: string;
  yaxis?: string;
}

/** A grid of values coloured by a scale (plotly `heatmap`); `z[row][column]`. */
export interface HeatmapTrace {
  type: "heatmap";
  z: number[][];
  x?: (number | string)[];
  y?: (number | string)[];
  colorscale?: ColorScale;
  zmin?: number;
  zmax?: number;
  showscale?: boolean;
  /** `"%{z}"` writes each cell's value in the cell. */
  texttemplate?: string;
  opacity?: number;
  name?: string;
  xaxis?: string;
  yaxis?: string;
}

/** One trace of a figure. */
export type Trace = ScatterTrace | BarTrace | HeatmapTrace;

/** One axis (`xaxis`, `yaxis2`, ...). */
export interface AxisLayout {
  title?: { text: string };
  type?: "linear" | "log" | "category";
  /** The fraction of the plot area this axis spans, e.g. `[0, 0.45]`. */
  domain?: [number, number];
  /** The axis it is drawn against (`"x2"` for `yaxis2`). */
  anchor?: string;
  range?: [number, number];
  autorange?: boolean | "reversed";
  /** `"x"` on a y axis keeps one unit the same length on both (square cells). */
  scaleanchor?: string;
  showgrid?: boolean;
  zeroline?: boolean;
  tickvals?: number[];
  ticktext?: string[];
}

/** Figure-wide layout. Axis entries are `xaxis`, `xaxis2`, ..., `yaxis`, `yaxis2`, ... */
export interface Layout {
  title?: { text: string };
  width?: number;
  height?: number;
  showlegend?: boolean;
  barmode?: "overlay" | "group";
  margin?: { l?: number; r?: number; t?: number; b?: number };
  annotations?: {
    text: string;
    x: number;
    y: number;
    xref: string;
    yref: string;
    showarrow?: boolean;
    xanchor?: "left" | "center" | "right";
    yanchor?: "top" | "middle" | "bottom";
  }[];
  [axis: `xaxis${string}` | `yaxis${string}`]: AxisLayout | undefined;
}

/** A plotly figure. */
export interface FigureSpec {
  data: Trace[];
  layout: Layout;
}
