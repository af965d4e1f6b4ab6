import { type TypedArray, typedArray } from "../../dtype.js";
import type { KernelFn, KernelInput } from "../backend.js";
import type { BinaryOp, FillAttrs, UnaryAttrs, UnaryOp } from "../kernels.js";
import { elementOffsets } from "./strided.js";

// erf by its Maclaurin series near 0 (relative accuracy for tiny x) and by
// the Chebyshev fit of erfc from Numerical Recipes (fractional error
// < 1.2e-7) elsewhere; both are below float32 resolution.
function erf(x: number): number {
  if (Math.abs(x) < 0.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 12; n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

// PyTorch rounds halves to the nearest even integer (like numpy.round).
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

const unaryFns: Record<UnaryOp, (a: UnaryAttrs) => (x: number) => number> = {
  neg: () => (x) => -x,
  abs: () => Math.abs,
  exp: () => Math.exp,
  expm1: () => Math.expm1,
  log: () => Math.log,
  log1p: () => Math.log1p,
  sqrt: () => Math.sqrt,
  rsqrt: () => (x) => 1 / Math.sqrt(x),
  reciprocal: () => (x) => 1 / x,
  sin: () => Math.sin,
  cos: () => Math.cos,
  tan: () => Math.tan,
  tanh: () => Math.tanh,
  erf: () => erf,
  sigmoid: () => sigmoid,
  relu: () => (x) => Math.max(x, 0),
  sign: () => (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  round: () => roundHalfEven,
  floor: () => Math.floor,
  ceil: () => Math.ceil,
  trunc: () => Math.trunc,
  logicalNot: () => (x) => (x === 0 ? 1 : 0),
  isnan: () => (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: () => (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  leakyRelu:
    ({ alpha = 0.01 }) =>
    (x) =>
      x > 0 ? x : alpha * x,
  elu:
    ({ alpha = 1 }) =>
    (x) =>
      x > 0 ? x : alpha * Math.expm1(x),
  gelu: ({ approximate = "none" }) =>
    approximate === "tanh"
      ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
      : (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  silu: () => (x) => x * sigmoid(x),
  softplus:
    ({ beta = 1, threshold = 20 }) =>
    (x) =>
      x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta,
  clamp:
    ({ min = -Infinity, max = Infinity }) =>
    (x) =>
      Number.isNaN(x) ? x : Math.min(Math.max(x, min), max),
};

function remainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  remainder,
  atan2: Math.atan2,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
};

function mapUnary(x: KernelInput, out: TypedArray, f: (v: number) => number): void {
  const src = x.storage as TypedArray;
  const offs = elementOffsets(x.shape, x.strides, x.offset);
  const n = out.length;
  if (offs === null) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = f(src[o + i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(src[offs[i]]);
  }
}

function unaryKernel(op: UnaryOp): KernelFn<UnaryAttrs> {
  return ([x], out, attrs) => {
    const result = typedArray(out.dtype, out.size);
    mapUnary(x, result, unaryFns[op](attrs ?? {}));
    return result;
  };
}

function binaryKernel(op: BinaryOp): KernelFn {
  const f = binaryFns[op];
  return ([a, b], out) => {
    const result = typedArray(out.dtype, out.size);
    const da = a.storage as TypedArray;
    const db = b.storage as TypedArray;
    const oa = elementOffsets(a.shape, a.strides, a.offset);
    const ob = elementOffsets(b.shape, b.strides, b.offset);
    const n = out.size;
    if (oa === null && ob === null) {
      const sa = a.offset;
      const sb = b.offset;
      for (let i = 0; i < n; i++) result[i] = f(da[sa + i], db[sb + i]);
    } else {
      for (let i = 0; i < n; i++) {
        result[i] = f(
          da[oa === null ? a.offset + i : oa[i]],
          db[ob === null ? b.offset + i : ob[i]],
        );
      }
    }
    return result;
  };
}

const cast: KernelFn = ([x], out) => {
  const result = typedArray(out.dtype, out.size);
  mapUnary(x, result, out.dtype === "bool" ? (v) => (v !== 0 ? 1 : 0) : (v) => v);
  return result;
};

const contiguous: KernelFn = ([x], out) => {
  const result = typedArray(out.dtype, out.size);
  mapUnary(x, result, (v) => v);
  return result;
};

const where: KernelFn = ([c, a, b], out) => {
  const result = typedArray(out.dtype, out.size);
  const dc = c.storage as TypedArray;
  const da = a.storage as TypedArray;
  const db = b.storage as TypedArray;
  const oc = elementOffsets(c.shape, c.strides, c.offset);
  const oa = elementOffsets(a.shape, a.strides, a.offset);
  const ob = elementOffsets(b.shape, b.strides, b.offset);
  for (let i = 0; i < out.size; i++) {
    const cond = dc[oc === null ? c.offset + i : oc[i]];
    result[i] = cond
      ? da[oa === null ? a.offset + i : oa[i]]
      : db[ob === null ? b.offset + i : ob[i]];
  }
  return result;
};

const fill: KernelFn<FillAttrs> = (_inputs, out, { value }) => {
  const result = typedArray(out.dtype, out.size);
  if (value !== 0) result.fill(value);
  return result;
};

const copyInto: KernelFn = ([dst, src]) => {
  const target = dst.storage as TypedArray;
  const from = src.storage as TypedArray;
  const od = elementOffsets(dst.shape, dst.strides, dst.offset);
  const os = elementOffsets(src.shape, src.strides, src.offset);
  let n = 1;
  for (const d of dst.shape) n *= d;
  // Read everything first: src may overlap dst (x.copy_(x.flip(0)) shares nothing,
  // but x.narrow(0, 1, 2).copy_(x.narrow(0, 0, 2)) does).
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = from[os === null ? src.offset + i : os[i]];
  const toBool = dst.dtype === "bool";
  for (let i = 0; i < n; i++) {
    const v = values[i];
    target[od === null ? dst.offset + i : od[i]] = toBool ? (v !== 0 ? 1 : 0) : v;
  }
  return target;
};

export const kernels: Record<string, KernelFn> = {
  cast,
  contiguous,
  where,
  fill,
  copyInto,
};
for (const op of Object.keys(unaryFns) as UnaryOp[]) kernels[op] = unaryKernel(op);
for (const op of Object.keys(binaryFns) as BinaryOp[]) kernels[op] = binaryKernel(op);
