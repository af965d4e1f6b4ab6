// Reads the PyTorch oracle values written by scripts/fixturegen/nn_ops.py
// (test/fixtures/nn_ops/<family>.json) and compares results with them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor } from "../../tensor/ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";

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

/** A leaf tensor holding a fixture's values (float32 unless `int`). */
export function fixtureTensor(
  t: FixtureTensor,
  { int = false, requiresGrad = false }: { int?: boolean; requiresGrad?: boolean } = {},
): Tensor {
  const flat = int ? tensor(Int32Array.from(t.data)) : tensor(Float32Array.from(t.data));
  return tensor(flat.reshape(t.shape), { requiresGrad });
}

/**
 * Runs a fixture case through the public op `run`: builds the inputs
 * (float inputs require grad; `indices` is int32), compares the output (and
 * the indices of a `[values, indices]` result), backpropagates the fixture's
 * upstream gradient and compares every input gradient.
 */
export function checkCase(
  c: FixtureCase,
  run: (inputs: Record<string, Tensor>) => Tensor | [Tensor, Tensor],
  tol: { atol?: number; rtol?: number } = {},
): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(c.inputs)) {
    inputs[name] = fixtureTensor(t, { int: name === "indices", requiresGrad: name in c.grads });
  }
  const result = run(inputs);
  const out = Array.isArray(result) ? result[0] : result;
  assert.deepEqual(out.shape, c.output.shape, "output shape");
  assertClose(out.dataSync(), c.output, "output", tol);
  if (c.output1 && Array.isArray(result)) {
    assert.deepEqual([...result[1].dataSync()], c.output1.data, "indices");
  }
  out.backward(fixtureTensor(c.gradOutput));
  for (const [name, expected] of Object.entries(c.grads)) {
    const grad = inputs[name].grad;
    assert.ok(grad, `no gradient reached ${name}`);
    assert.deepEqual(grad.shape, expected.shape, `grad ${name} shape`);
    assertClose(grad.dataSync(), expected, `grad ${name}`, tol);
  }
  return inputs;
}
