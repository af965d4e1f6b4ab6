import assert from "node:assert/strict";
import type { Tensor } from "../../tensor/index.js";

/** Flattens nested arrays of numbers/booleans to numbers. */
export function flat(values: unknown): number[] {
  if (Array.isArray(values)) return values.flatMap(flat);
  return [Number(values)];
}

/**
 * Asserts that `actual` has `expected`'s shape (when nested arrays are
 * given) and values within `atol + rtol * |expected|`; NaNs must match.
 */
export function assertClose(
  actual: Tensor,
  expected: unknown,
  { atol = 1e-5, rtol = 1e-5, shape }: { atol?: number; rtol?: number; shape?: number[] } = {},
): void {
  if (shape !== undefined) assert.deepEqual(actual.shape, shape, "shape");
  const got = Array.from(actual.dataSync(), Number);
  const want = flat(expected);
  assert.equal(got.length, want.length, `element count ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(g), `element ${i}: expected NaN, got ${g}`);
    } else if (!Number.isFinite(w)) {
      assert.equal(g, w, `element ${i}`);
    } else {
      assert.ok(
        Math.abs(g - w) <= atol + rtol * Math.abs(w),
        `element ${i}: got ${g}, expected ${w} (atol ${atol}, rtol ${rtol})`,
      );
    }
  }
}
