/**
 * Elementwise kernels: any WGSL expression over broadcast, strided inputs.
 *
 * One generator serves every unary, binary and ternary op, casts, fills and
 * fused chains: an op is its expression (`"max(x0, 0.0)"` is relu). Inputs
 * are read through their views (no copies for transposes or broadcasts) and
 * the output is either a new contiguous storage or a strided view of an
 * existing one (`assign`, which `cat`, `pad` and in-place ops build on).
 */

import { broadcastAll, isContiguous } from "../../shape.js";
import { MATH_PRELUDE } from "./math.js";
import { allocStorage, enqueue, type GPUDType, type WebGPUStorage } from "./queue.js";
import {
  BUILTINS,
  broadcastStrides,
  coalesce,
  contiguousStrides,
  GROUP_ID,
  type GPUView,
  grid,
  loadAs,
  Params,
  pf,
  pi,
  pu,
  sizeOf,
  storeAs,
  storedType,
  unravel,
  valueType,
  WG,
} from "./view.js";

export interface ElementwiseOptions {
  /** Output shape; defaults to the inputs' broadcast shape. */
  shape?: readonly number[];
  /** f32 parameters, visible in the expression as s0, s1, ... (not part of the pipeline key). */
  scalars?: readonly number[];
  /** Integer parameters, visible as i32 values n0, n1, ... (exact beyond float32's 2^24). */
  ints?: readonly number[];
  /** Write into this view of an existing storage instead of a new one. */
  out?: GPUView;
}

/**
 * Runs `expr` for every element of the output and returns the output storage
 * (contiguous, row-major), or `options.out.storage` when writing into a view.
 * In `expr`, `x0..xk` are the inputs' values (f32, i32 or bool), `s0..` the
 * scalars (f32), `n0..` the integer parameters (i32), and `i` the flat
 * output index (u32).
 *
 * @example
 * // relu(a) + b, fused into one pass
 * const y = elementwise("add_relu", [a, b], "max(x0, 0.0) + x1", "float32");
 */
export function elementwise(
  op: string,
  inputs: readonly GPUView[],
  expr: string,
  outDtype: GPUDType,
  options: ElementwiseOptions = {},
): WebGPUStorage {
  const shape =
    options.shape ??
    broadcastAll(
      inputs.map((x) => x.shape),
      op,
    );
  const n = sizeOf(shape);
  const out = options.out;
  const outStorage = out ? out.storage : allocStorage(n, outDtype);
  if (n === 0) return outStorage;
  const outStrides = out ? broadcastStrides(out, shape) : contiguousStrides(shape);
  const merged = coalesce(shape, [outStrides, ...inputs.map((x) => broadcastStrides(x, shape))]);
  const rank = merged.shape.length;
  const outContiguous = !out;

  const params = new Params();
  params.int(n);
  const shapeAt = params.int(...merged.shape);
  const stridesAt: number[] = [];
  const offsetsAt: number[] = [];
  [out?.offset ?? 0, ...inputs.map((x) => x.offset)].forEach((offset, k) => {
    offsetsAt.push(params.int(offset));
    stridesAt.push(params.int(...merged.strides[k]));
  });
  const scalarsAt = (options.scalars ?? []).map((s) => params.float(s));
  const intsAt = (options.ints ?? []).map((v) => params.int(v));

  // When the output is contiguous its offsets are the flat index; skip them.
  const walked = outContiguous ? stridesAt.slice(1) : stridesAt;
  const names = (outContiguous ? [] : ["oo"]).concat(inputs.map((_, k) => `o${k}`));
  const key = `ew|${op}|${expr}|${inputs.map((x) => x.dtype).join(",")}|${outDtype}|${rank}|${outContiguous}|${scalarsAt.length}|${intsAt.length}`;
  const source = () => {
    const decls = inputs.map(
      (x, k) =>
        `@group(0) @binding(${k}) var<storage, read> in${k}: array<${storedType(x.dtype)}>;`,
    );
    const offsetDecls = names.map((name) => {
      const k = name === "oo" ? 0 : Number(name.slice(1)) + 1;
      return `var ${name}: i32 = ${pi(offsetsAt[k])};`;
    });
    const loads = inputs.map(
      (x, k) => `let x${k}: ${valueType(x.dtype)} = ${loadAs(x.dtype, `in${k}[o${k}]`)};`,
    );
    const scalars = [
      ...scalarsAt.map((at, k) => `let s${k}: f32 = ${pf(at)};`),
      ...intsAt.map((at, k) => `let n${k}: i32 = ${pi(at)};`),
    ];
    const target = outContiguous ? "i" : "oo";
    return `${MATH_PRELUDE}
${decls.join("\n")}
@group(0) @binding(${inputs.length}) var<storage, read_write> result: array<${storedType(outDtype)}>;
@group(0) @binding(${inputs.length + 1}) var<storage, read> params: array<u32>;

@compute @workgroup_size(${WG})
fn main(${BUILTINS}) {
  let i = ${GROUP_ID} * ${WG}u + lid;
  if (i >= ${pu(0)}) { return; }
  ${offsetDecls.join("\n  ")}
  ${names.length ? unravel("i", rank, shapeAt, walked, names) : ""}
  ${loads.join("\n  ")}
  ${scalars.join("\n  ")}
  let value: ${valueType(outDtype)} = ${expr};
  result[${target}] = ${storeAs(outDtype, "value")};
}`;
  };
  enqueue({
    op,
    key,
    source,
    buffers: [...inputs.map((x) => x.storage), outStorage],
    meta: params.toArray(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return outStorage;
}

/**
 * Writes `src` (broadcast to `dst`'s shape, cast to its dtype) into the view
 * `dst` of an existing storage: the primitive under in-place ops, `cat`,
 * `stack` and `pad`. Safe when `src` reads the same storage.
 *
 * @example
 * assign({ ...t, shape: [2], strides: [1], offset: 3 }, src);
 */
export function assign(dst: GPUView, src: GPUView): void {
  // A dispatch may not read and write one buffer; copy the source first.
  const source =
    src.storage === dst.storage
      ? { ...src, storage: contiguous(src), strides: contiguousStrides(src.shape), offset: 0 }
      : src;
  elementwise("assign", [source], castExpr(src.dtype, dst.dtype, "x0"), dst.dtype, {
    shape: dst.shape,
    out: dst,
  });
}

/** A contiguous copy of a view (materialises transposes and broadcasts). */
export function contiguous(x: GPUView): WebGPUStorage {
  return elementwise("contiguous", [x], "x0", x.dtype);
}

/**
 * `x` itself when it is row-major with offset 0, else a contiguous copy:
 * for window kernels that address their inputs as dense arrays.
 */
export function dense(x: GPUView): GPUView {
  if (x.offset === 0 && isContiguous(x.shape, x.strides)) return x;
  return { ...x, storage: contiguous(x), strides: contiguousStrides(x.shape), offset: 0 };
}

/** WGSL converting value `e` of dtype `from` to dtype `to`, as PyTorch's `.to(dtype)`. */
export function castExpr(from: GPUDType, to: GPUDType, e: string): string {
  if (from === to) return e;
  if (to === "bool") return from === "float32" ? `(${e} != 0.0)` : `(${e} != 0)`;
  if (from === "bool") return `select(${valueType(to)}(0), ${valueType(to)}(1), ${e})`;
  // f32 -> i32 truncates toward zero, as in PyTorch.
  return `${valueType(to)}(${e})`;
}

/** A new storage of `n` elements set to `value`. */
export function fill(n: number, value: number, dtype: GPUDType): WebGPUStorage {
  if (dtype === "int32") return elementwise("fill", [], "n0", dtype, { shape: [n], ints: [value] });
  return elementwise("fill", [], dtype === "float32" ? "s0" : "(s0 != 0.0)", dtype, {
    shape: [n],
    scalars: [value],
  });
}
