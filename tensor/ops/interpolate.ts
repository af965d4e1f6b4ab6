// Resizing: `interpolate` (PyTorch's F.interpolate) and `upsample`. The op
// works out the output size and the per-axis source tables; the kernel
// (backends/cpu/interpolate.ts) resamples one axis at a time.
import {
  type AxisResample,
  cubicTable,
  type InterpolateAttrs,
  linearTable,
  nearestTable,
} from "../backends/cpu/interpolate.js";
import type { PoolAttrs } from "../backends/cpu/pool.js";
import { ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { requireFloating } from "./elementwise.js";
import { adaptivePoolGeometry } from "./pool.js";
import { type IntOrTuple, linearMap, spatialArg } from "./unfold.js";

/** `"area"` is adaptive average pooling to the output size, as in PyTorch. */
export type InterpolateMode =
  | "nearest"
  | "nearest-exact"
  | "linear"
  | "bilinear"
  | "trilinear"
  | "bicubic"
  | "area";

export interface InterpolateOptions {
  /** Output spatial size (one int for every dim, or one per dim). Give this or `scaleFactor`. */
  size?: IntOrTuple;
  /** Multiplier of each spatial dim; the output size is `floor(in * scaleFactor)`. */
  scaleFactor?: number | number[];
  /** Default `"nearest"`. */
  mode?: InterpolateMode;
  /** Interpolating modes only: align the centres of the corner pixels instead of the pixel areas. Default false. */
  alignCorners?: boolean;
  /**
   * Sample with the ratio of the sizes rather than `1 / scaleFactor`
   * (matters when `in * scaleFactor` is not an integer). Default false.
   */
  recomputeScaleFactor?: boolean;
}

/** The modes that interpolate between pixels (and take `alignCorners`), and the rank each needs. */
const LINEAR_RANK: Partial<Record<InterpolateMode, number>> = {
  linear: 1,
  bilinear: 2,
  trilinear: 3,
  bicubic: 2,
};

/** What `interpolate` does to an input: its planes, spatial sizes and the factor PyTorch samples with. */
export interface InterpolateGeometry {
  mode: InterpolateMode;
  planes: number;
  inSpatial: number[];
  outSpatial: number[];
  outShape: number[];
  /** The user's scale factor per dim when the kernels must sample with it. */
  scales: (number | undefined)[];
  alignCorners: boolean;
}

/** Checks `interpolate`'s input and options and works out the output size. */
export function interpolateGeometry(
  xShape: readonly number[],
  options: InterpolateOptions,
): InterpolateGeometry {
  const mode = options.mode ?? "nearest";
  if (xShape.length < 3 || xShape.length > 5) {
    throw new ShapeError(
      `interpolate: expected a 3-D, 4-D or 5-D input [N, C, ...spatial], got ${fmtShape(xShape)}`,
    );
  }
  const rank = xShape.length - 2;
  const linearRank = LINEAR_RANK[mode];
  if (linearRank === undefined && !["nearest", "nearest-exact", "area"].includes(mode)) {
    throw new ValueError(
      `interpolate: unknown mode "${mode}"; use nearest, nearest-exact, linear, bilinear, trilinear, bicubic or area`,
    );
  }
  if (linearRank !== undefined && linearRank !== rank) {
    throw new ShapeError(
      `interpolate: mode "${mode}" needs a ${linearRank + 2}-D input, got ${fmtShape(xShape)}`,
    );
  }
  if (options.alignCorners !== undefined && linearRank === undefined) {
    throw new ValueError(
      `interpolate: alignCorners can only be set with the interpolating modes (linear, bilinear, trilinear, bicubic), not "${mode}"`,
    );
  }
  const inSpatial = xShape.slice(2);
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new ValueError("interpolate: give exactly one of size and scaleFactor");
  }
  let outSpatial: number[];
  let scales: (number | undefined)[] = new Array(rank).fill(undefined);
  if (options.size !== undefined) {
    outSpatial = spatialArg("interpolate", "size", options.size, rank, 1);
  } else {
    const factors =
      typeof options.scaleFactor === "number"
        ? new Array<number>(rank).fill(options.scaleFactor)
        : (options.scaleFactor as number[]);
    if (factors.length !== rank || factors.some((f) => !(f > 0))) {
      throw new ValueError(
        `interpolate: scaleFactor must be one positive number or ${rank} (one per spatial dim), got ${JSON.stringify(options.scaleFactor)}`,
      );
    }
    outSpatial = inSpatial.map((n, i) => Math.floor(n * factors[i]));
    if (outSpatial.some((n) => n < 1)) {
      throw new ShapeError(
        `interpolate: scaleFactor ${JSON.stringify(options.scaleFactor)} shrinks input ${fmtShape(xShape)} to an empty output ${fmtShape(outSpatial)}`,
      );
    }
    if (!options.recomputeScaleFactor) scales = factors;
  }
  return {
    mode,
    planes: xShape[0] * xShape[1],
    inSpatial,
    outSpatial,
    outShape: [xShape[0], xShape[1], ...outSpatial],
    scales,
    alignCorners: options.alignCorners ?? false,
  };
}

/** The per-axis source tables of a nearest, linear or bicubic `interpolate`. */
export function resampleTables(g: InterpolateGeometry): AxisResample[] {
  return g.inSpatial.map((n, i) => {
    const out = g.outSpatial[i];
    if (g.mode === "bicubic") return cubicTable(n, out, g.alignCorners, g.scales[i]);
    if (LINEAR_RANK[g.mode] !== undefined) return linearTable(n, out, g.alignCorners, g.scales[i]);
    return nearestTable(n, out, g.scales[i], g.mode === "nearest-exact");
  });
}

/**
 * Resizes `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]` inputs
 * (`torch.nn.functional.interpolate`). Give `size` or `scaleFactor`;
 * `mode` is `"nearest"` (default), `"nearest-exact"`, `"linear"` (3-D),
 * `"bilinear"` (4-D), `"trilinear"` (5-D), `"bicubic"` (4-D; may overshoot
 * the input range, as in PyTorch) or `"area"`; `alignCorners` (interpolating
 * modes) maps the corner pixels onto each other. Indices follow
 * PyTorch exactly, including its use of `1 / scaleFactor` when a factor is
 * given (set `recomputeScaleFactor` to sample with `in / out` instead).
 *
 * @example
 * const x = lt.tensor([[[[1, 2], [3, 4]]]]);
 * lt.interpolate(x, { scaleFactor: 2 }).shape;                                    // [1, 1, 4, 4]
 * lt.interpolate(x, { size: [3, 3], mode: "bilinear", alignCorners: true }).arraySync();
 * // [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  requireFloating("interpolate", x);
  const g = interpolateGeometry(x.shape, options);
  if (g.mode === "area") {
    const rank = (x.ndim - 2) as 1 | 2 | 3;
    const pool = adaptivePoolGeometry("interpolate", rank, x.shape, g.outSpatial);
    const attrs: PoolAttrs = { ...pool, divisor: "count" };
    return linearMap(x, "avgPool", "avgPoolBackward", pool.outShape, attrs);
  }
  const attrs: InterpolateAttrs = { planes: g.planes, tables: resampleTables(g) };
  return linearMap(x, "interpolate", "interpolateBackward", g.outShape, attrs);
}

/**
 * The same as {@link interpolate} (PyTorch's deprecated
 * `F.upsample`, kept because `nn.Upsample` and older lectures use the name).
 *
 * @example
 * lt.upsample(lt.randn([1, 3, 8, 8]), { scaleFactor: 2, mode: "bilinear" }).shape; // [1, 3, 16, 16]
 */
export function upsample(x: Tensor, options: InterpolateOptions): Tensor {
  return interpolate(x, options);
}
