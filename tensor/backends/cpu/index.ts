/**
 * The reference CPU backend: storage is a typed array, kernels are plain
 * TypeScript loops over strided views. Faster kernels (WASM, native) replace
 * entries in the kernel registry; these stay as the fallback and the oracle.
 */
import { type DType, type TypedArray, typedArray } from "../../dtype.js";
import { type Backend, type KernelFn, registerBackend, registerKernel } from "../backend.js";
import { kernels as conv } from "./conv.js";
import { kernels as elementwise } from "./elementwise.js";
import { kernels as indexing } from "./indexing.js";
import { kernels as interpolate } from "./interpolate.js";
import { kernels as layout } from "./layout.js";
import { kernels as matmul } from "./matmul.js";
import { kernels as nativeElementwise } from "./native_elementwise.js";
import { kernels as nativeReduce } from "./native_reduce.js";
import { kernels as normalization } from "./normalization.js";
import { kernels as pool } from "./pool.js";
import { kernels as reduce } from "./reduce.js";
import { kernels as unfold } from "./unfold.js";

export const cpuBackend: Backend<TypedArray> = {
  name: "cpu",
  garbageCollected: true,
  alloc: (dtype: DType, size: number) => typedArray(dtype, size),
  fromTypedArray: (data: TypedArray, dtype: DType) => {
    const out = typedArray(dtype, data.length);
    out.set(data);
    return out;
  },
  read: async (storage, dtype, offset, size) => cpuBackend.readSync!(storage, dtype, offset, size),
  readSync: (storage, dtype, offset, size) => {
    const out = typedArray(dtype, size);
    out.set(storage.subarray(offset, offset + size));
    return out;
  },
  free: () => {},
};

registerBackend("cpu", cpuBackend);

const families: Record<string, KernelFn>[] = [
  elementwise,
  indexing,
  layout,
  matmul,
  reduce,
  conv,
  pool,
  unfold,
  interpolate,
  normalization,
  // after the families whose kernels it speeds up (and falls back to)
  nativeElementwise,
  nativeReduce,
];
for (const family of families) {
  for (const [op, fn] of Object.entries(family)) registerKernel(op, "cpu", fn);
}
