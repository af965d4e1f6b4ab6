/**
 * Reading numbers out of whatever a user passes to a display: plain
 * (nested) arrays or lectern tensors. Displays depend only on this
 * structural view of a tensor, so they work with any `Tensor` version and
 * never pull values off a GPU without saying so.
 */
import { DeviceError, ShapeError, ValueError } from "../tensor/errors.js";
import type { Values } from "../tensor/print.js";

/** What displays read from a tensor (lectern's `Tensor` satisfies it). */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly device: string;
  readonly requiresGrad?: boolean;
  readonly gradFn?: unknown;
  readonly grad?: TensorLike | null;
  dataSync?(): ArrayLike<number | boolean> | ArrayLike<number>;
  data(): Promise<ArrayLike<number | boolean> | ArrayLike<number>>;
}

export type { Values } from "../tensor/print.js";

/**
 * True for objects that look like a lectern tensor.
 *
 * @example
 * isTensorLike(lt.zeros([2])); // true
 */
export function isTensorLike(x: unknown): x is TensorLike {
  return (
    x !== null &&
    typeof x === "object" &&
    Array.isArray((x as TensorLike).shape) &&
    typeof (x as TensorLike).dtype === "string" &&
    typeof (x as TensorLike).data === "function"
  );
}

function numeric(data: ArrayLike<number | boolean>): ArrayLike<number> {
  if (data.length > 0 && typeof data[0] === "boolean") return Array.from(data, Number);
  return data as ArrayLike<number>;
}

/** Nested arrays → shape + flat values; ragged arrays are an error naming `op`. */
function fromNested(op: string, x: unknown): Values {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat = (x as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (
    flat.length !== expected ||
    flat.some((v) => typeof v !== "number" && typeof v !== "boolean")
  ) {
    throw new ValueError(
      `${op}: expected a rectangular array of numbers (or a tensor) of shape [${shape}]`,
    );
  }
  return { shape, data: flat.map(Number) };
}

/**
 * Reads values synchronously (CPU tensors and arrays). A GPU tensor is an
 * error with the fix, because reading it would wait on the device.
 *
 * @example
 * readValues("scatter", [[1, 2], [3, 4]]); // { shape: [2, 2], data: [1, 2, 3, 4] }
 */
export function readValues(op: string, x: unknown): Values {
  if (isTensorLike(x)) {
    if (x.device !== "cpu" || typeof x.dataSync !== "function") {
      throw new DeviceError(
        `${op}: the tensor is on ${x.device}; move it with .to("cpu") first (reading it back waits for the device)`,
      );
    }
    return { shape: [...x.shape], data: numeric(x.dataSync()) };
  }
  if (Array.isArray(x)) return fromNested(op, x);
  throw new ValueError(`${op}: expected an array of numbers or a tensor, got ${typeof x}`);
}

/**
 * Reads values from any device (awaits GPU read-back).
 *
 * @example
 * const { shape, data } = await readValuesAsync("image", t);
 */
export async function readValuesAsync(op: string, x: unknown): Promise<Values> {
  if (isTensorLike(x) && (x.device !== "cpu" || typeof x.dataSync !== "function")) {
    return { shape: [...x.shape], data: numeric(await x.data()) };
  }
  return readValues(op, x);
}

/**
 * Checks the number of dimensions and names the op and the accepted shapes.
 *
 * @example
 * expectRank("scatter", v, [2], "[N, 2] points");
 */
export function expectRank(op: string, v: Values, ranks: number[], what: string): void {
  if (!ranks.includes(v.shape.length)) {
    throw new ShapeError(`${op}: expected ${what}, got shape [${v.shape.join(", ")}]`);
  }
}

/**
 * Rows of a 2-D value set as arrays.
 *
 * @example
 * rows({ shape: [2, 2], data: [1, 2, 3, 4] }); // [[1, 2], [3, 4]]
 */
export function rows(v: Values): number[][] {
  const [r = 0, c = 0] = v.shape;
  return Array.from({ length: r }, (_, i) =>
    Array.from({ length: c }, (_, j) => v.data[i * c + j]!),
  );
}

/**
 * [min, max] of the finite values, or `empty` when there are none. A loop,
 * not `Math.min(...values)`: spreading a large tensor overflows the stack.
 *
 * @example
 * extent([3, NaN, -1]); // [-1, 3]
 */
export function extent(
  values: ArrayLike<number>,
  empty: [number, number] = [0, 1],
): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isFinite(x)) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : empty;
}
