/**
 * Runs a kernel on the CPU (the oracle) and on WebGPU with the same inputs,
 * and compares. Tests skip, saying why, only when no WebGPU adapter exists.
 */
import assert from "node:assert/strict";
import "../../../../tensor/backends/cpu/index.js";
import "../../../../tensor/backends/webgpu/index.js";
import { type DType, type TypedArray, typedArray } from "../../../../tensor/dtype.js";
import {
  getBackend,
  getKernel,
  type KernelFn,
  type KernelInput,
} from "../../../../tensor/backends/backend.js";
import { webgpuReport } from "../../../../tensor/backends/webgpu/device.js";
import { contiguousStrides, sizeOf } from "../../../../tensor/shape.js";

const report = await webgpuReport();

/** `false` when WebGPU is available, else the reason to print for skipped tests. */
export const skip: string | false = report.available
  ? false
  : (report.reason ?? "no WebGPU adapter");

export interface HostInput {
  data: TypedArray;
  shape: number[];
  /** Defaults to contiguous strides of `shape`. */
  strides?: number[];
  offset?: number;
  dtype: DType;
}

export function input(
  data: ArrayLike<number>,
  shape: number[],
  dtype: DType = "float32",
  view?: { strides: number[]; offset?: number },
): HostInput {
  const array = typedArray(dtype, data.length);
  array.set(Array.from(data));
  return { data: array, shape, dtype, strides: view?.strides, offset: view?.offset };
}

/** Deterministic pseudo-random floats in [-scale, scale) (no dependence on lectern's RNG). */
export function values(n: number, seed = 1, scale = 2): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return Math.fround(((s >>> 0) / 2 ** 32) * 2 * scale - scale);
  });
}

function kernelInputs(device: string, inputs: readonly HostInput[]): KernelInput[] {
  const backend = getBackend(device);
  return inputs.map((x) => ({
    storage: backend.fromTypedArray(x.data, x.dtype),
    shape: x.shape,
    strides: x.strides ?? contiguousStrides(x.shape),
    offset: x.offset ?? 0,
    dtype: x.dtype,
  }));
}

/** The kernel's output on `device`, read back to the host. */
export async function run(
  device: string,
  op: string,
  inputs: readonly HostInput[],
  outShape: readonly number[],
  outDtype: DType,
  attrs: object = {},
  kernel: KernelFn = getKernel(op, device),
): Promise<TypedArray> {
  const size = sizeOf(outShape);
  const storage = kernel(
    kernelInputs(device, inputs),
    { shape: outShape, dtype: outDtype, size },
    attrs,
  );
  return getBackend(device).read(storage, outDtype, 0, size);
}

/** Asserts two arrays are equal within `atol + rtol * |expected|`; NaN matches NaN. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  atol = 1e-5,
  rtol = 1e-5,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
    } else if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]`);
    } else {
      assert.ok(
        Math.abs(a - e) <= atol + rtol * Math.abs(e),
        `${what}[${i}]: got ${a}, expected ${e}`,
      );
    }
  }
}

/** Runs `op` on both devices and asserts the WebGPU result matches the CPU's. */
export async function matchesCpu(
  op: string,
  inputs: readonly HostInput[],
  outShape: readonly number[],
  outDtype: DType,
  attrs: object = {},
  tolerance: { atol?: number; rtol?: number } = {},
  /** The CPU kernel, when it is not (yet) in the registry. */
  reference?: KernelFn,
): Promise<TypedArray> {
  const expected = await run("cpu", op, inputs, outShape, outDtype, attrs, reference);
  const actual = await run("webgpu", op, inputs, outShape, outDtype, attrs);
  assertClose(
    actual,
    expected,
    `${op}(${inputs.map((x) => `${x.dtype}[${x.shape}]`).join(", ")})`,
    tolerance.atol,
    tolerance.rtol,
  );
  return actual;
}
