import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { formatTensor, pyExp, pyFixed } from "../../tensor/print.js";

interface Case {
  name: string;
  shape: number[];
  dtype: string;
  data: (number | string)[];
  requiresGrad: boolean;
  gradFn: string | null;
  expected: string;
}

const fixture = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/display/tensor_str.json", import.meta.url), "utf8"),
) as { cases: Case[] };

for (const c of fixture.cases) {
  test(`formatTensor matches PyTorch's str(): ${c.name}`, () => {
    const values = c.data.map((v) =>
      typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v,
    );
    const data = c.dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values);
    const text = formatTensor(
      { shape: c.shape, data },
      {
        dtype: c.dtype,
        device: "cpu",
        requiresGrad: c.requiresGrad,
        ...(c.gradFn ? { gradFnName: c.gradFn } : {}),
      },
    );
    // lectern's int32 plays torch's int64 role; an empty tensor still names it.
    assert.equal(text, c.expected.replace("dtype=torch.int64", "dtype=int32"));
  });
}

test("device, non-default dtype and Parameter are shown like PyTorch", () => {
  assert.equal(
    formatTensor(
      { shape: [2], data: [1, 2] },
      { dtype: "float16", device: "webgpu", requiresGrad: true },
    ),
    "tensor([1., 2.], device='webgpu', dtype=float16, requires_grad=True)",
  );
  assert.equal(
    formatTensor(
      { shape: [1], data: [0.5] },
      { dtype: "float32", device: "cpu", requiresGrad: true, isParameter: true },
    ),
    "Parameter containing:\ntensor([0.5000], requires_grad=True)",
  );
});

test("Python-style rounding: exact ties go to even", () => {
  assert.equal(pyFixed(0.03125, 4), "0.0312");
  assert.equal(pyFixed(0.09375, 4), "0.0938");
  assert.equal(pyFixed(2.5, 0), "2");
  assert.equal(pyFixed(3.5, 0), "4");
  assert.equal(pyFixed(-0, 4), "-0.0000");
  assert.equal(pyExp(1.00005e-5, 4), "1.0001e-05"); // not a tie in binary: Python agrees
  assert.equal(pyExp(12345, 1), "1.2e+04");
  assert.equal(pyExp(1.25, 1), "1.2e+00");
  assert.equal(pyExp(Number.NaN, 4), "nan");
});
