import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { DTypeError, IndexError, ShapeError } from "../errors.js";
import { fmtShape, normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import {
  broadcastOperands,
  broadcastView,
  promotedDType,
  sumTo,
  type TensorLike,
  toOperands,
} from "./broadcast.js";
import { zeros } from "./creation.js";

/**
 * `a` where `cond` is true, else `b`, broadcasting all three (`torch.where`).
 *
 * @example
 * const x = lt.tensor([-1, 2, -3]);
 * lt.where(x.gt(0), x, 0); // [0, 2, 0]
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const op = "where";
  if (cond.dtype !== "bool") {
    throw new DTypeError(
      `${op}: condition must be a bool tensor, got ${cond.dtype}; compare first (x.gt(0)) or use cond.bool()`,
    );
  }
  const dtype = promotedDType(op, [a, b]);
  const [x, y] = toOperands(op, [a, b], dtype, cond.device);
  const shape = broadcastOperands(op, [cond, x, y]);
  const out = runKernel(
    op,
    [broadcastView(cond, shape), broadcastView(x, shape), broadcastView(y, shape)],
    shape,
    dtype,
  );
  return record(
    out,
    op,
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(where(cond, g, 0), x.shape) : null,
      y.requiresGrad ? sumTo(where(cond, 0, g), y.shape) : null,
    ],
    [cond],
  );
}

/**
 * `x` with `value` where `mask` is true; mask broadcasts to x's shape (`Tensor.masked_fill`).
 *
 * @example
 * lt.zeros([2, 2]).maskedFill(lt.eye(2).bool(), 5); // [[5, 0], [0, 5]]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  const op = "maskedFill";
  if (mask.dtype !== "bool") {
    throw new DTypeError(`${op}: mask must be a bool tensor, got ${mask.dtype}; use mask.bool()`);
  }
  const shape = broadcastOperands(op, [x, mask]);
  if (shape.length !== x.ndim || shape.some((d, i) => d !== x.shape[i])) {
    throw new ShapeError(
      `${op}: mask ${fmtShape(mask.shape)} must broadcast to the tensor's shape ${fmtShape(x.shape)}`,
    );
  }
  if (typeof value === "object" && value.ndim !== 0) {
    throw new ShapeError(
      `${op}: value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`,
    );
  }
  const v = typeof value === "object" ? value.cast(x.dtype) : value;
  return where(mask, v, x).cast(x.dtype);
}

function checkIndexTensor(op: string, index: Tensor): void {
  if (index.dtype !== "int32") {
    throw new DTypeError(
      `${op}: index must be an int32 tensor, got ${index.dtype}; use index.int()`,
    );
  }
}

/** On the CPU, checks every index against `size` (on other devices the kernel clamps nothing: indices must be valid). */
function checkIndexRange(op: string, index: Tensor, size: number, dim: number): void {
  if (index.device !== "cpu" || index.numel() === 0) return;
  const values = index.contiguous().dataSync();
  for (const v of values) {
    if (v < 0 || v >= size) {
      throw new IndexError(
        `${op}: index ${v} is out of range for dim ${dim} with size ${size}; indices must be in [0, ${size})`,
      );
    }
  }
}

/**
 * Picks values along `dim` at `index` (`torch.gather`):
 * `out[i][j] = x[i][index[i][j]]` for dim 1.
 *
 * @example
 * const x = lt.tensor([[1, 2], [3, 4]]);
 * x.gather(1, lt.tensor([[1], [0]], { dtype: "int32" })); // [[2], [3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const op = "gather";
  checkIndexTensor(op, index);
  const d = normalizeDim(dim, x.ndim, op);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new ShapeError(
      `${op}: index ${fmtShape(index.shape)} must have the rank of the input ${fmtShape(x.shape)} and ` +
        `sizes no larger than it outside dim ${d}`,
    );
  }
  checkIndexRange(op, index, x.shape[d], d);
  const out = runKernel(op, [x, index], index.shape, x.dtype, { dim: d });
  return record(out, op, [x], (g) => [
    zeros(x.shape, { dtype: g.dtype, device: g.device }).scatterAdd(d, index, g),
  ]);
}

function scatterImpl(
  op: "scatter" | "scatterAdd",
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number,
): Tensor {
  checkIndexTensor(op, index);
  const d = normalizeDim(dim, x.ndim, op);
  const s =
    typeof src === "number"
      ? zeros(index.shape, { dtype: x.dtype, device: x.device }).add(src)
      : src.cast(x.dtype);
  if (
    index.ndim !== x.ndim ||
    s.ndim !== x.ndim ||
    index.shape.some((n, i) => n > s.shape[i] || (i !== d && n > x.shape[i]))
  ) {
    throw new ShapeError(
      `${op}: index ${fmtShape(index.shape)} must have the rank of self ${fmtShape(x.shape)} and src ` +
        `${fmtShape(s.shape)}, no larger than src, and no larger than self outside dim ${d}`,
    );
  }
  checkIndexRange(op, index, x.shape[d], d);
  const reduce = op === "scatterAdd" ? "add" : "none";
  const out = runKernel("scatter", [x, index, s], x.shape, x.dtype, { dim: d, reduce });
  return record(out, op, [x, s], (g) => [
    x.requiresGrad ? (reduce === "add" ? g : g.scatter(d, index, 0)) : null,
    s.requiresGrad ? g.gather(d, index) : null,
  ]);
}

/**
 * A copy of `x` with `src` written at `index` along `dim` (`Tensor.scatter`):
 * `out[i][index[i][j]] = src[i][j]` for dim 1.
 *
 * @example
 * lt.zeros([2, 3]).scatter(1, lt.tensor([[0], [2]], { dtype: "int32" }), 1); // one-hot rows
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  return scatterImpl("scatter", x, dim, index, src);
}

/**
 * A copy of `x` with `src` added at `index` along `dim`; repeated indices
 * accumulate (`Tensor.scatter_add`).
 *
 * @example
 * lt.zeros([3]).scatterAdd(0, lt.tensor([0, 0, 2], { dtype: "int32" }), lt.ones([3])); // [2, 0, 1]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl("scatterAdd", x, dim, index, src);
}

function checkVectorIndex(op: string, index: Tensor): void {
  checkIndexTensor(op, index);
  if (index.ndim !== 1) {
    throw new ShapeError(
      `${op}: index must be 1-D, got shape ${fmtShape(index.shape)}; flatten it first`,
    );
  }
}

/**
 * The slices of `x` at positions `index` along `dim` (`torch.index_select`).
 *
 * @example
 * lt.arange(6).reshape([3, 2]).indexSelect(0, lt.tensor([2, 0], { dtype: "int32" })); // [[4, 5], [0, 1]]
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const op = "indexSelect";
  checkVectorIndex(op, index);
  const d = normalizeDim(dim, x.ndim, op);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  checkIndexRange(op, index, size, d);
  if (x.ndim === 0) return x.reshape([1]).indexSelect(0, index);
  const shape = [...x.shape];
  shape[d] = index.shape[0];
  const out = runKernel(op, [x, index], shape, x.dtype, { dim: d });
  return record(out, op, [x], (g) => [
    zeros(x.shape, { dtype: g.dtype, device: g.device }).indexAdd(d, index, g),
  ]);
}

/**
 * A copy of `x` with `alpha * src`'s slices added at `index` along `dim`;
 * repeated indices accumulate (`Tensor.index_add`).
 *
 * @example
 * lt.zeros([3, 2]).indexAdd(0, lt.tensor([0, 0], { dtype: "int32" }), lt.ones([2, 2])); // [[2, 2], [0, 0], [0, 0]]
 */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  { alpha = 1 }: { alpha?: number } = {},
): Tensor {
  const op = "indexAdd";
  checkVectorIndex(op, index);
  const d = normalizeDim(dim, x.ndim, op);
  const s = (alpha === 1 ? src : src.mul(alpha)).cast(x.dtype);
  const expected = [...x.shape];
  expected[d] = index.shape[0];
  if (s.ndim !== x.ndim || s.shape.some((n, i) => n !== expected[i])) {
    throw new ShapeError(
      `${op}: source ${fmtShape(s.shape)} must have shape ${fmtShape(expected)} (self ${fmtShape(x.shape)} with dim ${d} of index's length)`,
    );
  }
  checkIndexRange(op, index, x.shape[d], d);
  const out = runKernel(op, [x, index, s], x.shape, x.dtype, { dim: d });
  return record(out, op, [x, s], (g) => [
    x.requiresGrad ? g : null,
    s.requiresGrad ? g.indexSelect(d, index) : null,
  ]);
}
