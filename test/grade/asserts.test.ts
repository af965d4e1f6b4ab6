import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AssertionError,
  assertClose,
  assertDtype,
  assertShape,
  expect,
  PARTIAL_CREDIT_MIME,
  partialCredit,
} from "../../grade/asserts.js";
import * as lt from "../../index.js";
import { LecternError } from "../../tensor/errors.js";

/** The read-back surface assertClose relies on, as a CPU tensor offers it. */
function fakeTensor(shape: number[], values: number[], dtype = "float32", device = "cpu") {
  return { shape, dtype, device, dataSync: () => Float32Array.from(values) };
}

function failsWith(fn: () => void, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(
      e instanceof AssertionError && e instanceof LecternError,
      `not an AssertionError: ${e}`,
    );
    assert.equal(e.name, "AssertionError");
    assert.match(e.message, pattern);
    return true;
  });
}

describe("grade asserts: assertClose", () => {
  it("passes within torch.allclose tolerances", () => {
    assertClose(1 + 1e-6, 1);
    assertClose(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 2],
        [3, 4 + 3e-5],
      ],
      { rtol: 1e-5, atol: 0 },
    );
    assertClose(fakeTensor([2], [0.1, 0.2]), [0.1, 0.2]);
    assertClose(Float64Array.of(Number.NaN, 1), [Number.NaN, 1]);
  });

  it("reports the count, the largest difference and where it is", () => {
    failsWith(
      () =>
        assertClose(
          [
            [1, 2, 3],
            [4, 5.5, 6],
          ],
          [
            [1, 2, 3.01],
            [4, 5, 6],
          ],
          { name: "dW1" },
        ),
      /^assertClose\(dW1\): 2 of 6 elements differ \(rtol 0\.00001, atol 1e-8\); largest difference at \[1, 1\]: actual 5\.5, expected 5 \(\|diff\| 0\.5\); max abs diff 0\.5$/,
    );
    failsWith(
      () => assertClose(2, 1),
      /1 of 1 element differ .* largest difference: actual 2, expected 1/,
    );
    failsWith(
      () => assertClose([Number.NaN], [1]),
      /largest difference at \[0\]: actual NaN, expected 1/,
    );
  });

  it("reports shape and dtype mismatches before values", () => {
    failsWith(
      () =>
        assertClose(fakeTensor([2, 3], [0, 0, 0, 0, 0, 0]), [
          [0, 0],
          [0, 0],
          [0, 0],
        ]),
      /shape mismatch: actual has shape \[2, 3\], expected \[3, 2\]/,
    );
    failsWith(
      () => assertClose(fakeTensor([1], [1], "int32"), fakeTensor([1], [1])),
      /dtype mismatch: actual is int32, expected float32/,
    );
    assertClose(fakeTensor([1], [1], "int32"), fakeTensor([1], [1]), { checkDtype: false });
  });

  it("explains values that are not numbers", () => {
    failsWith(
      () => assertClose(undefined, 1),
      /actual value is undefined \(did the function return a value\?\)/,
    );
    failsWith(
      () =>
        assertClose(
          [[1, 2], [3]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      /actual array is ragged: at \[1\] expected 2 entries, found 1/,
    );
    failsWith(
      () => assertClose(fakeTensor([1], [1], "float32", "webgpu"), [1]),
      /tensor is on webgpu; move it to the CPU first/,
    );
    failsWith(() => assertClose("1", 1), /the string "1"/);
  });
});

describe("grade asserts: shape, dtype and expect", () => {
  it("checks shapes and dtypes", () => {
    assertShape(fakeTensor([2, 3], [0, 0, 0, 0, 0, 0]), [2, 3]);
    failsWith(
      () => assertShape(fakeTensor([64, 1], new Array(64).fill(0)), [64, 10], "logits"),
      /^assertShape\(logits\): expected shape \[64, 10\], got \[64, 1\]$/,
    );
    assertDtype(fakeTensor([1], [1], "int32"), "int32");
    failsWith(
      () => assertDtype(fakeTensor([1], [1]), "int32", "labels"),
      /expected dtype int32, got float32/,
    );
  });

  it("implements Jest's matchers with readable failures", () => {
    expect(1 + 1).toBe(2);
    failsWith(() => expect(3).toBe(4), /toBe: got 3, expected 4/);
    expect({ a: [1, 2], b: "x" }).toEqual({ a: [1, 2], b: "x" });
    failsWith(
      () => expect({ a: [1, 2] }).toEqual({ a: [1, 3] }),
      /toEqual: \.a\[1\]: got 2, expected 3/,
    );
    failsWith(() => expect([1]).toEqual([1, 2]), /length 1, expected length 2/);
    expect(0.1 + 0.2).toBeCloseTo(0.3, 5);
    failsWith(() => expect(2.31).toBeCloseTo(2.3046, 3), /to 3 decimal places/);
    failsWith(() => expect(undefined).toBeCloseTo(1), /got undefined/);
    expect(() => {
      throw new Error("shapes do not align");
    }).toThrow(/align/);
    failsWith(() => expect(() => 1).toThrow(), /returned without throwing/);
    failsWith(() => expect(0.5).toBeGreaterThan(0.9), /expected more than 0\.9/);
    expect(1).toBeLessThan(2);
    failsWith(() => expect("").toBeTruthy(), /got ""/);
  });

  it("partialCredit displays the points under its MIME type", () => {
    const bundle = (partialCredit(1.5) as any)[Symbol.for("Jupyter.display")]();
    assert.deepEqual(bundle[PARTIAL_CREDIT_MIME], { points: 1.5 });
    failsWith(() => partialCredit(Number.NaN), /finite number/);
  });
});

describe("grade asserts on lectern tensors", () => {
  it("compares real tensors and reports their shapes and dtypes", () => {
    const a = lt.tensor([
      [1, 2],
      [3, 4],
    ]);
    assertClose(a, [
      [1, 2],
      [3, 4],
    ]);
    assertClose(a.matmul(lt.eye(2)), a);
    failsWith(
      () =>
        assertClose(
          a,
          lt.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: "int32" },
          ),
        ),
      /dtype mismatch: actual is float32, expected int32/,
    );
    failsWith(
      () =>
        assertClose(a.t(), [
          [1, 2],
          [3, 4],
        ]),
      /largest difference at \[0, 1\]: actual 3, expected 2/,
    );
    failsWith(() => assertShape(a.sum(0), [2, 1]), /expected shape \[2, 1\], got \[2\]/);
    assertDtype(lt.tensor([1], { dtype: "int32" }), "int32");
  });
});
