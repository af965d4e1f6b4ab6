import { IndexError, ShapeError, ValueError } from "./errors.js";

/** A shape in the message style of PyTorch: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** True when `strides` lay `shape` out row-major without gaps (size-1 dims may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(shape: readonly number[], op: string): number[] {
  if (!Array.isArray(shape)) {
    throw new ValueError(`${op}: shape must be an array of integers, got ${String(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(
        `${op}: shape ${fmtShape(shape)} has an invalid size ${d}; sizes are integers >= 0`,
      );
    }
  }
  return [...shape];
}

/**
 * The shape two shapes broadcast to (NumPy/PyTorch rules: align trailing
 * dims; each pair must be equal or contain a 1).
 *
 * @example
 * broadcastShapes([2, 1, 3], [4, 1]); // [2, 4, 3]
 */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  op = "broadcast",
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast ` +
          `(dim ${i - n}: ${da} vs ${db}); sizes must match or be 1 — reshape or unsqueeze one operand`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Broadcasts any number of shapes together. */
export function broadcastAll(shapes: readonly (readonly number[])[], op = "broadcast"): number[] {
  let out: number[] = [];
  for (const s of shapes) out = broadcastShapes(out, s, op);
  return out;
}

/**
 * Turns a possibly negative dim into an index in `[0, ndim)`; a scalar
 * (ndim 0) accepts dims -1 and 0 like PyTorch.
 */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(
      `${op}: dim ${dim} is out of range for a tensor with ${ndim} dims (expected -${n} <= dim < ${n})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a list of dims, rejecting repeats. Undefined means every dim. */
export function normalizeDims(
  dims: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normalizeDim(d, ndim, op));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new IndexError(`${op}: dim ${d} appears more than once in [${list}]`);
    seen.add(d);
  }
  return ndim === 0 ? [] : out.sort((x, y) => x - y);
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
