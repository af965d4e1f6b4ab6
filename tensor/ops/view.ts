import { record } from "../autograd/node.js";
import { runInPlace, runKernel } from "../dispatch.js";
import { IndexError, ShapeError, ValueError } from "../errors.js";
import { fmtShape, isContiguous, normalizeDim, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { sumTo } from "./broadcast.js";
import { zeros } from "./creation.js";
import { nonzero } from "./search.js";

/**
 * Resolves one -1 in a requested shape and checks the element count.
 *
 * @example
 * inferShape([-1, 2], 6, "view"); // [3, 2]
 */
function inferShape(
  shape: readonly number[],
  numel: number,
  op: string,
  from: readonly number[],
): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1)
    throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  for (const d of out) {
    if (!Number.isInteger(d) || d < -1)
      throw new ShapeError(`${op}: invalid size ${d} in shape ${fmtShape(shape)}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(
        `${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of ${numel} elements`,
      );
    }
    out[unknown] = numel / known;
  }
  if (sizeOf(out) !== numel) {
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of ${numel} elements (${sizeOf(out)} != ${numel})`,
    );
  }
  return out;
}

// PyTorch's computeStride: the strides under which the same memory reads as
// `newShape`, or null when the view would need a copy (e.g. after a transpose).
function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (oldShape.length === 0) return newShape.map(() => 1);
  if (sizeOf(oldShape) === 0) {
    const s = new Array<number>(newShape.length);
    let acc = 1;
    for (let i = newShape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= Math.max(newShape[i], 1);
    }
    return s;
  }
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

/** Records a view op whose backward maps the gradient back with `back`. */
function recordView(out: Tensor, op: string, x: Tensor, back: (g: Tensor) => Tensor): Tensor {
  return record(out, op, [x], (g) => [back(g)]);
}

/**
 * The same elements under a new shape, sharing memory (`Tensor.view`); one
 * size may be -1. Fails when the strides do not allow it (use `reshape`).
 *
 * @example
 * lt.arange(6).view([2, -1]).shape; // [2, 3]
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.numel(), "view", x.shape);
  const strides = viewStrides(x.shape, x.strides, s);
  if (strides === null) {
    throw new ShapeError(
      `view: shape ${fmtShape(s)} is not compatible with the input's size and strides (${fmtShape(x.shape)}, ` +
        "a non-contiguous view such as a transpose); use .reshape(...) instead, which copies when needed",
    );
  }
  return recordView(x._view(s, strides, x.offset), "view", x, (g) => g.reshape(x.shape));
}

/**
 * The same elements under a new shape: a view when possible, else a copy (`torch.reshape`).
 *
 * @example
 * lt.arange(6).reshape([3, 2]);
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.numel(), "reshape", x.shape);
  if (viewStrides(x.shape, x.strides, s) !== null) return view(x, s);
  return view(contiguous(x), s);
}

/**
 * A row-major copy of `x`, or `x` itself when it already is (`Tensor.contiguous`).
 *
 * @example
 * x.t().contiguous().isContiguous(); // true
 */
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x.strides)) return x;
  const out = runKernel("contiguous", [x], x.shape, x.dtype);
  return record(out, "contiguous", [x], (g) => [g]);
}

/**
 * Reorders the dims (`torch.permute`); a view.
 *
 * @example
 * lt.zeros([2, 3, 4]).permute([2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const op = "permute";
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `${op}: got ${dims.length} dims [${dims}] for a tensor with ${x.ndim} dims ${fmtShape(x.shape)}`,
    );
  }
  const p = dims.map((d) => normalizeDim(d, x.ndim, op));
  if (new Set(p).size !== p.length)
    throw new IndexError(`${op}: dims [${dims}] repeat a dim; each dim must appear once`);
  const inverse = new Array<number>(p.length);
  p.forEach((d, i) => {
    inverse[d] = i;
  });
  const out = x._view(
    p.map((d) => x.shape[d]),
    p.map((d) => x.strides[d]),
    x.offset,
  );
  return recordView(out, op, x, (g) => g.permute(inverse));
}

/**
 * Swaps two dims (`torch.transpose`); a view.
 *
 * @example
 * lt.zeros([2, 3]).transpose(0, 1).shape; // [3, 2]
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return x;
  const a = normalizeDim(dim0, x.ndim, "transpose");
  const b = normalizeDim(dim1, x.ndim, "transpose");
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, dims);
}

/**
 * The transpose of a matrix (`Tensor.t`); vectors and scalars are returned as they are.
 *
 * @example
 * lt.zeros([2, 3]).t().shape; // [3, 2]
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2)
    throw new ShapeError(
      `t: expects a tensor with <= 2 dims, got ${fmtShape(x.shape)}; use transpose(-2, -1) or .mT`,
    );
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Moves dim `source` to position `destination` (`torch.movedim`); a view.
 *
 * @example
 * lt.zeros([2, 3, 4]).movedim(0, -1).shape; // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim(source, x.ndim, "movedim");
  const d = normalizeDim(destination, x.ndim, "movedim");
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}

/**
 * Broadcasts `x` to `shape` without copying (`Tensor.expand`); -1 keeps a size.
 *
 * @example
 * lt.tensor([1, 2]).expand([3, 2]); // three rows [1, 2]
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const op = "expand";
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(
      `${op}: target ${fmtShape(shape)} has fewer dims than the tensor ${fmtShape(x.shape)}`,
    );
  }
  const outShape = shape.map((d, i) => (i >= lead && d === -1 ? x.shape[i - lead] : d));
  const strides = outShape.map((d, i) => {
    const j = i - lead;
    if (j < 0) {
      if (d < 0 || !Number.isInteger(d))
        throw new ShapeError(
          `${op}: invalid size ${shape[i]} for a new leading dim in ${fmtShape(shape)}`,
        );
      return 0;
    }
    if (x.shape[j] === d) return x.strides[j];
    if (x.shape[j] === 1) return 0;
    throw new ShapeError(
      `${op}: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}: dim ${i} has size ${x.shape[j]}, ` +
        `which must equal ${d} or be 1`,
    );
  });
  if (outShape.every((d, i) => d === x.shape[i - lead]) && lead === 0) return x;
  return recordView(x._view(outShape, strides, x.offset), op, x, (g) => sumTo(g, x.shape));
}

/**
 * Removes size-1 dims: all of them, or only `dim` (`torch.squeeze`).
 *
 * @example
 * lt.zeros([2, 1, 3]).squeeze().shape; // [2, 3]
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims =
    dim === undefined
      ? x.shape.map((_, i) => i)
      : (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, x.ndim, "squeeze"));
  const keep = x.shape.map((s, i) => !(dims.includes(i) && s === 1));
  const out = x._view(
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
  );
  return recordView(out, "squeeze", x, (g) => g.reshape(x.shape));
}

/**
 * Inserts a size-1 dim at `dim` (`torch.unsqueeze`); negative dims count from the end of the result.
 *
 * @example
 * lt.zeros([2, 3]).unsqueeze(1).shape; // [2, 1, 3]
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, "unsqueeze");
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return recordView(x._view(shape, strides, x.offset), "unsqueeze", x, (g) => g.reshape(x.shape));
}

/**
 * Merges dims `startDim..endDim` into one (`torch.flatten`).
 *
 * @example
 * lt.zeros([2, 3, 4]).flatten(1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, "flatten");
  const e = normalizeDim(endDim, x.ndim, "flatten");
  if (s > e) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * Splits dim `dim` into `sizes` (`torch.unflatten`); one size may be -1.
 *
 * @example
 * lt.zeros([2, 12]).unflatten(1, [3, 4]).shape; // [2, 3, 4]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim, "unflatten");
  const inner = inferShape(sizes, x.shape[d], "unflatten", [x.shape[d]]);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/**
 * Puts `g` into zeros of `shape` at the elements `select` picks: the
 * backward of every slicing view. Its own backward applies `select` again,
 * so slicing stays differentiable twice.
 */
function embed(g: Tensor, shape: readonly number[], select: (t: Tensor) => Tensor): Tensor {
  const base = zeros(shape, { dtype: g.dtype, device: g.device });
  runInPlace("copyInto", select(base), [g]);
  return record(base, "sliceBackward", [g], (gg) => [select(gg)]);
}

/** A strided sub-view of x along one dim, recorded with an embedding backward. */
function sliceView(
  x: Tensor,
  op: string,
  d: number,
  start: number,
  length: number,
  step: number,
  keepDim = true,
): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = length;
  strides[d] = x.strides[d] * step;
  if (!keepDim) {
    shape.splice(d, 1);
    strides.splice(d, 1);
  }
  const out = x._view(shape, strides, x.offset + start * x.strides[d]);
  const select = (t: Tensor) => sliceView(t, op, d, start, length, step, keepDim);
  return recordView(out, op, x, (g) => embed(g, x.shape, select));
}

/**
 * Elements `start .. start + length - 1` along `dim`, as a view (`torch.narrow`).
 *
 * @example
 * lt.arange(10).narrow(0, 2, 3); // [2, 3, 4]
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, "narrow");
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (
    !Number.isInteger(s) ||
    !Number.isInteger(length) ||
    s < 0 ||
    length < 0 ||
    s + length > size
  ) {
    throw new IndexError(
      `narrow: start ${start} and length ${length} do not fit dim ${d} of size ${size} (need 0 <= start and start + length <= ${size})`,
    );
  }
  return sliceView(x, "narrow", d, s, length, 1);
}

/**
 * Python slicing `x[..., start:end:step, ...]` along `dim`, as a view
 * (`aten::slice`). Bounds are clamped like Python's; negative values count
 * from the end; `step` must be positive.
 *
 * @example
 * lt.arange(10).slice(0, 1, -1, 3); // [1, 4, 7]
 */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, "slice");
  if (!Number.isInteger(step) || step <= 0) {
    throw new ValueError(
      `slice: step must be a positive integer, got ${step}; use flip() to reverse`,
    );
  }
  const size = x.shape[d];
  const clampIndex = (v: number | undefined, fallback: number) => {
    if (v === undefined || v === null) return fallback;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = clampIndex(start, 0);
  const e = Math.max(clampIndex(end, size), s);
  return sliceView(x, "slice", d, s, Math.ceil((e - s) / step), step);
}

/**
 * The slice at `index` along `dim`, removing that dim (`torch.select`, `x[:, i]`).
 *
 * @example
 * lt.arange(6).reshape([2, 3]).select(1, -1); // [2, 5]
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, "select");
  const size = x.shape[d];
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new IndexError(
      `select: index ${index} is out of range for dim ${d} with size ${size} (valid: ${-size} .. ${size - 1})`,
    );
  }
  return sliceView(x, "select", d, i, 1, 1, false);
}

/**
 * The diagonal `offset` of the dims `dim1`, `dim2`, as a view appended as
 * the last dim (`torch.diagonal`).
 *
 * @example
 * lt.arange(9).reshape([3, 3]).diagonal(); // [0, 4, 8]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const op = "diagonal";
  const a = normalizeDim(dim1, x.ndim, op);
  const b = normalizeDim(dim2, x.ndim, op);
  if (a === b) throw new IndexError(`${op}: dim1 and dim2 must differ, both are ${a}`);
  const length = Math.max(
    0,
    Math.min(x.shape[a] + Math.min(offset, 0), x.shape[b] - Math.max(offset, 0)),
  );
  const start = length === 0 ? 0 : offset >= 0 ? offset * x.strides[b] : -offset * x.strides[a];
  const keep = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  const out = x._view(
    [...keep.map((i) => x.shape[i]), length],
    [...keep.map((i) => x.strides[i]), x.strides[a] + x.strides[b]],
    x.offset + start,
  );
  return recordView(out, op, x, (g) => embed(g, x.shape, (t) => diagonal(t, offset, a, b)));
}

/**
 * An `n x n` matrix of zeros with the vector `x` on diagonal `k`; differentiable.
 *
 * @example
 * diagEmbed(lt.tensor([1, 2]), 2, 0); // [[1, 0], [0, 2]]
 */
export function diagEmbed(x: Tensor, n: number, k: number): Tensor {
  return embed(x, [n, n], (t) => diagonal(t, k));
}

/** A slice for `Tensor.index`: Python's `start:end:step` as an object. */
export interface SliceSpec {
  start?: number;
  end?: number;
  step?: number;
}

/**
 * One entry of `Tensor.index`: an integer (select), a slice (`":"`,
 * `"1:3"`, `"::2"` or `{ start, end, step }`), `null` (new axis), `"..."`
 * (all remaining dims), an int32 tensor (pick these positions) or a bool
 * mask over the next dims (keep the true positions; CPU only).
 */
export type IndexSpec = number | string | SliceSpec | null | Tensor;

function parseSlice(text: string): SliceSpec {
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new ValueError(
      `index: "${text}" is not a slice; write "start:end" or "start:end:step" (parts may be empty)`,
    );
  }
  const num = (p: string | undefined) => {
    if (p === undefined || p.trim() === "") return undefined;
    const v = Number(p);
    if (!Number.isInteger(v))
      throw new ValueError(`index: "${text}" has a non-integer bound "${p}"`);
    return v;
  };
  return { start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
}

/**
 * NumPy/PyTorch indexing, `x[0, 1:3, None, ...]` written
 * `x.index(0, "1:3", null, "...")`. Integers and slices give views; an int32
 * tensor picks positions along its dim (a copy).
 *
 * @example
 * const x = lt.arange(24).reshape([2, 3, 4]);
 * x.index(0, ":", -1);        // x[0, :, -1] -> shape [3]
 * x.index("...", "::2").shape; // [2, 3, 2]
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  const width = (s: IndexSpec) =>
    s === null || s === "..." ? 0 : s instanceof Tensor && s.dtype === "bool" ? s.ndim : 1;
  const consuming = specs.reduce<number>((n, s) => n + width(s), 0);
  const ellipses = specs.filter((s) => s === "...").length;
  if (ellipses > 1) throw new IndexError('index: at most one "..." is allowed');
  if (consuming > x.ndim) {
    throw new IndexError(
      `index: too many indices (${consuming}) for a tensor with ${x.ndim} dims ${fmtShape(x.shape)}`,
    );
  }
  let out = x;
  let dim = 0;
  for (const spec of specs) {
    if (spec === "...") {
      dim += x.ndim - consuming;
    } else if (spec === null) {
      out = unsqueeze(out, dim);
      dim++;
    } else if (typeof spec === "number") {
      out = select(out, dim, spec);
    } else if (spec instanceof Tensor && spec.dtype === "bool") {
      // A mask over the next dims keeps its true positions, flattened into one dim.
      const covered = out.shape.slice(dim, dim + spec.ndim);
      if (covered.some((d, i) => d !== spec.shape[i])) {
        throw new IndexError(
          `index: the mask ${fmtShape(spec.shape)} does not match the indexed dims ${fmtShape(covered)} of ${fmtShape(out.shape)}`,
        );
      }
      const merged = out.reshape([
        ...out.shape.slice(0, dim),
        -1,
        ...out.shape.slice(dim + spec.ndim),
      ]);
      out = merged.indexSelect(dim, nonzero(spec.reshape([-1])).reshape([-1]));
      dim++;
    } else if (spec instanceof Tensor) {
      if (spec.dtype !== "int32") {
        throw new IndexError(
          `index: tensor indices must be int32 or a bool mask, got ${spec.dtype}`,
        );
      }
      const picked = out.indexSelect(dim, spec.reshape([-1]));
      out = picked.reshape([
        ...out.shape.slice(0, dim),
        ...spec.shape,
        ...out.shape.slice(dim + 1),
      ]);
      dim += spec.ndim;
    } else {
      const { start, end, step } = typeof spec === "string" ? parseSlice(spec) : spec;
      out = slice(out, dim, start, end, step ?? 1);
      dim++;
    }
  }
  return out;
}
