import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { ShapeError, ValueError } from "../errors.js";
import { fmtShape, normalizeDims } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { arange, fromValues, full } from "./creation.js";
import { where } from "./indexing.js";
import { cat } from "./join.js";

/**
 * `x` reversed along `dims` (`torch.flip`); a copy.
 *
 * @example
 * lt.arange(4).flip([0]); // [3, 2, 1, 0]
 */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  const d = normalizeDims(dims, x.ndim, "flip");
  const out = runKernel("flip", [x], x.shape, x.dtype, { dims: d });
  return record(out, "flip", [x], (g) => [flip(g, d)]);
}

/**
 * Rotates elements along `dims` by `shifts` (`torch.roll`); without dims the
 * flattened tensor is rolled.
 *
 * @example
 * lt.arange(5).roll(2); // [3, 4, 0, 1, 2]
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  const op = "roll";
  const s = typeof shifts === "number" ? [shifts] : [...shifts];
  if (dims === undefined) {
    if (s.length !== 1) throw new ValueError(`${op}: without dims give one shift, got [${s}]`);
    return roll(x.flatten(), s[0], 0).reshape(x.shape);
  }
  const ds = typeof dims === "number" ? [dims] : [...dims];
  if (ds.length !== s.length) {
    throw new ValueError(
      `${op}: got ${s.length} shifts for ${ds.length} dims; give one shift per dim`,
    );
  }
  let out = x;
  ds.forEach((dim, i) => {
    const [d] = normalizeDims(dim, x.ndim, op);
    const n = x.shape[d];
    if (n === 0) return;
    const k = ((s[i] % n) + n) % n;
    if (k === 0) return;
    out = cat([out.narrow(d, n - k, k), out.narrow(d, 0, n - k)], d);
  });
  return out === x ? x.clone() : out;
}

/**
 * Tiles `x` `repeats[i]` times along each dim (`Tensor.repeat`); extra
 * leading repeats add dims.
 *
 * @example
 * lt.tensor([1, 2]).repeat([2, 2]); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  const op = "repeat";
  if (repeats.length < x.ndim) {
    throw new ShapeError(
      `${op}: got ${repeats.length} repeats for a tensor with ${x.ndim} dims ${fmtShape(x.shape)}; give at least one per dim`,
    );
  }
  if (repeats.some((r) => !Number.isInteger(r) || r < 0))
    throw new ValueError(`${op}: repeats must be integers >= 0, got [${repeats}]`);
  const lead = repeats.length - x.ndim;
  const shape = [...repeats.slice(0, lead).map(() => 1), ...x.shape];
  // Interleave a repeat dim before each dim, expand it, and merge the pairs.
  const interleaved: number[] = [];
  const expanded: number[] = [];
  shape.forEach((d, i) => {
    interleaved.push(1, d);
    expanded.push(repeats[i], d);
  });
  return x
    .reshape(interleaved)
    .expand(expanded)
    .reshape(shape.map((d, i) => d * repeats[i]));
}

function triangle(op: "tril" | "triu", x: Tensor, diagonal: number): Tensor {
  if (x.ndim < 2)
    throw new ShapeError(`${op}: expects a tensor with >= 2 dims, got ${fmtShape(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2);
  const i = arange(rows, undefined, { device: x.device }).unsqueeze(1);
  const j = arange(cols, undefined, { device: x.device }).unsqueeze(0);
  const keep = op === "tril" ? j.sub(i).le(diagonal) : j.sub(i).ge(diagonal);
  return where(keep, x, full([], 0, { dtype: x.dtype, device: x.device }));
}

/**
 * The lower triangle of the last two dims, zeros above `diagonal` (`torch.tril`).
 *
 * @example
 * lt.ones([3, 3]).tril(); // ones on and below the diagonal
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle("tril", x, diagonal);
}

/**
 * The upper triangle of the last two dims, zeros below `diagonal` (`torch.triu`).
 *
 * @example
 * lt.ones([3, 3]).triu(1); // ones strictly above the diagonal
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle("triu", x, diagonal);
}

/** Padding modes of `pad` (PyTorch's `F.pad`). */
export interface PadOptions {
  mode?: "constant" | "reflect" | "replicate" | "circular";
  value?: number;
}

/**
 * Pads the last dims: `padding` is `[left, right, top, bottom, ...]`
 * starting from the last dim, as in `F.pad`; negative values crop.
 *
 * @example
 * lt.ones([2, 2]).pad([1, 1]).shape;                        // [2, 4]
 * lt.arange(4).float().pad([2, 0], { mode: "reflect" });    // [2, 1, 0, 1, 2, 3]
 */
export function pad(
  x: Tensor,
  padding: readonly number[],
  { mode = "constant", value = 0 }: PadOptions = {},
): Tensor {
  const op = "pad";
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new ValueError(
      `${op}: padding [${padding}] must have an even length of at most 2 x ${x.ndim} (pairs for the last dims)`,
    );
  }
  if (padding.some((p) => !Number.isInteger(p)))
    throw new ValueError(`${op}: padding values must be integers, got [${padding}]`);
  let out = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const [before, after] = [padding[2 * k], padding[2 * k + 1]];
    out = padDim(out, d, before, after, mode, value, op);
  }
  return out;
}

function padDim(
  x: Tensor,
  d: number,
  before: number,
  after: number,
  mode: NonNullable<PadOptions["mode"]>,
  value: number,
  op: string,
): Tensor {
  const n = x.shape[d];
  // Negative padding crops first.
  if (before < 0 || after < 0) {
    const start = Math.max(-before, 0);
    const end = n - Math.max(-after, 0);
    if (end < start)
      throw new ShapeError(
        `${op}: padding [${before}, ${after}] crops dim ${d} of size ${n} below zero`,
      );
    return padDim(
      x.narrow(d, start, end - start),
      d,
      Math.max(before, 0),
      Math.max(after, 0),
      mode,
      value,
      op,
    );
  }
  if (before === 0 && after === 0) return x;
  if (mode === "constant") {
    const side = (k: number) => {
      const shape = [...x.shape];
      shape[d] = k;
      return full(shape, value, { dtype: x.dtype, device: x.device });
    };
    return cat([side(before), x, side(after)], d);
  }
  const limit = mode === "reflect" ? n - 1 : n;
  if (
    (mode === "reflect" && (before >= n || after >= n)) ||
    (mode === "circular" && (before > n || after > n)) ||
    n === 0
  ) {
    throw new ValueError(
      `${op}: ${mode} padding [${before}, ${after}] is too large for dim ${d} of size ${n} (at most ${limit} per side)`,
    );
  }
  // Reflect, replicate and circular pick existing positions: an index gather.
  const positions = new Int32Array(before + n + after);
  for (let i = 0; i < positions.length; i++) {
    const j = i - before;
    if (mode === "replicate") positions[i] = Math.min(Math.max(j, 0), n - 1);
    else if (mode === "circular") positions[i] = ((j % n) + n) % n;
    else {
      const period = 2 * (n - 1);
      const r = period === 0 ? 0 : ((j % period) + period) % period;
      positions[i] = r < n ? r : period - r;
    }
  }
  return x.indexSelect(d, fromValues(positions, [positions.length], "int32", x.device));
}

/**
 * Coordinate grids from 1-D tensors (`torch.meshgrid`): output i varies
 * along dim i ("ij", the default) — with "xy" the first two dims are
 * swapped, as in NumPy. The grids are broadcast views.
 *
 * @example
 * const [gx, gy] = lt.meshgrid([lt.linspace(-1, 1, 3), lt.linspace(0, 1, 2)], { indexing: "xy" });
 * gx.shape; // [2, 3]
 */
export function meshgrid(
  tensors: readonly Tensor[],
  { indexing = "ij" }: { indexing?: "ij" | "xy" } = {},
): Tensor[] {
  const op = "meshgrid";
  if (tensors.length === 0) throw new ValueError(`${op}: expected at least one tensor`);
  tensors.forEach((t, i) => {
    if (t.ndim > 1)
      throw new ShapeError(
        `${op}: tensor ${i} has shape ${fmtShape(t.shape)}; expected 0-D or 1-D tensors`,
      );
  });
  const sizes = tensors.map((t) => t.numel());
  const swap = indexing === "xy" && tensors.length >= 2;
  const place = (i: number) => (swap && i < 2 ? 1 - i : i);
  const shape = sizes.map((_, d) => sizes[place(d)]);
  return tensors.map((t, i) => {
    const view = shape.map((_, d) => (d === place(i) ? -1 : 1));
    return t.reshape(view).expand(shape);
  });
}
