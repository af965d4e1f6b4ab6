/**
 * Reductions, scans and softmax over any set of dims of a strided view.
 *
 * A view splits into rows (the kept dims, in row-major order) and the
 * elements of each row (the reduced dims, row-major). One workgroup folds one
 * row: each thread folds a strided slice, then the workgroup combines the
 * partial results as a tree in workgroup memory (log2(threads) steps).
 * Softmax runs its three passes (max, sum of exp, write) inside the same
 * workgroup, so a row is read from memory three times but never written in
 * between.
 */

import type { ReduceOp } from "../kernels.js";
import { MATH_PRELUDE } from "./math.js";
import { allocStorage, enqueue, type GPUDType, type WebGPUStorage } from "./queue.js";
import {
  BUILTINS,
  coalesce,
  GROUP_ID,
  type GPUView,
  grid,
  Params,
  pi,
  pu,
  sizeOf,
  storedType,
  unravel,
} from "./view.js";

/** Geometry of `x` split into rows along `dims`, written into `params`. */
interface Rows {
  rows: number;
  rowLength: number;
  outerRank: number;
  innerRank: number;
  outerShapeAt: number;
  outerStridesAt: number;
  innerShapeAt: number;
  innerStridesAt: number;
  offsetAt: number;
}

function splitRows(params: Params, x: GPUView, dims: readonly number[]): Rows {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((size, d) => {
    if (dims.includes(d)) {
      redShape.push(size);
      redStrides.push(x.strides[d]);
    } else {
      keptShape.push(size);
      keptStrides.push(x.strides[d]);
    }
  });
  const outer = coalesce(keptShape, [keptStrides]);
  const inner = coalesce(redShape, [redStrides]);
  const rows = sizeOf(keptShape);
  const rowLength = sizeOf(redShape);
  params.int(rows, rowLength);
  return {
    rows,
    rowLength,
    outerRank: outer.shape.length,
    innerRank: inner.shape.length,
    outerShapeAt: params.int(...outer.shape),
    outerStridesAt: params.int(...outer.strides[0]),
    innerShapeAt: params.int(...inner.shape),
    innerStridesAt: params.int(...inner.strides[0]),
    offsetAt: params.int(x.offset),
  };
}

/** WGSL: `base` (offset of row `row`) and `fn elem(j)` (offset of its j-th element). */
function rowAddressing(g: Rows): string {
  return `
fn row_base(row: u32) -> i32 {
  var base: i32 = ${pi(g.offsetAt)};
  ${unravel("row", g.outerRank, g.outerShapeAt, [g.outerStridesAt], ["base"])}
  return base;
}
fn elem(j: u32) -> i32 {
  var off: i32 = 0;
  ${unravel("j", g.innerRank, g.innerShapeAt, [g.innerStridesAt], ["off"])}
  return off;
}`;
}

/** Elements per chunk when a few long rows are split across workgroups. */
const CHUNK = 4096;

/** Threads per row: a power of two, no more than the row needs (min 32) or 256. */
export function threadsFor(rowLength: number): number {
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(rowLength, 1)))));
}

interface Fold {
  /** WGSL type of the accumulator. */
  acc: "f32" | "i32";
  identity: string;
  /** Combines accumulators `a` and `b` (with indices `ia`, `ib` for arg ops). */
  combine: string;
  /** Output expression from `a` (and `ia`). */
  result: (dtype: GPUDType) => string;
  outDtype: (dtype: GPUDType) => GPUDType;
  /** For arg ops: WGSL bool, true when (b, ib) beats (a, ia). */
  pickB?: string;
  /** Element load as the accumulator type, when not a plain conversion. */
  load?: (e: string, dtype: GPUDType) => string;
}

const truthy = (e: string, dtype: GPUDType) => `select(0, 1, ${e} != ${storedType(dtype)}(0))`;

function numericLoad(dtype: GPUDType, e: string): string {
  return dtype === "bool" ? `i32(${e})` : e;
}

const folds: Record<ReduceOp, (dtype: GPUDType) => Fold> = {
  sum: (dtype) => ({
    acc: dtype === "float32" ? "f32" : "i32",
    identity: dtype === "float32" ? "0.0" : "0",
    combine: "a + b",
    result: () => "a",
    outDtype: (d) => (d === "bool" ? "int32" : d),
  }),
  prod: (dtype) => ({
    acc: dtype === "float32" ? "f32" : "i32",
    identity: dtype === "float32" ? "1.0" : "1",
    combine: "a * b",
    result: () => "a",
    outDtype: (d) => (d === "bool" ? "int32" : d),
  }),
  max: (dtype) =>
    dtype === "float32"
      ? {
          acc: "f32",
          identity: "-inf_f32()",
          combine: "select(select(max(a, b), b, is_nan(b)), a, is_nan(a))",
          result: () => "a",
          outDtype: (d) => d,
        }
      : {
          acc: "i32",
          identity: "i32(-2147483648)",
          combine: "max(a, b)",
          result: () => "a",
          outDtype: (d) => d,
        },
  min: (dtype) =>
    dtype === "float32"
      ? {
          acc: "f32",
          identity: "inf_f32()",
          combine: "select(select(min(a, b), b, is_nan(b)), a, is_nan(a))",
          result: () => "a",
          outDtype: (d) => d,
        }
      : {
          acc: "i32",
          identity: "2147483647",
          combine: "min(a, b)",
          result: () => "a",
          outDtype: (d) => d,
        },
  argmax: (dtype) => argFold(dtype, ">"),
  argmin: (dtype) => argFold(dtype, "<"),
  all: () => ({
    acc: "i32",
    identity: "1",
    load: truthy,
    combine: "select(0, 1, a != 0 && b != 0)",
    result: () => "a",
    outDtype: () => "bool",
  }),
  any: () => ({
    acc: "i32",
    identity: "0",
    load: truthy,
    combine: "select(0, 1, a != 0 || b != 0)",
    result: () => "a",
    outDtype: () => "bool",
  }),
};

/**
 * PyTorch's argmax/argmin: the first position of the extreme value, and the
 * first NaN wins. Threads see interleaved positions, so ties go to the
 * smaller index explicitly.
 */
function argFold(dtype: GPUDType, cmp: ">" | "<"): Fold {
  const float = dtype === "float32";
  const nanA = float ? "is_nan(a)" : "false";
  const nanB = float ? "is_nan(b)" : "false";
  const worst = float
    ? cmp === ">"
      ? "-inf_f32()"
      : "inf_f32()"
    : cmp === ">"
      ? "i32(-2147483648)"
      : "2147483647";
  return {
    acc: float ? "f32" : "i32",
    identity: worst,
    combine: "",
    result: () => "ia",
    outDtype: () => "int32",
    pickB: `(${nanB} && !${nanA}) || (${nanA} == ${nanB} && ((b ${cmp} a) || ((b == a || ${nanA}) && ib < ia)))`,
  };
}

/**
 * Reduces `x` over `dims` (sorted, >= 0) with `op`; the output holds the
 * kept dims in row-major order (keepdim is a view the frontend adds).
 *
 * @example
 * reduce("sum", x, [1]); // [a, b, c] -> [a, c]
 */
export function reduce(
  op: ReduceOp,
  x: GPUView,
  dims: readonly number[],
  outDtype?: GPUDType,
): WebGPUStorage {
  const fold = folds[op](x.dtype);
  const dtype = outDtype ?? fold.outDtype(x.dtype);
  const params = new Params();
  const g = splitRows(params, x, dims);
  const index = fold.pickB !== undefined;
  // Few long rows would leave most of a GPU idle with one workgroup per row:
  // split each row into chunks, reduce the chunks, then reduce the partials
  // (arg ops stay in one pass: their partials would need indices too).
  const chunks =
    index || g.rows >= 64 || g.rowLength < 2 * CHUNK
      ? 1
      : Math.min(1024, Math.ceil(g.rowLength / CHUNK));
  const chunkLength = Math.ceil(g.rowLength / chunks);
  const chunksAt = params.int(chunks, chunkLength);
  const out = allocStorage(g.rows * chunks, dtype);
  if (g.rows === 0) return out;
  const threads = threadsFor(chunkLength);
  const key = `reduce|${op}|${x.dtype}|${dtype}|${g.outerRank}|${g.innerRank}|${threads}`;
  const source = () => {
    const acc = fold.acc;
    const element = "src[base + elem(j)]";
    const load = fold.load
      ? fold.load(element, x.dtype)
      : `${acc}(${numericLoad(x.dtype, element)})`;
    const outValue = fold.result(dtype);
    const store =
      dtype === "bool"
        ? `select(0u, 1u, ${outValue} != 0)`
        : dtype === "float32"
          ? `f32(${outValue})`
          : `i32(${outValue})`;
    const combine = index
      ? `
fn pick_b(a: ${acc}, ia: i32, b: ${acc}, ib: i32) -> bool { return ${fold.pickB}; }`
      : `
fn combine(a: ${acc}, b: ${acc}) -> ${acc} { return ${fold.combine}; }`;
    const step = index ? `if (pick_b(a, ia, b, ib)) { a = b; ia = ib; }` : "a = combine(a, b);";
    return `${MATH_PRELUDE}
@group(0) @binding(0) var<storage, read> src: array<${storedType(x.dtype)}>;
@group(0) @binding(1) var<storage, read_write> result: array<${storedType(dtype)}>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
var<workgroup> partial: array<${acc}, ${threads}>;
var<workgroup> partialIndex: array<i32, ${threads}>;
${rowAddressing(g)}
${combine}

@compute @workgroup_size(${threads})
fn main(${BUILTINS}) {
  let group = ${GROUP_ID};
  let chunks = ${pu(chunksAt)};
  if (group >= ${pu(0)} * chunks) { return; }
  let row = group / chunks;
  let start = (group % chunks) * ${pu(chunksAt + 1)};
  let end = min(${pu(1)}, start + ${pu(chunksAt + 1)});
  let base = row_base(row);
  var a: ${acc} = ${fold.identity};
  var ia: i32 = 2147483647;
  for (var j = start + lid; j < end; j += ${threads}u) {
    let b = ${load};
    let ib = i32(j);
    ${step}
  }
  partial[lid] = a;
  partialIndex[lid] = ia;
  workgroupBarrier();
  for (var s = ${threads / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) {
      a = partial[lid];
      ia = partialIndex[lid];
      let b = partial[lid + s];
      let ib = partialIndex[lid + s];
      ${step}
      partial[lid] = a;
      partialIndex[lid] = ia;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    a = partial[0];
    ia = partialIndex[0];
    ${index ? "if (ia == 2147483647) { ia = 0; }" : ""}
    result[group] = ${store};
  }
}`;
  };
  enqueue({
    op,
    key,
    source,
    buffers: [x.storage, out],
    meta: params.toArray(),
    workgroups: grid(g.rows * chunks),
  });
  if (chunks === 1) return out;
  const partials: GPUView = {
    storage: out,
    shape: [g.rows, chunks],
    strides: [chunks, 1],
    offset: 0,
    dtype,
  };
  return reduce(op, partials, [1], dtype);
}

/**
 * WGSL `tree_sum(lid, v)` and `tree_max(lid, v)`: the sum (max) of `v` over
 * the workgroup's `threads` threads, returned to every thread. Every thread
 * must call them (they contain barriers).
 */
export function workgroupTrees(threads: number): string {
  const tree = (name: string, combine: string) => `
fn ${name}(lid: u32, v: f32) -> f32 {
  tree_partial[lid] = v;
  workgroupBarrier();
  for (var s = ${threads / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { tree_partial[lid] = ${combine}; }
    workgroupBarrier();
  }
  let r = tree_partial[0];
  workgroupBarrier();
  return r;
}`;
  return `var<workgroup> tree_partial: array<f32, ${threads}>;${tree("tree_sum", "tree_partial[lid] + tree_partial[lid + s]")}${tree("tree_max", "max(tree_partial[lid], tree_partial[lid + s])")}`;
}

/**
 * Softmax (or log-softmax) along `dim`, max-subtracted: one workgroup per
 * line does the max, the sum of exponentials and the write. A line of -inf
 * gives NaN, as in PyTorch.
 *
 * @example
 * softmax(x, 1, false); // rows of x [n, c] sum to 1
 */
export function softmax(x: GPUView, dim: number, log: boolean): WebGPUStorage {
  const params = new Params();
  const g = splitRows(params, x, [dim]);
  // The output is contiguous in x's shape: line r starts at its kept index
  // and steps by the stride of `dim` (the product of the sizes after it).
  const after = sizeOf(x.shape.slice(dim + 1));
  const afterAt = params.int(after);
  const out = allocStorage(sizeOf(x.shape), "float32");
  if (g.rows === 0 || g.rowLength === 0) return out;
  const threads = threadsFor(g.rowLength);
  const key = `softmax|${log}|${g.outerRank}|${g.innerRank}|${threads}`;
  const source = () => `${MATH_PRELUDE}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> result: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${rowAddressing(g)}
${workgroupTrees(threads)}

@compute @workgroup_size(${threads})
fn main(${BUILTINS}) {
  let row = ${GROUP_ID};
  // The row is the same for the whole workgroup, so returning here keeps the
  // barriers below in uniform control flow.
  if (row >= ${pu(0)}) { return; }
  let n = ${pu(1)};
  let after = ${pu(afterAt)};
  let base = row_base(row);
  var m = -inf_f32();
  for (var j = lid; j < n; j += ${threads}u) { m = max(m, src[base + elem(j)]); }
  m = tree_max(lid, m);
  if (is_inf(m) && m < 0.0) { m = 0.0; }
  var s = 0.0;
  for (var j = lid; j < n; j += ${threads}u) { s += exp(src[base + elem(j)] - m); }
  s = tree_sum(lid, s);
  let lse = m + log(s);
  let dst = (row / after) * after * n + row % after;
  for (var j = lid; j < n; j += ${threads}u) {
    let v = src[base + elem(j)];
    result[dst + j * after] = ${log ? "v - lse" : "exp(v - m) / s"};
  }
}`;
  enqueue({
    op: log ? "logSoftmax" : "softmax",
    key,
    source,
    buffers: [x.storage, out],
    meta: params.toArray(),
    workgroups: grid(g.rows),
  });
  return out;
}

/**
 * Inclusive cumulative sum or product along `dim`: one thread per line,
 * in order (the CPU's summation order, so results match bit for bit).
 *
 * @example
 * scan("cumsum", x, 0);
 */
export function scan(op: "cumsum" | "cumprod", x: GPUView, dim: number): WebGPUStorage {
  const params = new Params();
  const g = splitRows(params, x, [dim]);
  const afterAt = params.int(sizeOf(x.shape.slice(dim + 1)));
  const dtype: GPUDType = x.dtype === "bool" ? "int32" : x.dtype;
  const out = allocStorage(sizeOf(x.shape), dtype);
  if (g.rows === 0 || g.rowLength === 0) return out;
  const acc = dtype === "float32" ? "f32" : "i32";
  const key = `scan|${op}|${x.dtype}|${g.outerRank}|${g.innerRank}`;
  const source = () => `
@group(0) @binding(0) var<storage, read> src: array<${storedType(x.dtype)}>;
@group(0) @binding(1) var<storage, read_write> result: array<${storedType(dtype)}>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${rowAddressing(g)}

@compute @workgroup_size(64)
fn main(${BUILTINS}) {
  let row = ${GROUP_ID} * 64u + lid;
  if (row >= ${pu(0)}) { return; }
  let n = ${pu(1)};
  let after = ${pu(afterAt)};
  let base = row_base(row);
  let dst = (row / after) * after * n + row % after;
  var a: ${acc} = ${op === "cumsum" ? `${acc}(0)` : `${acc}(1)`};
  for (var j = 0u; j < n; j++) {
    a = a ${op === "cumsum" ? "+" : "*"} ${acc}(src[base + elem(j)]);
    result[dst + j * after] = a;
  }
}`;
  enqueue({
    op,
    key,
    source,
    buffers: [x.storage, out],
    meta: params.toArray(),
    workgroups: grid(Math.ceil(g.rows / 64)),
  });
  return out;
}
