// Reads the PyTorch oracle values written by scripts/fixturegen/nn_ops.py
// (test/fixtures/nn_ops/<family>.json) and compares results with them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface FixtureCase {
  name: string;
  op: string;
  options: Record<string, any>;
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  /** A second output, e.g. the indices of a max pool. */
  output1?: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  /** Buffers the op updates in place (batch norm's running stats). */
  updated?: Record<string, FixtureTensor>;
}

export function loadCases(family: string): FixtureCase[] {
  const url = new URL(`../../../test/fixtures/nn_ops/${family}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).cases;
}

export function f32(t: FixtureTensor): Float32Array {
  return Float32Array.from(t.data);
}

/** Asserts `|actual - expected| <= atol + rtol * |expected|` element-wise, naming the first miss. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: FixtureTensor | ArrayLike<number>,
  label: string,
  tol: { atol?: number; rtol?: number } = {},
): void {
  const want = "data" in expected ? expected.data : expected;
  const atol = tol.atol ?? 1e-4;
  const rtol = tol.rtol ?? 1e-4;
  assert.equal(actual.length, want.length, `${label}: length ${actual.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const ok =
      Math.abs(actual[i] - want[i]) <= atol + rtol * Math.abs(want[i]) ||
      (Number.isNaN(actual[i]) && Number.isNaN(want[i]));
    if (!ok) assert.fail(`${label}: element ${i} is ${actual[i]}, expected ${want[i]}`);
  }
}
