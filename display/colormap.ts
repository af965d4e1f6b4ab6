/**
 * Colour scales shared by heatmaps, tensor tables and colour-mapped images.
 * Each scale is a list of `[position, "#rrggbb"]` stops, the same format
 * plotly takes as `colorscale`, so the static SVG/PNG fallback and the
 * interactive chart colour a value identically.
 */
import { ValueError } from "../tensor/errors.js";

/** A colour scale: stops from position 0 to 1. */
export type ColorScale = [number, string][];

function evenly(colors: string[]): ColorScale {
  return colors.map((c, i) => [i / (colors.length - 1), c]);
}

/** Named colour scales: `viridis` (sequential, default), `blues`, `gray`, and diverging `rdbu` (blue < 0 < red). */
export const colorScales = {
  viridis: evenly([
    "#440154",
    "#48186a",
    "#472d7b",
    "#424086",
    "#3b528b",
    "#33638d",
    "#2c728e",
    "#26828e",
    "#21918c",
    "#1fa088",
    "#28ae80",
    "#3fbc73",
    "#5ec962",
    "#84d44b",
    "#addc30",
    "#d8e219",
    "#fde725",
  ]),
  blues: evenly([
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
  ]),
  rdbu: evenly([
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
  ]),
  gray: evenly(["#000000", "#ffffff"]),
} satisfies Record<string, ColorScale>;

/** A colour scale name. */
export type ColorScaleName = keyof typeof colorScales;

/** Categorical colours for traces and labels (plotly.js's default colorway). */
export const palette = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/**
 * The colour scale for a name (or the scale itself).
 *
 * @example
 * scaleOf("viridis")[0]; // [0, "#440154"]
 */
export function scaleOf(scale: ColorScaleName | ColorScale): ColorScale {
  if (typeof scale !== "string") return scale;
  const found = colorScales[scale];
  if (!found) {
    throw new ValueError(
      `colour scale "${scale}" is unknown; use one of ${Object.keys(colorScales).join(", ")}`,
    );
  }
  return found;
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The RGB colour at position `t` (clamped to [0, 1]) of a scale, linearly
 * interpolated between stops. NaN maps to the scale's start.
 *
 * @example
 * colorAt(colorScales.gray, 0.5); // [128, 128, 128]
 */
export function colorAt(scale: ColorScale, t: number): [number, number, number] {
  const x = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  let i = 1;
  while (i < scale.length - 1 && scale[i]![0] < x) i++;
  const [t0, c0] = scale[i - 1]!;
  const [t1, c1] = scale[i]!;
  const f = t1 === t0 ? 0 : (x - t0) / (t1 - t0);
  const a = hexRgb(c0);
  const b = hexRgb(c1);
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

/**
 * `#rrggbb` for an RGB triple.
 *
 * @example
 * rgbHex([255, 0, 16]); // "#ff0010"
 */
export function rgbHex([r, g, b]: [number, number, number]): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/**
 * Black or white, whichever reads better on a background colour.
 *
 * @example
 * contrastText([253, 231, 37]); // "#000000"
 */
export function contrastText([r, g, b]: [number, number, number]): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000000" : "#ffffff";
}
