/**
 * The WebGPU backend: storage is a pooled GPU buffer, kernels are WGSL
 * compute shaders recorded into batched command encoders (queue.ts).
 *
 * Importing this module registers the "webgpu" device and its kernels; it
 * does not touch the GPU. The device is acquired on first use, and ops
 * recorded before it is ready run as soon as it is (see device.ts).
 */

import type { DType, TypedArray } from "../../dtype.js";
import {
  type Backend,
  type KernelFn,
  type KernelInput,
  registerBackend,
  registerKernel,
} from "../backend.js";
import {
  type BinaryOp,
  binaryOps,
  type DimAttrs,
  type FillAttrs,
  type FlipAttrs,
  type ReduceAttrs,
  reduceOps,
  type ScatterAttrs,
  type SortAttrs,
  type UnaryAttrs,
  type UnaryOp,
  unaryOps,
} from "../kernels.js";
import { type WebGPUAdapterReport, webgpuReport } from "./device.js";
import type { ConvGeometry } from "../cpu/conv.js";
import type { InterpolateAttrs } from "../cpu/interpolate.js";
import type { NormalizeAttrs } from "../cpu/normalization.js";
import type { MaxPoolBackwardAttrs, PoolAttrs } from "../cpu/pool.js";
import type { UnfoldAttrs } from "../cpu/unfold.js";
import { convBackwardInput, convBackwardWeight, convForward } from "./conv.js";
import { assign, castExpr, contiguous, dense, elementwise, fill } from "./elementwise.js";
import { gather, indexAlong, scatter } from "./indexing.js";
import { binaryExpr, unaryExpr, unaryInts, unaryScalars } from "./math.js";
import { matmul } from "./matmul.js";
import {
  allocStorage,
  freeStorage,
  type GPUDType,
  poolStats,
  readStorage,
  synchronize,
  uploadStorage,
  type WebGPUStorage,
} from "./queue.js";
import { interpolate, interpolateBackward } from "./interpolate.js";
import { moments, normalize, normalizeBackward } from "./normalization.js";
import { avgPool, avgPoolBackward, maxPoolIndices } from "./pooling.js";
import { fold, unfold } from "./unfold.js";
import { type RandomAttrs, randomNormal, randomUniform } from "./random.js";
import { reduce, scan, softmax } from "./reduce.js";
import { argsort } from "./sort.js";
import { contiguousStrides, type GPUView } from "./view.js";

/** Host data as the GPU stores it: one 32-bit word per element. */
function toWords(data: TypedArray, dtype: DType): Uint32Array {
  if (dtype === "bool" || data instanceof Uint8Array) return Uint32Array.from(data);
  return new Uint32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function fromWords(words: Uint32Array, dtype: DType): TypedArray {
  if (dtype === "float32") return new Float32Array(words.buffer, words.byteOffset, words.length);
  if (dtype === "int32") return new Int32Array(words.buffer, words.byteOffset, words.length);
  return Uint8Array.from(words);
}

export const webgpuBackend: Backend<WebGPUStorage> = {
  name: "webgpu",
  // Storage handles carry their own finalizer (queue.ts), which also covers
  // buffers of temporaries the frontend never sees.
  garbageCollected: true,
  alloc: (dtype, size) => fill(size, 0, dtype),
  fromTypedArray: (data, dtype) => uploadStorage(toWords(data, dtype), dtype),
  read: async (storage, dtype, offset, size) =>
    fromWords(await readStorage(storage, offset, size), dtype),
  free: freeStorage,
};

const view = (x: KernelInput<WebGPUStorage>): GPUView => x as GPUView;
/** Window kernels address their inputs as dense arrays (as the CPU's `denseData`). */
const win = (x: KernelInput<WebGPUStorage>): GPUView => dense(view(x));

function unaryKernel(op: UnaryOp): KernelFn<UnaryAttrs, WebGPUStorage> {
  return ([x], out, attrs) =>
    elementwise(op, [view(x)], unaryExpr(op, x.dtype, out.dtype, attrs ?? {}), out.dtype, {
      shape: out.shape,
      scalars: unaryScalars(op, attrs ?? {}),
      ints: unaryInts(op, x.dtype, attrs ?? {}),
    });
}

function binaryKernel(op: BinaryOp): KernelFn<unknown, WebGPUStorage> {
  return ([a, b], out) =>
    elementwise(op, [view(a), view(b)], binaryExpr(op, a.dtype, out.dtype), out.dtype, {
      shape: out.shape,
    });
}

const kernels: Record<string, KernelFn<any, WebGPUStorage>> = {
  cast: ([x], out) => elementwise("cast", [view(x)], castExpr(x.dtype, out.dtype, "x0"), out.dtype),
  contiguous: ([x]) => contiguous(view(x)),
  where: ([c, a, b], out) =>
    elementwise("where", [view(c), view(a), view(b)], "select(x2, x1, x0)", out.dtype, {
      shape: out.shape,
    }),
  fill: (_inputs, out, { value }: FillAttrs) => fill(out.size, value, out.dtype as GPUDType),
  copyInto: ([dst, src]) => {
    assign(view(dst), view(src));
    return dst.storage;
  },
  cumsum: ([x], _out, { dim }: DimAttrs) => scan("cumsum", view(x), dim),
  cumprod: ([x], _out, { dim }: DimAttrs) => scan("cumprod", view(x), dim),
  softmax: ([x], _out, { dim }: DimAttrs) => softmax(view(x), dim, false),
  logSoftmax: ([x], _out, { dim }: DimAttrs) => softmax(view(x), dim, true),
  matmul: ([a, b]) => matmul(view(a), view(b)),
  conv: ([x, w, b], _out, g: ConvGeometry) => convForward(win(x), win(w), b ? win(b) : null, g),
  convBackwardInput: ([gy, w], _out, g: ConvGeometry) => convBackwardInput(win(gy), win(w), g),
  convBackwardWeight: ([x, gy], _out, g: ConvGeometry) => convBackwardWeight(win(x), win(gy), g),
  maxPoolIndices: ([x], _out, a: PoolAttrs) => maxPoolIndices(win(x), a),
  maxPoolBackward: ([gy, indices], _out, a: MaxPoolBackwardAttrs) => {
    const inPlane = a.inSize[0] * a.inSize[1] * a.inSize[2];
    const outPlane = gy.shape.reduce((n, d) => n * d, 1) / Math.max(a.planes, 1);
    const planes = (x: GPUView) => ({ ...x, shape: [a.planes, outPlane], strides: [outPlane, 1] });
    const zeros = {
      storage: fill(a.planes * inPlane, 0, "float32"),
      shape: [a.planes, inPlane],
      strides: [inPlane, 1],
      offset: 0,
      dtype: "float32" as const,
    };
    return scatter(zeros, 1, planes(win(indices)), planes(win(gy)), "add");
  },
  avgPool: ([x], _out, a: PoolAttrs) => avgPool(win(x), a),
  avgPoolBackward: ([gy], _out, a: PoolAttrs) => avgPoolBackward(win(gy), a),
  unfold: ([x], _out, a: UnfoldAttrs) => unfold(win(x), a),
  fold: ([cols], _out, a: UnfoldAttrs) => fold(win(cols), a),
  interpolate: ([x], _out, a: InterpolateAttrs) => interpolate(win(x), a),
  interpolateBackward: ([gy], _out, a: InterpolateAttrs) => interpolateBackward(win(gy), a),
  moments: ([x], _out, a: NormalizeAttrs) => moments(view(x), a),
  normalize: ([x, stats], _out, a: NormalizeAttrs) => normalize(view(x), win(stats), a),
  normalizeBackward: ([gy, x, stats], _out, a: NormalizeAttrs) =>
    normalizeBackward(view(gy), view(x), win(stats), a),
  gather: ([x, index], _out, { dim }: DimAttrs) => gather(view(x), dim, view(index)),
  indexSelect: ([x, index], out, { dim }: DimAttrs) =>
    gather(view(x), dim, indexAlong(view(index), out.shape, dim)),
  scatter: ([x, index, src], _out, { dim, reduce }: ScatterAttrs) =>
    scatter(view(x), dim, view(index), view(src), reduce),
  indexAdd: ([x, index, src], _out, { dim }: DimAttrs) =>
    scatter(view(x), dim, indexAlong(view(index), src.shape, dim), view(src), "add"),
  randomUniform: (_inputs, out, a: RandomAttrs) => randomUniform(out.size, a),
  randomNormal: (_inputs, out, a: RandomAttrs) => randomNormal(out.size, a),
  argsort: ([x], _out, { dim, descending }: SortAttrs) => argsort(view(x), dim, descending),
  cat: (inputs, out, { dim }: DimAttrs) => {
    const result = allocStorage(out.size, out.dtype);
    const strides = contiguousStrides(out.shape);
    let start = 0;
    for (const x of inputs) {
      const dst = {
        storage: result,
        shape: x.shape,
        strides,
        offset: start * strides[dim],
        dtype: out.dtype,
      };
      assign(dst, view(x));
      start += x.shape[dim];
    }
    return result;
  },
  flip: ([x], _out, { dims }: FlipAttrs) => {
    const strides = [...x.strides];
    let offset = x.offset;
    for (const d of dims) {
      offset += Math.max(x.shape[d] - 1, 0) * strides[d];
      strides[d] = -strides[d];
    }
    return contiguous({ ...view(x), strides, offset });
  },
};
for (const op of unaryOps) kernels[op] = unaryKernel(op);
for (const op of binaryOps) kernels[op] = binaryKernel(op);
for (const op of reduceOps) {
  kernels[op] = ([x], out, { dims }: ReduceAttrs) => reduce(op, view(x), dims, out.dtype);
}

registerBackend("webgpu", webgpuBackend);
for (const [op, fn] of Object.entries(kernels)) registerKernel(op, "webgpu", fn);

/** One entry of `lt.devices()`. */
export type DeviceReport = { device: "cpu"; available: true; name: string } | WebGPUAdapterReport;

/**
 * The devices lectern can run on, with what it knows about each: the WebGPU
 * adapter's name, vendor, limits and whether it is a software rasteriser
 * (lavapipe, SwiftShader), or why WebGPU is unavailable and how to fix it.
 *
 * @example
 * for (const d of await lt.devices()) console.log(d.device, d.available, d.name);
 */
export async function devices(): Promise<DeviceReport[]> {
  const { cpus } = await import("node:os");
  const cpu = cpus()[0]?.model ?? "CPU";
  return [{ device: "cpu", available: true, name: cpu.trim() }, await webgpuReport()];
}

export { poolStats as webgpuMemoryStats, synchronize };
