/**
 * Gather and scatter along a dim, the two kernels under every index op:
 * `indexSelect` is a gather and `indexAdd` a scatter-add whose index is a
 * broadcast view (stride 0 off `dim`), so neither needs a kernel of its own.
 *
 * Scatter-add accumulates with atomics. WGSL has no float atomics, so f32
 * adds are a compare-and-swap loop on the value's bits; the order of adds to
 * one element is unspecified (as in PyTorch on CUDA), so sums may differ
 * from the CPU in the last bits.
 */

import { contiguous } from "./elementwise.js";
import { allocStorage, enqueue, type WebGPUStorage } from "./queue.js";
import {
  BUILTINS,
  coalesce,
  contiguousStrides,
  GROUP_ID,
  type GPUView,
  grid,
  Params,
  pi,
  pu,
  sizeOf,
  storedType,
  unravel,
  WG,
} from "./view.js";

/** `x`'s strides with `dim`'s zeroed: where element coords land before the index picks along `dim`. */
function withoutDim(strides: readonly number[], dim: number): number[] {
  return strides.map((s, d) => (d === dim ? 0 : s));
}

/** A 1-D index viewed as `shape`: it varies along `dim` only. */
export function indexAlong(index: GPUView, shape: readonly number[], dim: number): GPUView {
  return { ...index, shape, strides: shape.map((_, d) => (d === dim ? index.strides[0] : 0)) };
}

/**
 * `out[i] = x[..., index[i], ...]` along `dim`, for every position i of
 * `index` (int32, same rank as x); the output has index's shape.
 *
 * @example
 * gather(x, 1, index); // torch.gather(x, 1, index)
 */
export function gather(x: GPUView, dim: number, index: GPUView): WebGPUStorage {
  const n = sizeOf(index.shape);
  const out = allocStorage(n, x.dtype);
  if (n === 0) return out;
  const merged = coalesce(index.shape, [index.strides, withoutDim(x.strides, dim)]);
  const rank = merged.shape.length;
  const params = new Params();
  params.int(n);
  const shapeAt = params.int(...merged.shape);
  const indexAt = params.int(...merged.strides[0]);
  const xAt = params.int(...merged.strides[1]);
  const offsetsAt = params.int(index.offset, x.offset, x.strides[dim]);
  const T = storedType(x.dtype);
  const key = `gather|${T}|${rank}`;
  const source = () => `
@group(0) @binding(0) var<storage, read> src: array<${T}>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> result: array<${T}>;
@group(0) @binding(3) var<storage, read> params: array<u32>;

@compute @workgroup_size(${WG})
fn main(${BUILTINS}) {
  let i = ${GROUP_ID} * ${WG}u + lid;
  if (i >= ${pu(0)}) { return; }
  var oi: i32 = ${pi(offsetsAt)};
  var ox: i32 = ${pi(offsetsAt + 1)};
  ${unravel("i", rank, shapeAt, [indexAt, xAt], ["oi", "ox"])}
  result[i] = src[ox + index[oi] * ${pi(offsetsAt + 2)}];
}`;
  enqueue({
    op: "gather",
    key,
    source,
    buffers: [x.storage, index.storage, out],
    meta: params.toArray(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return out;
}

/**
 * A contiguous copy of `x` with `src` written (`reduce: "none"`) or added
 * (`"add"`) at `index` along `dim`; `index` and `src` share index's shape
 * (src may be a larger view; only index's positions are read).
 *
 * @example
 * scatter(x, 0, index, src, "add"); // torch.scatter_add
 */
export function scatter(
  x: GPUView,
  dim: number,
  index: GPUView,
  src: GPUView,
  reduce: "none" | "add",
): WebGPUStorage {
  const out = contiguous(x);
  const n = sizeOf(index.shape);
  if (n === 0) return out;
  const outStrides = contiguousStrides(x.shape);
  const merged = coalesce(index.shape, [
    index.strides,
    src.strides.slice(0, index.shape.length),
    withoutDim(outStrides, dim),
  ]);
  const rank = merged.shape.length;
  const params = new Params();
  params.int(n);
  const shapeAt = params.int(...merged.shape);
  const indexAt = params.int(...merged.strides[0]);
  const srcAt = params.int(...merged.strides[1]);
  const outAt = params.int(...merged.strides[2]);
  const offsetsAt = params.int(index.offset, src.offset, outStrides[dim]);
  const float = x.dtype === "float32";
  const T = storedType(x.dtype);
  const atomic = reduce === "add";
  const resultType = atomic ? `atomic<${float ? "u32" : T}>` : T;
  const write = !atomic
    ? "result[dst] = value;"
    : float
      ? `loop {
      let old = atomicLoad(&result[dst]);
      let swapped = atomicCompareExchangeWeak(&result[dst], old, bitcast<u32>(bitcast<f32>(old) + value));
      if (swapped.exchanged) { break; }
    }`
      : "atomicAdd(&result[dst], value);";
  const key = `scatter|${T}|${reduce}|${rank}`;
  const source = () => `
@group(0) @binding(0) var<storage, read> index: array<i32>;
@group(0) @binding(1) var<storage, read> src: array<${T}>;
@group(0) @binding(2) var<storage, read_write> result: array<${resultType}>;
@group(0) @binding(3) var<storage, read> params: array<u32>;

@compute @workgroup_size(${WG})
fn main(${BUILTINS}) {
  let i = ${GROUP_ID} * ${WG}u + lid;
  if (i >= ${pu(0)}) { return; }
  var oi: i32 = ${pi(offsetsAt)};
  var os: i32 = ${pi(offsetsAt + 1)};
  var oo: i32 = 0;
  ${unravel("i", rank, shapeAt, [indexAt, srcAt, outAt], ["oi", "os", "oo"])}
  let dst = oo + index[oi] * ${pi(offsetsAt + 2)};
  let value = src[os];
  ${write}
}`;
  enqueue({
    op: atomic ? "scatterAdd" : "scatter",
    key,
    source,
    buffers: [index.storage, src.storage, out],
    meta: params.toArray(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return out;
}
