import { type TypedArray, typedArray } from "../../dtype.js";
import type { KernelFn, KernelInput } from "../backend.js";
import type { BinaryOp, FillAttrs, UnaryAttrs, UnaryOp } from "../kernels.js";
import { elementOffsets } from "./strided.js";

// Abramowitz & Stegun 7.1.26 has a 1.5e-7 error, near float32's resolution;
// this rational fit (W. J. Cody's erf via erfc for |x| >= 0.5) is used instead.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const num =
      (((0.18577770618460315 * t + 3.1611237438705655) * t + 113.86415415105016) * t +
        377.485237685302) *
        t +
      3209.3775891384694;
    const den =
      (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t +
      2844.236833439171;
    return (x * num) / den;
  }
  const r = 1 - erfcLarge(ax);
  return x < 0 ? -r : r;
}

function erfcLarge(x: number): number {
  if (x > 6) return 0;
  if (x < 4) {
    const num =
      ((((((0.5641884969886701 * x + 8.883149794388377) * x + 66.11919063714163) * x +
        298.6351381974001) *
        x +
        881.952221241769) *
        x +
        1712.0476126340707) *
        x +
        2051.0783778260716) *
        x +
      1230.3393547979972;
    const den =
      ((((((x + 15.744926110709835) * x + 117.6939508913125) * x + 537.1811018620099) * x +
        1621.3895745666903) *
        x +
        3290.7992357334597) *
        x +
        4362.619090143247) *
        x +
      3439.3676741437216;
    return (Math.exp(-x * x) * num) / den;
  }
  const z = 1 / (x * x);
  const num =
    ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z +
      0.12578172611122926) *
      z +
      0.016083785148742275) *
      z +
    0.0006587491615298378;
  const den =
    ((((z + 2.568520192289822) * z + 1.8729528499234673) * z + 0.5279051029514285) * z +
      0.06051834131244132) *
      z +
    0.0023352049762686918;
  return (Math.exp(-x * x) / x) * (0.5641895835477563 - (z * num) / den);
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
