/**
 * The elementwise ops as WGSL expressions, matching the CPU kernels
 * (tensor/backends/cpu/elementwise.ts) case for case: NaN propagation,
 * round-half-even, PyTorch's sign of `remainder`, pow of negative bases.
 *
 * Float ops are written over `f32`; int32 and bool inputs use exact `i32`
 * forms where one exists and otherwise go through f32 and truncate, which is
 * what the CPU does with its float64 arithmetic stored into an Int32Array.
 */

import { type BinaryOp, comparisonOps, type UnaryAttrs, type UnaryOp } from "../kernels.js";
import type { GPUDType } from "./queue.js";
import { valueType } from "./view.js";

/**
 * WGSL helpers the expressions call. WGSL has no erf, expm1, log1p or NaN
 * literal; `tanh` and `exp`-based forms overflow to NaN on some drivers for
 * large |x| (lavapipe among them), hence the guarded versions.
 */
export const MATH_PRELUDE = `
// WGSL rejects NaN and infinity as constants; a var keeps them run-time values.
fn nan_f32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn inf_f32() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn log1p_(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (is_inf(u) && u > 0.0) { return u; }
  return log(u) * x / (u - 1.0);
}
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  return exp(x) - 1.0;
}
fn tanh_(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let c = clamp(x, -15.0, 15.0);
  if (abs(c) < 0.55) {
    let e = expm1_(2.0 * c);
    return e / (e + 2.0);
  }
  let e = exp(2.0 * c);
  return (e - 1.0) / (e + 1.0);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
// The CPU backend's erf: Maclaurin series near 0, Numerical Recipes' erfc fit elsewhere.
fn erf_(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 12; n++) {
      term *= -x2 / f32(n);
      sum += term / f32(2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let erfc = t * exp(-z * z + poly);
  return select(erfc - 1.0, 1.0 - erfc, x >= 0.0);
}
fn sign_(x: f32) -> f32 {
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  if (x == 0.0) { return 0.0; }
  return x;
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  if (a == 0.0) { return select(0.0, inf_f32(), b < 0.0); }
  let m = exp2(b * log2(abs(a)));
  if (a < 0.0) {
    if (b != trunc(b)) { return nan_f32(); }
    return select(m, -m, fract(b * 0.5) != 0.0);
  }
  return m;
}
fn remainder_f(a: f32, b: f32) -> f32 {
  let r = a - b * trunc(a / b);
  return select(r, r + b, r != 0.0 && ((r < 0.0) != (b < 0.0)));
}
// Integer power by squaring (exact where float32 is not); negative powers as the CPU truncates them.
fn pow_i(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var result = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { result *= base; }
    base *= base;
    e = e >> 1u;
  }
  return result;
}
fn remainder_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}
// atan2(0, 0) is undefined in WGSL; C and JavaScript give +-0 or +-pi by the signs.
fn atan2_(y: f32, x: f32) -> f32 {
  if (y == 0.0 && x == 0.0) {
    let x_negative = (bitcast<u32>(x) & 0x80000000u) != 0u;
    return select(y, select(3.141592653589793, -3.141592653589793, (bitcast<u32>(y) & 0x80000000u) != 0u), x_negative);
  }
  return atan2(y, x);
}
fn maximum_f(a: f32, b: f32) -> f32 { return select(max(a, b), nan_f32(), is_nan(a) || is_nan(b)); }
fn minimum_f(a: f32, b: f32) -> f32 { return select(min(a, b), nan_f32(), is_nan(a) || is_nan(b)); }
`;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** An f32 expression of `v` for each unary op; s0, s1 are the op's scalars. */
const unaryF32: Record<UnaryOp, (v: string) => string> = {
  neg: (v) => `-${v}`,
  abs: (v) => `abs(${v})`,
  exp: (v) => `exp(${v})`,
  expm1: (v) => `expm1_(${v})`,
  log: (v) => `log(${v})`,
  log1p: (v) => `log1p_(${v})`,
  sqrt: (v) => `sqrt(${v})`,
  rsqrt: (v) => `(1.0 / sqrt(${v}))`,
  reciprocal: (v) => `(1.0 / ${v})`,
  sin: (v) => `sin(${v})`,
  cos: (v) => `cos(${v})`,
  tan: (v) => `tan(${v})`,
  tanh: (v) => `tanh_(${v})`,
  erf: (v) => `erf_(${v})`,
  sigmoid: (v) => `sigmoid_(${v})`,
  relu: (v) => `select(0.0, ${v}, ${v} > 0.0 || is_nan(${v}))`,
  sign: (v) => `sign_(${v})`,
  // WGSL's round() already rounds halves to even, like PyTorch.
  round: (v) => `round(${v})`,
  floor: (v) => `floor(${v})`,
  ceil: (v) => `ceil(${v})`,
  trunc: (v) => `trunc(${v})`,
  logicalNot: (v) => `(${v} == 0.0)`,
  isnan: (v) => `is_nan(${v})`,
  isinf: (v) => `is_inf(${v})`,
  leakyRelu: (v) => `select(s0 * ${v}, ${v}, ${v} > 0.0)`,
  elu: (v) => `select(s0 * expm1_(${v}), ${v}, ${v} > 0.0)`,
  gelu: (v) => `(0.5 * ${v} * (1.0 + erf_(${v} * 0.7071067811865476)))`,
  silu: (v) => `(${v} * sigmoid_(${v}))`,
  softplus: (v) => `select(log1p_(exp(s0 * ${v})) / s0, ${v}, ${v} * s0 > s1)`,
  clamp: (v) => `select(min(max(${v}, s0), s1), ${v}, is_nan(${v}))`,
};

const geluTanh = (v: string) =>
  `(0.5 * ${v} * (1.0 + tanh_(${SQRT_2_OVER_PI} * (${v} + 0.044715 * ${v} * ${v} * ${v}))))`;

/** Unary ops with an exact i32 form (others go through f32). */
const unaryI32: Partial<Record<UnaryOp, (v: string) => string>> = {
  neg: (v) => `-${v}`,
  abs: (v) => `abs(${v})`,
  relu: (v) => `max(${v}, 0)`,
  sign: (v) => `sign(${v})`,
  round: (v) => v,
  floor: (v) => v,
  ceil: (v) => v,
  trunc: (v) => v,
  logicalNot: (v) => `(${v} == 0)`,
  isnan: () => "false",
  isinf: () => "false",
  clamp: (v) => `min(max(${v}, n0), n1)`,
};

/** The scalars (s0, s1) a unary op reads from its attrs, with PyTorch's defaults. */
export function unaryScalars(op: UnaryOp, attrs: UnaryAttrs = {}): number[] {
  switch (op) {
    case "leakyRelu":
      return [attrs.alpha ?? 0.01];
    case "elu":
      return [attrs.alpha ?? 1];
    case "softplus":
      return [attrs.beta ?? 1, attrs.threshold ?? 20];
    case "clamp":
      return [attrs.min ?? Number.NEGATIVE_INFINITY, attrs.max ?? Number.POSITIVE_INFINITY];
    default:
      return [];
  }
}

/**
 * The integer bounds (n0, n1) of clamp on an integer tensor: the CPU clamps
 * in float64 and truncates when storing, which is clamping to the truncated
 * bounds; infinite bounds become the int32 range.
 */
export function unaryInts(op: UnaryOp, dtype: GPUDType, attrs: UnaryAttrs = {}): number[] {
  if (op !== "clamp" || dtype === "float32") return [];
  const bound = (v: number) => Math.trunc(Math.min(Math.max(v, -(2 ** 31)), 2 ** 31 - 1));
  return [
    bound(attrs.min ?? Number.NEGATIVE_INFINITY),
    bound(attrs.max ?? Number.POSITIVE_INFINITY),
  ];
}

/** An input's value in the arithmetic domain of its dtype (bool counts as i32). */
function numeric(dtype: GPUDType, v: string): string {
  return dtype === "bool" ? `select(0i, 1i, ${v})` : v;
}

/** Converts a value of WGSL type `from` (f32/i32/bool) to the dtype `to`. */
function convert(from: "f32" | "i32" | "bool", to: GPUDType, e: string): string {
  const target = valueType(to);
  if (from === target) return e;
  if (target === "bool") return from === "f32" ? `(${e} != 0.0)` : `(${e} != 0)`;
  if (from === "bool") return `select(${target}(0), ${target}(1), ${e})`;
  return `${target}(${e})`;
}

/** Unary ops whose expression is a bool (the rest stay in their domain). */
const boolUnary: ReadonlySet<UnaryOp> = new Set(["logicalNot", "isnan", "isinf"]);
const boolBinary: ReadonlySet<BinaryOp> = new Set(comparisonOps);

/**
 * The WGSL expression of unary `op` on `x0` of dtype `dtype`, producing dtype `out`.
 *
 * @example
 * unaryExpr("relu", "float32", "float32"); // "select(0.0, x0, x0 > 0.0)"
 */
export function unaryExpr(
  op: UnaryOp,
  dtype: GPUDType,
  out: GPUDType,
  attrs: UnaryAttrs = {},
): string {
  const floatForm = op === "gelu" && attrs.approximate === "tanh" ? geluTanh : unaryF32[op];
  if (dtype !== "float32" && unaryI32[op]) {
    const e = unaryI32[op]!(numeric(dtype, "x0"));
    return convert(boolUnary.has(op) ? "bool" : "i32", out, e);
  }
  const v = dtype === "float32" ? "x0" : `f32(${numeric(dtype, "x0")})`;
  const e = floatForm(v);
  return convert(boolUnary.has(op) ? "bool" : "f32", out, e);
}

const binaryF32: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `pow_(${a}, ${b})`,
  maximum: (a, b) => `maximum_f(${a}, ${b})`,
  minimum: (a, b) => `minimum_f(${a}, ${b})`,
  remainder: (a, b) => `remainder_f(${a}, ${b})`,
  atan2: (a, b) => `atan2_(${a}, ${b})`,
  eq: (a, b) => `(${a} == ${b})`,
  ne: (a, b) => `(${a} != ${b})`,
  lt: (a, b) => `(${a} < ${b})`,
  le: (a, b) => `(${a} <= ${b})`,
  gt: (a, b) => `(${a} > ${b})`,
  ge: (a, b) => `(${a} >= ${b})`,
  logicalAnd: (a, b) => `((${a} != 0.0) && (${b} != 0.0))`,
  logicalOr: (a, b) => `((${a} != 0.0) || (${b} != 0.0))`,
  logicalXor: (a, b) => `((${a} != 0.0) != (${b} != 0.0))`,
};

const binaryI32: Partial<Record<BinaryOp, (a: string, b: string) => string>> = {
  pow: (a, b) => `pow_i(${a}, ${b})`,
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
  remainder: (a, b) => `remainder_i(${a}, ${b})`,
  eq: (a, b) => `(${a} == ${b})`,
  ne: (a, b) => `(${a} != ${b})`,
  lt: (a, b) => `(${a} < ${b})`,
  le: (a, b) => `(${a} <= ${b})`,
  gt: (a, b) => `(${a} > ${b})`,
  ge: (a, b) => `(${a} >= ${b})`,
  logicalAnd: (a, b) => `((${a} != 0) && (${b} != 0))`,
  logicalOr: (a, b) => `((${a} != 0) || (${b} != 0))`,
  logicalXor: (a, b) => `((${a} != 0) != (${b} != 0))`,
};

/**
 * The WGSL expression of binary `op` on `x0`, `x1` (both of `dtype`), producing `out`.
 *
 * @example
 * binaryExpr("add", "int32", "int32"); // "(x0 + x1)"
 */
export function binaryExpr(op: BinaryOp, dtype: GPUDType, out: GPUDType): string {
  if (dtype !== "float32" && binaryI32[op]) {
    const e = binaryI32[op]!(numeric(dtype, "x0"), numeric(dtype, "x1"));
    return convert(boolBinary.has(op) ? "bool" : "i32", out, e);
  }
  const wrap = (v: string) => (dtype === "float32" ? v : `f32(${numeric(dtype, v)})`);
  const e = binaryF32[op](wrap("x0"), wrap("x1"));
  return convert(boolBinary.has(op) ? "bool" : "f32", out, e);
}
