/**
 * The built-in kernels: the op names every backend implements and the attrs
 * each receives. The frontend (tensor/ops) has validated the inputs,
 * promoted them to one dtype and broadcast them (expanded dims have stride
 * 0), so a kernel only computes. Every kernel returns a new contiguous
 * storage of `out.shape`/`out.dtype`, except `copyInto`, which writes into
 * its first input and returns that storage.
 *
 * | kernel | inputs | attrs | out |
 * |---|---|---|---|
 * | unary ops (`unaryOps`) | x | `UnaryAttrs` | same shape; dtype of x (`logicalNot`: bool) |
 * | `cast` | x | — | x converted to `out.dtype` (bool: x != 0; int32: truncates) |
 * | `contiguous` | x | — | a row-major copy of the view |
 * | binary ops (`binaryOps`) | a, b (same shape, same dtype) | — | same shape; comparison and logical ops give bool |
 * | `where` | cond (bool), a, b (same shape; a, b same dtype) | — | cond ? a : b |
 * | `fill` | — | `{ value }` | every element `value` |
 * | `copyInto` | dst, src (same shape) | — | writes src into dst's view; returns dst's storage |
 * | reductions (`reduceOps`) | x | `{ dims }` (sorted, >= 0) | x's shape without `dims`; `argmax`/`argmin` give int32 row-major positions within the reduced dims, `all`/`any` take and give bool |
 * | `cumsum`, `cumprod` | x | `{ dim }` | same shape |
 * | `softmax`, `logSoftmax` | x (float32) | `{ dim }` | same shape, max-subtracted for stability |
 * | `matmul` | a `[...batch, m, k]`, b `[...batch, k, n]` (same batch shape) | — | `[...batch, m, n]` |
 * | `gather` | x, index (int32, same rank) | `{ dim }` | index's shape: `x[..., index[i], ...]` along dim |
 * | `scatter` | x, index (int32), src | `{ dim, reduce: "none" \| "add" }` | a copy of x with src written (or added) at index along dim |
 * | `indexSelect` | x, index (1-D int32) | `{ dim }` | x with dim replaced by index's length |
 * | `indexAdd` | x, index (1-D int32), src | `{ dim }` | a copy of x with src's slices added at index along dim |
 * | `cat` | any number of tensors (same dtype) | `{ dim }` | joined along dim |
 * | `flip` | x | `{ dims }` | x reversed along dims |
 * | `argsort` | x | `{ dim, descending }` | int32 positions that sort each line along dim (stable; NaN largest) |
 *
 * Deep-learning primitives (attrs types and reference kernels in
 * `backends/cpu/{conv,pool,unfold,interpolate,normalization}.ts`; spatial
 * attrs always cover three dims, 1-d/2-d ops pass size-1 leading dims):
 *
 * | kernel | inputs | attrs | out |
 * |---|---|---|---|
 * | `conv` | x `[N, C_in, ...in]`, w `[C_out, C_in/groups, ...k]`, optional bias `[C_out]` | `ConvGeometry` | `[N, C_out, ...outSize]` |
 * | `convBackwardInput` | gradOut, w | `ConvGeometry` | `[N, C_in, ...inSize]` (also the transposed conv) |
 * | `convBackwardWeight` | x, gradOut | `ConvGeometry` | w's shape |
 * | `maxPoolIndices` | x (planes of inSize) | `PoolAttrs` | int32 flat position of each window's max within its plane |
 * | `maxPoolBackward` | gradOut (or unpooled values), indices (int32) | `MaxPoolBackwardAttrs` | added at the indexed positions of each plane (optional: the frontend falls back to `scatter`) |
 * | `avgPool`, `avgPoolBackward` | x / gradOut | `PoolAttrs` (with `divisor`) | window averages / their adjoint |
 * | `unfold`, `fold` | x / columns | `UnfoldAttrs` | im2col `[N, C*K, L]` / col2im (sums overlaps) |
 * | `interpolate`, `interpolateBackward` | x / gradOut | `InterpolateAttrs` (per-axis index/weight tables) | resampled / adjoint |
 * | `moments` | x as `[outer, channels, inner]` | `NormalizeAttrs` | `[2, channels]`: mean, biased variance |
 * | `normalize` | x, moments | `NormalizeAttrs` | `(x - mean) / sqrt(var + eps)` |
 * | `normalizeBackward` | gradOut, x, moments | `NormalizeAttrs` | gradient of `normalize` w.r.t. x (batch statistics) |
 */

/** Elementwise ops with one input. */
export const unaryOps = [
  "neg",
  "abs",
  "exp",
  "expm1",
  "log",
  "log1p",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tan",
  "tanh",
  "erf",
  "sigmoid",
  "relu",
  "sign",
  "round",
  "floor",
  "ceil",
  "trunc",
  "logicalNot",
  "isnan",
  "isinf",
  "leakyRelu",
  "elu",
  "gelu",
  "silu",
  "softplus",
  "clamp",
] as const;
export type UnaryOp = (typeof unaryOps)[number];

/**
 * Parameters of the unary ops that have them: `leakyRelu` (`alpha` = negative
 * slope), `elu` (`alpha`), `gelu` (`approximate`), `softplus` (`beta`,
 * `threshold`), `clamp` (`min`, `max`, each may be absent = unbounded).
 */
export interface UnaryAttrs {
  alpha?: number;
  approximate?: "none" | "tanh";
  beta?: number;
  threshold?: number;
  min?: number;
  max?: number;
}

/** Elementwise ops with two inputs of the same shape and dtype. */
export const binaryOps = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "remainder",
  "atan2",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
] as const;
export type BinaryOp = (typeof binaryOps)[number];

/** Binary ops whose output is bool whatever the input dtype. */
export const comparisonOps: readonly BinaryOp[] = [
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
];

/** Reductions over a set of dims. */
export const reduceOps = ["sum", "prod", "max", "min", "argmax", "argmin", "all", "any"] as const;
export type ReduceOp = (typeof reduceOps)[number];

export interface ReduceAttrs {
  dims: number[];
}
export interface DimAttrs {
  dim: number;
}
export interface FillAttrs {
  value: number;
}
export interface ScatterAttrs {
  dim: number;
  reduce: "none" | "add";
}
export interface FlipAttrs {
  dims: number[];
}
export interface SortAttrs {
  dim: number;
  descending: boolean;
}
