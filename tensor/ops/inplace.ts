import { record } from "../autograd/node.js";
import { isGradEnabled } from "../autograd/mode.js";
import { getBackend } from "../backends/backend.js";
import { runInPlace, runKernel } from "../dispatch.js";
import type { DType } from "../dtype.js";
import { AutogradError, DeviceError, DTypeError, ShapeError } from "../errors.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { fromValues, ones, zeros } from "./creation.js";

/**
 * A copy of `x` with its own memory (`Tensor.clone`); differentiable.
 *
 * @example
 * const y = x.clone();
 */
export function clone(x: Tensor): Tensor {
  const out = runKernel("contiguous", [x], x.shape, x.dtype);
  return record(out, "clone", [x], (g) => [g]);
}

function transfer(x: Tensor, device: string, values: ArrayLike<number>): Tensor {
  const out = fromValues(values as never, x.shape, x.dtype, device);
  return record(out, "to", [x], (g) => [g.to(x.device)]);
}

/** `x` on `device` (a copy), or `x` itself when already there; differentiable. */
export function toDevice(x: Tensor, device: string): Tensor {
  if (x.device === device) return x;
  getBackend(device);
  const src = getBackend(x.device);
  if (src.readSync === undefined) {
    throw new DeviceError(
      `to: moving a ${x.device} tensor to ${device} waits for the device; use \`await t.toAsync("${device}")\``,
    );
  }
  return transfer(x, device, x.dataSync());
}

/** `toDevice` for any source device, waiting for the read-back. */
export async function toDeviceAsync(x: Tensor, device: string): Promise<Tensor> {
  if (x.device === device) return x;
  getBackend(device);
  return transfer(x, device, await x.data());
}

function category(d: DType): number {
  return d === "bool" ? 0 : d === "int32" ? 1 : 2;
}

/** A tensor that takes over `x`'s place in the graph before `x` is overwritten. */
function previousVersion(x: Tensor): Tensor {
  const alias = new Tensor(x.storage, x.shape, x.strides, x.offset);
  alias._base = x._base;
  if (x.gradFn !== null) alias._setGradFn(x.gradFn);
  else if (x.requiresGrad) alias.requiresGrad = true;
  return alias;
}

function checkWritable(x: Tensor, op: string): void {
  if (isGradEnabled() && x.isLeaf && x.requiresGrad) {
    throw new AutogradError(
      `${op}: a leaf tensor that requires grad is being used in an in-place operation; ` +
        "wrap the update in lt.noGrad(() => ...) (as optimizers do) or work on x.clone()",
    );
  }
  const base = x._base;
  if (isGradEnabled() && base?.isLeaf && base.requiresGrad) {
    throw new AutogradError(
      `${op}: a view of a leaf tensor that requires grad is being modified in place; ` +
        "wrap the update in lt.noGrad(() => ...) or modify a clone()",
    );
  }
  x.shape.forEach((d, i) => {
    if (d > 1 && x.strides[i] === 0) {
      throw new ShapeError(
        `${op}: the tensor is an expanded view ${fmtShape(x.shape)} whose elements share memory; ` +
          "call .clone() (or .contiguous()) before writing to it",
      );
    }
  });
}

/** Re-expresses the view `x` of `base` as the same view of any tensor laid out like `base`. */
function viewMaker(x: Tensor, base: Tensor, op: string): (t: Tensor) => Tensor {
  if (!base.isContiguous()) {
    throw new AutogradError(
      `${op}: in-place writes to a view of a non-contiguous tensor are not recorded; clone() the base first`,
    );
  }
  const rel = x.offset - base.offset;
  return (t: Tensor) => {
    const c = t.contiguous();
    return c._view([...x.shape], [...x.strides], c.offset + rel);
  };
}

/**
 * Writes `result` into `x` and moves `x` in the graph to the op that
 * produced `result`. For a view, `baseAlias` is the base's previous graph
 * identity: the base becomes the output of a "copySlices" node (PyTorch's
 * CopySlices) whose gradient goes to the old base outside the written
 * region and to `result` inside it, and `x` becomes a view of the new base.
 */
function writeInto(
  x: Tensor,
  op: string,
  result: Tensor,
  view: { base: Tensor; baseAlias: Tensor; viewOf: (t: Tensor) => Tensor } | null,
): void {
  if (!shapesEqual(result.shape, x.shape)) {
    throw new ShapeError(
      `${op}: the result has shape ${fmtShape(result.shape)} but the tensor written to has ${fmtShape(x.shape)}; ` +
        "an in-place op cannot change the shape (broadcast the other operand, not this one)",
    );
  }
  if (category(result.dtype) > category(x.dtype)) {
    throw new DTypeError(
      `${op}: result type ${result.dtype} can't be cast to the tensor's dtype ${x.dtype} in place; ` +
        "use the out-of-place op or convert first (x.float())",
    );
  }
  runInPlace("copyInto", x, [result.cast(x.dtype)]);
  if (!isGradEnabled()) return;
  if (view === null) {
    if (result.requiresGrad) record(x, op, [result], (g) => [g]);
    else if (x.requiresGrad) x.detach_();
    return;
  }
  const { base, baseAlias, viewOf } = view;
  if (!result.requiresGrad && !baseAlias.requiresGrad) return;
  // 1 outside the written region, 0 inside: the old base only gets gradient outside.
  const outside = ones(base.shape, { dtype: base.dtype, device: base.device });
  runInPlace("copyInto", viewOf(outside), [
    zeros(x.shape, { dtype: base.dtype, device: base.device }),
  ]);
  const newBase = new Tensor(base.storage, base.shape, base.strides, base.offset);
  record(newBase, "copySlices", [baseAlias, result], (g) => [
    baseAlias.requiresGrad ? g.mul(outside) : null,
    result.requiresGrad ? viewRecorded(g, viewOf, base.shape) : null,
  ]);
  base._setGradFn(newBase.gradFn);
  record(x, op, [base], (g) => [embedded(g, viewOf, base.shape)]);
}

/** `viewOf(t)` as a recorded op: its backward puts the gradient back into the base shape. */
function viewRecorded(
  t: Tensor,
  viewOf: (t: Tensor) => Tensor,
  baseShape: readonly number[],
): Tensor {
  const out = viewOf(t);
  return record(out, "asStrided", [t], (g) => [embedded(g, viewOf, baseShape)]);
}

/** Zeros of `baseShape` with `g` at the view's elements; differentiable. */
function embedded(g: Tensor, viewOf: (t: Tensor) => Tensor, baseShape: readonly number[]): Tensor {
  const base = zeros(baseShape, { dtype: g.dtype, device: g.device });
  runInPlace("copyInto", viewOf(base), [g]);
  return record(base, "asStridedBackward", [g], (gg) => [viewRecorded(gg, viewOf, baseShape)]);
}

/**
 * Runs `compute` on (the graph identity of) `x` and writes the result into
 * `x`'s memory: the shared body of every `op_` method.
 */
export function apply_<T extends Tensor>(x: T, op: string, compute: (x: Tensor) => Tensor): T {
  checkWritable(x, op);
  const base = x._base;
  if (isGradEnabled() && base !== null) {
    // A view: compute from the base's current graph identity, so the result
    // does not depend on the base's new identity (no cycle).
    const viewOf = viewMaker(x, base, op);
    const baseAlias = previousVersion(base);
    const input = baseAlias.requiresGrad ? viewRecorded(baseAlias, viewOf, base.shape).clone() : x;
    writeInto(x, op, compute(input), { base, baseAlias, viewOf });
    return x;
  }
  // Like PyTorch, the op's backward may read the old values (pow_, log_,
  // mul_ by a tensor that requires grad): it reads a copy, since x is overwritten.
  const input = isGradEnabled() && x.requiresGrad ? previousVersion(x).clone() : x;
  writeInto(x, op, compute(input), null);
  return x;
}

/** Fills `x` with `value` (a number, boolean or 0-d tensor) in place. */
export function fill_<T extends Tensor>(x: T, value: number | boolean | Tensor): T {
  if (typeof value === "object" && value.ndim !== 0) {
    throw new ShapeError(
      `fill_: value must be a number or 0-d tensor, got shape ${fmtShape(value.shape)}`,
    );
  }
  return apply_(x, "fill_", () => {
    if (typeof value === "object") return value.to(x.device).cast(x.dtype).expand(x.shape);
    return runKernel("fill", [], x.shape, x.dtype, { value: Number(value) }, x.device);
  });
}

/** Copies `src` (broadcast to `x`'s shape, converted to its dtype and device) into `x`. */
export function copy_<T extends Tensor>(x: T, src: Tensor): T {
  return apply_(x, "copy_", () => {
    return src.to(x.device).cast(x.dtype).expand(x.shape);
  });
}
