import { getBackend } from "../backends/backend.js";
import { getDefaultDevice } from "../device.js";
import { runKernel } from "../dispatch.js";
import {
  checkDType,
  type DType,
  dtypeOfArray,
  getDefaultDType,
  type TypedArray,
  typedArray,
} from "../dtype.js";
import { ShapeError, ValueError } from "../errors.js";
import { checkShape, contiguousStrides } from "../shape.js";
import { Storage } from "../storage.js";
import { Tensor } from "../tensor.js";

/** Keyword options of every creation function. */
export interface CreationOptions {
  dtype?: DType;
  /** `"cpu"` (default, see setDefaultDevice) or `"webgpu"`. */
  device?: string;
  requiresGrad?: boolean;
}

/** Nested arrays of numbers/booleans (rows may be typed arrays), as accepted by `lt.tensor`. */
export type NestedArray = number | boolean | ArrayLike<number> | readonly NestedArray[];

/** Plain arrays and typed arrays (Float64Array rows...) both nest. */
function isList(x: unknown): x is ArrayLike<NestedArray> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** A shape given as a list of sizes or, for 1-D, a single size. */
export type ShapeLike = number | readonly number[];

export function toShape(shape: ShapeLike, op: string): number[] {
  return checkShape(typeof shape === "number" ? [shape] : (shape as number[]), op);
}

/** Wraps host values of `dtype` in a new tensor on `device`. */
export function fromValues(
  values: TypedArray,
  shape: readonly number[],
  dtype: DType,
  device: string = getDefaultDevice(),
): Tensor {
  const backend = getBackend(device);
  const storage = new Storage(backend, backend.fromTypedArray(values, dtype), dtype, values.length);
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0);
}

function finish(t: Tensor, opts: CreationOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (isList(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (x: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (isList(x)) throw new ShapeError(`${op}: ragged nested array at [${path}]: too deep`);
      if (typeof x !== "number" && typeof x !== "boolean") {
        throw new ValueError(
          `${op}: element at [${path}] is ${String(x)}; expected a number or boolean`,
        );
      }
      return;
    }
    if (!isList(x) || x.length !== shape[depth]) {
      throw new ShapeError(
        `${op}: ragged nested array: expected length ${shape[depth]} at [${path}], got ` +
          `${isList(x) ? x.length : "a scalar"}; every row must have the same length`,
      );
    }
    for (let i = 0; i < x.length; i++) check(x[i], depth + 1, [...path, i]);
  };
  check(data, 0, []);
  return shape;
}

/**
 * A tensor holding a copy of `data` (`torch.tensor`). Numbers give float32
 * unless `dtype` says otherwise (JS has one number type, so `[1, 2]` is not
 * an integer list as in Python), booleans give bool, and an Int32Array gives
 * int32.
 *
 * @example
 * const x = lt.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const labels = lt.tensor([0, 2, 1], { dtype: "int32" });
 */
export function tensor(
  data: NestedArray | TypedArray | Tensor,
  opts: CreationOptions = {},
): Tensor {
  const op = "tensor";
  const device = opts.device ?? getDefaultDevice();
  if (data instanceof Tensor) {
    const t = data.detach().to(device).clone();
    return finish(opts.dtype ? t.to(checkDType(opts.dtype, op)) : t, opts);
  }
  const arrayDType = dtypeOfArray(data);
  if (arrayDType !== undefined) {
    const dtype = opts.dtype ? checkDType(opts.dtype, op) : arrayDType;
    const values = typedArray(dtype, (data as TypedArray).length);
    for (let i = 0; i < values.length; i++) {
      const v = (data as TypedArray)[i];
      values[i] = dtype === "bool" ? (v ? 1 : 0) : v;
    }
    return finish(fromValues(values, [values.length], dtype, device), opts);
  }
  const nested = data as NestedArray;
  const shape = inferShape(nested, op);
  const flat: (number | boolean)[] = [];
  const collect = (x: NestedArray): void => {
    if (isList(x)) for (let i = 0; i < x.length; i++) collect(x[i]);
    else flat.push(x as number | boolean);
  };
  collect(nested);
  const allBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
  const dtype = opts.dtype ? checkDType(opts.dtype, op) : allBool ? "bool" : getDefaultDType();
  const values = typedArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    values[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
  }
  return finish(fromValues(values, shape, dtype, device), opts);
}

/** A 0-d tensor holding `value`, for scalar operands. */
export function scalarTensor(value: number | boolean, dtype: DType, device: string): Tensor {
  const values = typedArray(dtype, 1);
  values[0] = dtype === "bool" ? (value ? 1 : 0) : Number(value);
  return fromValues(values, [], dtype, device);
}

/**
 * A tensor of `shape` filled with `value` (`torch.full`); the dtype follows
 * the value (boolean → bool, otherwise float32) unless given.
 *
 * @example
 * lt.full([2, 2], 7); // [[7, 7], [7, 7]]
 */
export function full(
  shape: ShapeLike,
  value: number | boolean,
  opts: CreationOptions = {},
): Tensor {
  const op = "full";
  const s = toShape(shape, op);
  const dtype = opts.dtype
    ? checkDType(opts.dtype, op)
    : typeof value === "boolean"
      ? "bool"
      : getDefaultDType();
  const v = typeof value === "boolean" ? Number(value) : value;
  const device = opts.device ?? getDefaultDevice();
  return finish(
    runKernel("fill", [], s, dtype, { value: dtype === "bool" ? Number(v !== 0) : v }, device),
    opts,
  );
}

/**
 * A tensor of zeros (`torch.zeros`).
 *
 * @example
 * lt.zeros([2, 3]).shape; // [2, 3]
 */
export function zeros(shape: ShapeLike, opts: CreationOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/**
 * A tensor of ones (`torch.ones`).
 *
 * @example
 * lt.ones([3], { dtype: "int32" });
 */
export function ones(shape: ShapeLike, opts: CreationOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** `opts` with dtype and device defaulting to `t`'s (the `*Like` functions). */
export function likeOptions(t: Tensor, opts: CreationOptions): CreationOptions {
  return {
    dtype: opts.dtype ?? t.dtype,
    device: opts.device ?? t.device,
    requiresGrad: opts.requiresGrad,
  };
}

/** Zeros with the shape (and by default dtype and device) of `t`. */
export function zerosLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return full(t.shape, 0, likeOptions(t, opts));
}

/** Ones with the shape (and by default dtype and device) of `t`. */
export function onesLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return full(t.shape, 1, likeOptions(t, opts));
}

/** `value` everywhere, with the shape (and by default dtype and device) of `t`. */
export function fullLike(t: Tensor, value: number | boolean, opts: CreationOptions = {}): Tensor {
  return full(t.shape, value, likeOptions(t, opts));
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`
 * (`torch.arange`). int32 when all arguments are integers, else float32.
 *
 * @example
 * lt.arange(5);          // [0, 1, 2, 3, 4] (int32)
 * lt.arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 */
export function arange(
  start: number,
  end?: number,
  step: number | CreationOptions = 1,
  opts: CreationOptions = {},
): Tensor {
  const op = "arange";
  if (typeof step === "object") {
    opts = step;
    step = 1;
  }
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step) || !Number.isFinite(start) || !Number.isFinite(end)) {
    throw new ValueError(
      `${op}: start, end and step must be finite and step non-zero (got ${start}, ${end}, ${step})`,
    );
  }
  if ((end - start) / step < 0) {
    throw new ValueError(
      `${op}: step ${step} goes away from end (start ${start}, end ${end}); flip its sign`,
    );
  }
  const n = Math.max(Math.ceil((end - start) / step), 0);
  const integral = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ? checkDType(opts.dtype, op) : integral ? "int32" : getDefaultDType();
  const values = typedArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return finish(fromValues(values, [n], dtype, opts.device), opts);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included (`torch.linspace`).
 *
 * @example
 * lt.linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  opts: CreationOptions = {},
): Tensor {
  const op = "linspace";
  if (!Number.isInteger(steps) || steps < 0) {
    throw new ValueError(`${op}: steps must be an integer >= 0, got ${steps}`);
  }
  const dtype = opts.dtype ? checkDType(opts.dtype, op) : getDefaultDType();
  const values = typedArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    values[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(fromValues(values, [steps], dtype, opts.device), opts);
}

/**
 * An `n x m` matrix with ones on the diagonal (`torch.eye`).
 *
 * @example
 * lt.eye(3);
 */
export function eye(
  n: number,
  m: number | CreationOptions = n,
  opts: CreationOptions = {},
): Tensor {
  const op = "eye";
  if (typeof m === "object") {
    opts = m;
    m = n;
  }
  const [rows, cols] = checkShape([n, m], op);
  const dtype = opts.dtype ? checkDType(opts.dtype, op) : getDefaultDType();
  const values = typedArray(dtype, rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
  return finish(fromValues(values, [rows, cols], dtype, opts.device), opts);
}
