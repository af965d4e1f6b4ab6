import type { KernelInput } from "../backend.js";

/**
 * The storage position of every element of a strided view, in row-major
 * order, or null when the view is contiguous (element i is at offset + i).
 * Kernels use it to read views (transposes, slices, broadcasts) without a copy.
 */
export function elementOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array | null {
  let contiguous = true;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) contiguous = false;
    expected *= shape[d];
  }
  if (contiguous) return null;
  const n = expected;
  const out = new Int32Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let pos = offset;
  for (let i = 0; i < n; i++) {
    out[i] = pos;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      pos += strides[d];
      if (idx[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Like elementOffsets but always materialised (for kernels that index in two levels). */
export function allOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array {
  const o = elementOffsets(shape, strides, offset);
  if (o !== null) return o;
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = offset + i;
  return out;
}

/**
 * Splits a view into rows along `dims`: `outer[r]` is the storage position
 * where row r starts and `inner[j]` the distance to its j-th element, so
 * row r, element j lives at `outer[r] + inner[j]`. Rows enumerate the kept
 * dims in row-major order; elements enumerate `dims` in row-major order.
 */
export function rowsAlong(
  x: KernelInput,
  dims: readonly number[],
): { outer: Int32Array; inner: Int32Array } {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    if (dims.includes(d)) {
      redShape.push(x.shape[d]);
      redStrides.push(x.strides[d]);
    } else {
      keptShape.push(x.shape[d]);
      keptStrides.push(x.strides[d]);
    }
  }
  return {
    outer: allOffsets(keptShape, keptStrides, x.offset),
    inner: allOffsets(redShape, redStrides, 0),
  };
}
