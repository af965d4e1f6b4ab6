import type { DType, TypedArray } from "../dtype.js";
import { DeviceError } from "../errors.js";

/**
 * A backend owns the memory of the tensors on its device. Storage is an
 * opaque handle (a typed array on the CPU, a GPUBuffer on WebGPU): the
 * frontend never looks inside, it only passes handles to the backend and to
 * the backend's kernels.
 */
export interface Backend<S = unknown> {
  /** The device name tensors report (`"cpu"`, `"webgpu"`). */
  readonly name: string;
  /**
   * True when the JS garbage collector reclaims storage by itself (CPU typed
   * arrays), so tensors need no finalizer; false or absent: lectern calls
   * `free` when the last tensor using a storage is collected.
   */
  readonly garbageCollected?: boolean;
  /** New storage for `size` elements of `dtype`, zero-filled. */
  alloc(dtype: DType, size: number): S;
  /** New storage holding a copy of `data` (elements of `dtype`). */
  fromTypedArray(data: TypedArray, dtype: DType): S;
  /** Copies elements `[offset, offset + size)` back to the host. The only call that waits. */
  read(storage: S, dtype: DType, offset: number, size: number): Promise<TypedArray>;
  /** Synchronous read-back, for backends that can (the CPU); absent on WebGPU. */
  readSync?(storage: S, dtype: DType, offset: number, size: number): TypedArray;
  /** Releases the storage now. Called once, by dispose() or when the last tensor using it is collected. */
  free(storage: S): void;
}

/**
 * What a kernel sees of one input: its storage handle and the strided view
 * into it. Element `(i0, i1, ...)` lives at `offset + i0*strides[0] + ...`.
 * Strides are >= 0; broadcast (expanded) dims have stride 0.
 */
export interface KernelInput<S = unknown> {
  readonly storage: S;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

/** The output a kernel must produce: a new contiguous storage of this shape and dtype. */
export interface KernelOutput {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements (product of `shape`). */
  readonly size: number;
}

/**
 * A kernel computes one op on one backend. It gets validated inputs (the
 * frontend has checked shapes and dtypes and broadcast the operands), and
 * returns the new contiguous output storage synchronously — on a GPU the
 * work is only enqueued. The attrs of every built-in kernel are documented
 * in `tensor/backends/kernels.ts`.
 */
export type KernelFn<A = any, S = any> = (
  inputs: readonly KernelInput<S>[],
  out: KernelOutput,
  attrs: A,
) => S;

const backends = new Map<string, Backend>();
// op → device → kernel (nested so a lookup builds no string on the hot path).
const kernels = new Map<string, Map<string, KernelFn>>();

/**
 * Makes a backend available under `name`, e.g. `registerBackend("webgpu", gpu)`.
 * Registering a name again replaces the backend.
 */
export function registerBackend(name: string, backend: Backend): void {
  backends.set(name, backend);
}

/** The backend of `device`; a DeviceError names the devices that exist. */
export function getBackend(device: string): Backend {
  const b = backends.get(device);
  if (b === undefined) {
    throw new DeviceError(
      `device "${device}" is not available (registered: ${listBackends().join(", ")})` +
        (device === "webgpu" ? "; WebGPU needs a GPU adapter (see lt.devices())" : ""),
    );
  }
  return b;
}

/** The names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Registers the kernel of `op` for `device` (one per op per device; a later registration replaces it). */
export function registerKernel<A = any, S = any>(
  op: string,
  device: string,
  fn: KernelFn<A, S>,
): void {
  let byDevice = kernels.get(op);
  if (byDevice === undefined) {
    byDevice = new Map();
    kernels.set(op, byDevice);
  }
  byDevice.set(device, fn as KernelFn);
}

/** The kernel of `op` on `device`; a DeviceError says how to run the op elsewhere. */
export function getKernel(op: string, device: string): KernelFn {
  const k = kernels.get(op)?.get(device);
  if (k === undefined) {
    throw new DeviceError(
      `${op}: no kernel for device "${device}"` +
        (device === "cpu" ? "" : `; move the tensors with .to("cpu") to run it on the CPU`),
    );
  }
  return k;
}

/** True when `op` has a kernel on `device`. */
export function hasKernel(op: string, device: string): boolean {
  return kernels.get(op)?.has(device) ?? false;
}
