// Reading the PyTorch oracle values written by scripts/fixturegen/nn_layers.py.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface Encoded {
  dtype: "float32" | "int32" | "bool";
  shape: number[];
  data: (number | boolean | string)[];
}

export type Spec = [string, unknown[], Record<string, unknown>];

export const fixtures = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/nn/layers.json", import.meta.url), "utf8"),
);

function num(v: number | boolean | string): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** The tensor a fixture encodes. */
export function decode(e: Encoded): Tensor {
  const values = e.data.map(num);
  const data =
    e.dtype === "float32"
      ? Float32Array.from(values)
      : e.dtype === "int32"
        ? Int32Array.from(values)
        : Uint8Array.from(values);
  return lt.tensor(data, { dtype: e.dtype }).reshape(e.shape);
}

/** Turns fixture values into arguments: nested specs become modules, {tensor} becomes a Tensor. */
export function revive(v: unknown): unknown {
  if (Array.isArray(v) && typeof v[0] === "string" && v[0] in nn) return build(v as Spec);
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === "object") {
    if ("tensor" in v) return decode((v as { tensor: Encoded }).tensor);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

/** Builds `new nn[name](...args, options)` from a fixture spec. */
export function build(spec: Spec): nn.Module {
  const [name, args, options] = spec;
  const Ctor = (nn as any)[name];
  const revived = args.map(revive);
  if (name === "Sequential") return new Ctor(...revived);
  return Object.keys(options).length > 0 || Ctor.length > revived.length
    ? new Ctor(...revived, revive(options))
    : new Ctor(...revived);
}

/** Flattens nested arrays of outputs into tensors, in order. */
export function flatten(out: unknown): Tensor[] {
  if (out instanceof lt.Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(flatten);
  return [];
}

/** Asserts `actual` matches the encoded PyTorch value elementwise within atol + rtol·|expected|. */
export function assertClose(
  actual: Tensor,
  expected: Encoded,
  label: string,
  tol = { atol: 1e-4, rtol: 1e-3 },
): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const a = actual.dataSync();
  const e = expected.data.map(num);
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = e[i]!;
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${label}[${i}]: expected NaN, got ${x}`);
      continue;
    }
    if (!Number.isFinite(y)) {
      assert.equal(x, y, `${label}[${i}]`);
      continue;
    }
    assert.ok(
      Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y),
      `${label}[${i}]: got ${x}, PyTorch ${y} (|diff| ${Math.abs(x - y)})`,
    );
  }
}
