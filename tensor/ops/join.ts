import { isGradEnabled, noGrad } from "../autograd/mode.js";
import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { promoteTypes } from "../dtype.js";
import { ShapeError, ValueError } from "../errors.js";
import { fmtShape, normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { zeros } from "./creation.js";

/**
 * Joins tensors along an existing dim (`torch.cat`); all other dims must
 * match. 1-D empty tensors are skipped, as in PyTorch.
 *
 * @example
 * lt.cat([lt.zeros([2, 3]), lt.ones([1, 3])]).shape; // [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const op = "cat";
  if (tensors.length === 0) throw new ValueError(`${op}: expected a non-empty list of tensors`);
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return tensors[0];
  const ref = parts[0];
  if (ref.ndim === 0)
    throw new ShapeError(`${op}: zero-dimensional tensors cannot be concatenated; use lt.stack`);
  const d = normalizeDim(dim, ref.ndim, op);
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, j) => j !== d && s !== ref.shape[j])) {
      throw new ShapeError(
        `${op}: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(ref.shape)}; ` +
          `sizes must match except in dim ${d}`,
      );
    }
  });
  const dtype = parts.map((t) => t.dtype).reduce(promoteTypes);
  const inputs = parts.map((t) => t.cast(dtype));
  const shape = [...ref.shape];
  shape[d] = inputs.reduce((s, t) => s + t.shape[d], 0);
  const out = runKernel(op, inputs, shape, dtype, { dim: d });
  return record(out, op, inputs, (g) => {
    let start = 0;
    return inputs.map((t) => {
      const piece = t.requiresGrad ? g.narrow(d, start, t.shape[d]) : null;
      start += t.shape[d];
      return piece;
    });
  });
}

/**
 * Joins same-shaped tensors along a new dim (`torch.stack`).
 *
 * @example
 * lt.stack([lt.zeros([3]), lt.ones([3])], 1).shape; // [3, 2]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const op = "stack";
  if (tensors.length === 0) throw new ValueError(`${op}: expected a non-empty list of tensors`);
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, j) => s !== ref.shape[j])) {
      throw new ShapeError(
        `${op}: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(ref.shape)}; all must match`,
      );
    }
  });
  const d = normalizeDim(dim, ref.ndim + 1, op);
  return cat(
    tensors.map((t) => t.unsqueeze(d)),
    d,
  );
}

/**
 * Splits into pieces of `size` along `dim` (the last may be smaller), or
 * into pieces of the listed sizes (`torch.split`); views.
 *
 * @example
 * lt.arange(5).split(2).map((t) => t.shape); // [[2], [2], [1]]
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const op = "split";
  const d = normalizeDim(dim, x.ndim, op);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) {
      throw new ValueError(`${op}: split size must be a positive integer, got ${sizeOrSections}`);
    }
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError(
        `${op}: sizes [${sizes}] sum to ${total}, but dim ${d} has size ${n}; they must add up to it`,
      );
    }
  }
  let start = 0;
  const starts = sizes.map((s) => {
    start += s;
    return start - s;
  });
  return piecesOf(x, op, d, sizes, (i) => x.narrow(d, starts[i], sizes[i]), true);
}

/**
 * Splits into `chunks` nearly equal pieces along `dim` (`torch.chunk`); views.
 *
 * @example
 * lt.arange(6).chunk(3).length; // 3
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  }
  const d = normalizeDim(dim, x.ndim, "chunk");
  return split(x, Math.max(Math.ceil(x.shape[d] / chunks), 1), d);
}

/**
 * The slices along `dim`, with that dim removed (`torch.unbind`); views.
 *
 * @example
 * lt.eye(3).unbind(0).length; // 3
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "unbind");
  const sizes = new Array<number>(x.shape[d]).fill(1);
  return piecesOf(x, "unbind", d, sizes, (i) => x.select(d, i), false);
}

/**
 * Views of `x` along dim `d` (made by `view(i)`, of `sizes[i]` slices each)
 * whose backward joins the pieces' gradients into x's with ONE cat (or
 * stack when `keepDim` is false), zeros only for pieces that got none.
 * Recording every piece as its own slice of x would instead embed each
 * gradient into a zero tensor of x's full size and add them all: quadratic
 * in the number of pieces (an RNN unbinding its time steps).
 *
 * The pieces are recorded as outputs of a scalar "gather" tensor that is
 * recorded from x: the topological order of the backward runs every
 * piece's backward (which keeps its gradient and passes a zero to the
 * gather) before the gather's backward, which joins what was kept. The
 * join is written with public ops, so double backward works.
 */
function piecesOf(
  x: Tensor,
  op: string,
  d: number,
  sizes: readonly number[],
  view: (i: number) => Tensor,
  keepDim: boolean,
): Tensor[] {
  const pieces = noGrad(() => sizes.map((_, i) => view(i)));
  if (!isGradEnabled() || !x.requiresGrad) return pieces;
  const opts = { dtype: x.dtype, device: x.device };
  const kept: (Tensor | null)[] = new Array(pieces.length).fill(null);
  const zero = zeros([], opts);
  const gather = record(zeros([], opts), `${op}Gather`, [x], () => {
    const grads = kept.map((g, i) => g ?? zeros(pieces[i].shape, opts));
    kept.fill(null);
    return [keepDim ? cat(grads, d) : stack(grads, d)];
  });
  return pieces.map((piece, i) =>
    record(piece, op, [gather], (g) => {
      kept[i] = g;
      return [zero];
    }),
  );
}
