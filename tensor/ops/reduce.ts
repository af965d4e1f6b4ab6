import { record } from "../autograd/node.js";
import type { ReduceOp } from "../backends/kernels.js";
import { runKernel } from "../dispatch.js";
import { type DType, isFloating } from "../dtype.js";
import { ValueError } from "../errors.js";
import { fmtShape, normalizeDim, normalizeDims } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { zeros } from "./creation.js";
import { requireFloating } from "./elementwise.js";
import { where } from "./indexing.js";

/** `keepdim: true` keeps reduced dims as size 1 (PyTorch's default is false). */
export interface ReduceOptions {
  keepdim?: boolean;
}

/** Dims to reduce: one dim, a list, or undefined for all. */
export type Dims = number | readonly number[] | undefined;

function reducedShape(
  shape: readonly number[],
  dims: readonly number[],
  keepdim: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs a reduction kernel over `dims` (already normalised). */
function reduceKernel(
  op: ReduceOp,
  x: Tensor,
  dims: number[],
  keepdim: boolean,
  dtype: DType,
): Tensor {
  return runKernel(op, [x], reducedShape(x.shape, dims, keepdim), dtype, { dims });
}

/** Reshapes a reduced gradient back to x's rank (size 1 in reduced dims) and expands it. */
function expandBack(g: Tensor, x: Tensor, dims: number[]): Tensor {
  return g.reshape(reducedShape(x.shape, dims, true)).expand(x.shape);
}

function countOf(x: Tensor, dims: number[]): number {
  let n = 1;
  for (const d of dims) n *= x.shape[d];
  return n;
}

/**
 * Sum over `dim` (all dims when omitted) (`torch.sum`). Integer and bool
 * inputs sum to int32.
 *
 * @example
 * const x = lt.tensor([[1, 2], [3, 4]]);
 * x.sum();                        // 10
 * x.sum(1, { keepdim: true });    // [[3], [7]]
 */
export function sum(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim, "sum");
  const dtype = x.dtype === "bool" ? "int32" : x.dtype;
  const out = reduceKernel("sum", x, dims, keepdim, dtype);
  return record(out, "sum", [x], (g) => [expandBack(g, x, dims)]);
}

/**
 * Mean over `dim` (all dims when omitted) (`torch.mean`); floating inputs only.
 *
 * @example
 * lt.tensor([1, 2, 3, 4]).mean(); // 2.5
 */
export function mean(x: Tensor, dim?: Dims, opts: ReduceOptions = {}): Tensor {
  requireFloating("mean", x);
  const dims = normalizeDims(dim, x.ndim, "mean");
  return sum(x, dims, opts).div(countOf(x, dims));
}

/** Options of var/std: `correction` (Bessel's, default 1) or PyTorch's older `unbiased`. */
export interface VarOptions extends ReduceOptions {
  correction?: number;
  unbiased?: boolean;
}

/**
 * Variance over `dim` with `correction` (default 1: unbiased) (`torch.var`).
 *
 * @example
 * lt.tensor([1, 2, 3, 4]).var();                    // 1.6667
 * lt.tensor([1, 2, 3, 4]).var(0, { correction: 0 }); // 1.25
 */
export function variance(
  x: Tensor,
  dim?: Dims,
  { keepdim = false, correction, unbiased }: VarOptions = {},
): Tensor {
  requireFloating("var", x);
  const dims = normalizeDims(dim, x.ndim, "var");
  const c = correction ?? (unbiased === false ? 0 : 1);
  const centered = x.sub(mean(x, dims, { keepdim: true }));
  return sum(centered.mul(centered), dims, { keepdim }).div(Math.max(countOf(x, dims) - c, 0));
}

/**
 * Standard deviation over `dim` with `correction` (default 1) (`torch.std`).
 *
 * @example
 * lt.tensor([1, 2, 3, 4]).std(); // 1.291
 */
export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return variance(x, dim, opts).sqrt();
}

/**
 * Product over `dim` (all dims when omitted) (`torch.prod`).
 *
 * @example
 * lt.tensor([1, 2, 3, 4]).prod(); // 24
 */
export function prod(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  const dims = normalizeDims(dim, x.ndim, "prod");
  const dtype = x.dtype === "bool" ? "int32" : x.dtype;
  const out = reduceKernel("prod", x, dims, keepdim, dtype);
  return record(
    out,
    "prod",
    [x],
    (g) => {
      // d prod / d x_i is the product of the others. out / x_i fails at zeros,
      // so with exactly one zero in a slice that zero gets the product of the
      // rest, and with two or more every gradient in the slice is 0.
      const isZero = x.eq(0);
      const zerosInSlice = sum(isZero, dims, { keepdim: true });
      const nonzeroProd = prod(where(isZero, 1, x), dims, { keepdim: true });
      const full = expandBack(out, x, dims);
      const others = where(
        zerosInSlice.eq(0),
        full.div(where(isZero, 1, x)),
        where(zerosInSlice.eq(1).logicalAnd(isZero), nonzeroProd, 0),
      );
      return [expandBack(g, x, dims).mul(others)];
    },
    [x, out],
  );
}

function requireNonEmpty(op: string, x: Tensor, dims: number[]): void {
  if (countOf(x, dims) === 0 || x.numel() === 0) {
    throw new ValueError(
      `${op}: cannot reduce an empty tensor ${fmtShape(x.shape)} (there is no identity); check its shape`,
    );
  }
}

function extremeOverDims(op: "amax" | "amin", x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = normalizeDims(dim, x.ndim, op);
  requireNonEmpty(op, x, dims);
  const out = reduceKernel(op === "amax" ? "max" : "min", x, dims, keepdim, x.dtype);
  return record(
    out,
    op,
    [x],
    (g) => {
      // PyTorch spreads the gradient evenly over tied extremes.
      const hit = x.eq(expandBack(out, x, dims)).cast(g.dtype);
      return [
        expandBack(g, x, dims)
          .mul(hit)
          .div(sum(hit, dims, { keepdim: true })),
      ];
    },
    [x, out],
  );
}

/**
 * Maximum over `dim` (all dims when omitted), without indices (`torch.amax`).
 *
 * @example
 * lt.tensor([[1, 5], [7, 2]]).amax(1); // [5, 7]
 */
export function amax(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  return extremeOverDims("amax", x, dim, keepdim);
}

/** Minimum over `dim` (all dims when omitted), without indices (`torch.amin`). */
export function amin(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  return extremeOverDims("amin", x, dim, keepdim);
}

/** Values and their positions along the reduced dim (PyTorch's `(values, indices)`). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function extremeAlongDim(
  op: "max" | "min",
  x: Tensor,
  dim: number,
  keepdim: boolean,
): ValuesIndices {
  const d = normalizeDim(dim, x.ndim, op);
  const dims = x.ndim === 0 ? [] : [d];
  requireNonEmpty(op, x, dims);
  const indices = reduceKernel(op === "max" ? "argmax" : "argmin", x, dims, keepdim, "int32");
  const values = reduceKernel(op, x, dims, keepdim, x.dtype);
  const keptIndices = keepdim || x.ndim === 0 ? indices : indices.unsqueeze(d);
  record(values, op, [x], (g) => {
    if (x.ndim === 0) return [g];
    const gk = keepdim ? g : g.unsqueeze(d);
    return [zeros(x.shape, { dtype: g.dtype, device: g.device }).scatter(d, keptIndices, gk)];
  });
  return { values, indices };
}

/**
 * The maximum of all elements, or with `dim` the maxima and their indices
 * along it (`torch.max`). Use `lt.maximum` for the elementwise maximum of two tensors.
 *
 * @example
 * const x = lt.tensor([[1, 5], [7, 2]]);
 * x.max();                        // 7
 * const { values, indices } = x.max(1); // [5, 7], [1, 0]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function max(
  x: Tensor,
  dim?: number,
  { keepdim = false }: ReduceOptions = {},
): Tensor | ValuesIndices {
  return dim === undefined ? amax(x) : extremeAlongDim("max", x, dim, keepdim);
}

/**
 * The minimum of all elements, or with `dim` the minima and their indices (`torch.min`).
 *
 * @example
 * lt.tensor([3, 1, 2]).min(); // 1
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function min(
  x: Tensor,
  dim?: number,
  { keepdim = false }: ReduceOptions = {},
): Tensor | ValuesIndices {
  return dim === undefined ? amin(x) : extremeAlongDim("min", x, dim, keepdim);
}

function argExtreme(
  op: "argmax" | "argmin",
  x: Tensor,
  dim: number | undefined,
  keepdim: boolean,
): Tensor {
  if (dim === undefined) {
    const flat = x.reshape([-1]);
    requireNonEmpty(op, flat, [0]);
    const out = reduceKernel(op, flat, [0], false, "int32");
    return keepdim ? out.reshape(x.shape.map(() => 1)) : out;
  }
  const d = normalizeDim(dim, x.ndim, op);
  const dims = x.ndim === 0 ? [] : [d];
  requireNonEmpty(op, x, dims);
  return reduceKernel(op, x, dims, keepdim, "int32");
}

/**
 * Index of the maximum along `dim`, or of the flattened tensor (`torch.argmax`).
 *
 * @example
 * lt.tensor([[1, 5], [7, 2]]).argmax(1); // [1, 0]
 */
export function argmax(x: Tensor, dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor {
  return argExtreme("argmax", x, dim, keepdim);
}

/** Index of the minimum along `dim`, or of the flattened tensor (`torch.argmin`). */
export function argmin(x: Tensor, dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor {
  return argExtreme("argmin", x, dim, keepdim);
}

/**
 * True where every element over `dim` is non-zero (`torch.all`).
 *
 * @example
 * lt.tensor([true, false]).all(); // false
 */
export function all(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  return reduceKernel("all", x, normalizeDims(dim, x.ndim, "all"), keepdim, "bool");
}

/**
 * True where any element over `dim` is non-zero (`torch.any`).
 *
 * @example
 * lt.tensor([0, 0, 3]).any(); // true
 */
export function any(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  return reduceKernel("any", x, normalizeDims(dim, x.ndim, "any"), keepdim, "bool");
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably by subtracting the maximum (`torch.logsumexp`).
 *
 * @example
 * lt.tensor([1000, 1000]).logsumexp(0); // 1000.6931
 */
export function logsumexp(x: Tensor, dim?: Dims, { keepdim = false }: ReduceOptions = {}): Tensor {
  const xf = isFloating(x.dtype) ? x : x.float();
  const dims = normalizeDims(dim, xf.ndim, "logsumexp");
  if (xf.numel() === 0) return sum(xf, dims, { keepdim }).log();
  const m = amax(xf.detach(), dims, { keepdim: true });
  // All -inf (or inf) rows: shift by 0 so the result is -inf (inf) instead of NaN.
  const shift = where(m.isinf(), 0, m);
  const out = sum(xf.sub(shift).exp(), dims, { keepdim: true }).log().add(shift);
  return keepdim ? out : out.reshape(reducedShape(xf.shape, dims, false));
}

function scan(op: "cumsum" | "cumprod", x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim, op);
  const input = x.dtype === "bool" ? x.int() : x;
  if (input.ndim === 0) return input.clone();
  return runKernel(op, [input], input.shape, input.dtype, { dim: d });
}

/**
 * Cumulative sum along `dim` (`torch.cumsum`).
 *
 * @example
 * lt.tensor([1, 2, 3]).cumsum(0); // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const out = scan("cumsum", x, dim);
  if (x.ndim === 0) return out;
  const d = normalizeDim(dim, x.ndim, "cumsum");
  return record(out, "cumsum", [x], (g) => [g.flip([d]).cumsum(d).flip([d])]);
}

/**
 * Cumulative product along `dim` (`torch.cumprod`).
 *
 * @example
 * lt.tensor([1, 2, 3]).cumprod(0); // [1, 2, 6]
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  const out = scan("cumprod", x, dim);
  if (x.ndim === 0) return out;
  const d = normalizeDim(dim, x.ndim, "cumprod");
  // d out_j / d x_i = out_j / x_i for j >= i; exact when x has no zeros.
  return record(out, "cumprod", [x], (g) => [g.mul(out).flip([d]).cumsum(d).flip([d]).div(x)], [
    x,
    out,
  ]);
}

/** Options of `norm`: `p` (2, 1, Infinity or any positive number) and keepdim. */
export interface NormOptions extends ReduceOptions {
  p?: number;
}

/**
 * The p-norm over `dim` (all elements when omitted) (`torch.linalg.vector_norm`).
 * The gradient at a zero norm is 0, as in PyTorch.
 *
 * @example
 * lt.tensor([3, 4]).norm(); // 5
 */
export function norm(x: Tensor, dim?: Dims, { p = 2, keepdim = false }: NormOptions = {}): Tensor {
  requireFloating("norm", x);
  if (!(p > 0)) throw new ValueError(`norm: p must be > 0, got ${p}`);
  const dims = normalizeDims(dim, x.ndim, "norm");
  if (p === Infinity) return amax(x.abs(), dims, { keepdim });
  if (p === 1) return sum(x.abs(), dims, { keepdim });
  const a = x.detach().abs();
  const out = reduceKernel("sum", p === 2 ? a.mul(a) : a.pow(p), dims, keepdim, x.dtype)
    .pow(1 / p)
    .detach();
  return record(
    out,
    "norm",
    [x],
    (g) => {
      const n = expandBack(keepdim ? out : out.reshape(reducedShape(x.shape, dims, true)), x, dims);
      const scale = p === 2 ? x.div(n) : x.mul(x.abs().pow(p - 2)).div(n.pow(p - 1));
      return [where(n.eq(0), 0, expandBack(g, x, dims).mul(scale))];
    },
    [x, out],
  );
}
