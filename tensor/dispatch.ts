import "./backends/cpu/index.js";
import { getBackend, getKernel, type KernelInput } from "./backends/backend.js";
import type { DType } from "./dtype.js";
import { DeviceError } from "./errors.js";
import { checkInterrupt } from "./interrupt.js";
import { contiguousStrides, sizeOf } from "./shape.js";
import { Storage } from "./storage.js";
import { Tensor } from "./tensor.js";

/** The view of `t` a kernel receives. */
export function kernelInput(t: Tensor): KernelInput {
  return {
    storage: t.storage.handle,
    shape: t.shape,
    strides: t.strides,
    offset: t.offset,
    dtype: t.dtype,
  };
}

/** Throws a DeviceError naming `op` unless every tensor lives on one device; returns it. */
export function commonDevice(op: string, tensors: readonly Tensor[]): string {
  const device = tensors[0].device;
  for (const t of tensors) {
    if (t.device !== device) {
      throw new DeviceError(
        `${op}: expected all tensors on one device, got ${tensors.map((x) => x.device).join(" and ")}; ` +
          `move them with .to("${device}") (or .to("${t.device}"))`,
      );
    }
  }
  return device;
}

/**
 * Runs the kernel of `op` for the inputs' device and wraps its storage in a
 * new contiguous tensor. Every op goes through here, so this is where the
 * interrupt check runs. No autograd: the op records its own backward.
 */
export function runKernel(
  op: string,
  inputs: readonly Tensor[],
  outShape: readonly number[],
  outDtype: DType,
  attrs: object = {},
  device?: string,
): Tensor {
  checkInterrupt();
  const dev = device ?? commonDevice(op, inputs);
  const backend = getBackend(dev);
  const kernel = getKernel(op, dev);
  const size = sizeOf(outShape);
  const handle = kernel(inputs.map(kernelInput), { shape: outShape, dtype: outDtype, size }, attrs);
  const storage = new Storage(backend, handle, outDtype, size);
  return new Tensor(storage, [...outShape], contiguousStrides(outShape), 0);
}

/**
 * Runs an in-place kernel (`copyInto`) that writes into `dst`'s storage and
 * bumps its version counter, which autograd checks for saved tensors.
 */
export function runInPlace(
  op: string,
  dst: Tensor,
  inputs: readonly Tensor[],
  attrs: object = {},
): void {
  checkInterrupt();
  const dev = commonDevice(op, [dst, ...inputs]);
  const kernel = getKernel(op, dev);
  kernel(
    [dst, ...inputs].map(kernelInput),
    { shape: dst.shape, dtype: dst.dtype, size: dst.numel() },
    attrs,
  );
  dst.storage.version++;
}
