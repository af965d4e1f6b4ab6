import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryOps, reduceOps, unaryOps } from "../../../tensor/backends/kernels.js";
import * as lt from "../../../tensor/index.js";

/** Every kernel named in tensor/backends/kernels.ts. */
const builtins = [
  ...unaryOps,
  ...binaryOps,
  ...reduceOps,
  "cast",
  "contiguous",
  "where",
  "fill",
  "copyInto",
  "cumsum",
  "cumprod",
  "softmax",
  "logSoftmax",
  "matmul",
  "gather",
  "scatter",
  "indexSelect",
  "indexAdd",
  "cat",
  "flip",
  "argsort",
];

describe("backend and kernel registries", () => {
  it("the CPU backend implements every built-in kernel", () => {
    const missing = builtins.filter((op) => !lt.hasKernel(op, "cpu"));
    assert.deepEqual(missing, []);
    assert.ok(lt.listBackends().includes("cpu"));
  });

  it("a registered kernel replaces the previous one for that device only", () => {
    const original = lt.getKernel("neg", "cpu");
    let calls = 0;
    lt.registerKernel("neg", "cpu", (inputs, out, attrs) => {
      calls++;
      return original(inputs, out, attrs);
    });
    try {
      assert.deepEqual(lt.tensor([1, -2]).neg().arraySync(), [-1, 2]);
      assert.equal(calls, 1);
    } finally {
      lt.registerKernel("neg", "cpu", original);
    }
  });

  it("kernels receive strided views and the output spec", () => {
    const original = lt.getKernel("exp", "cpu");
    const seen: { shape: readonly number[]; strides: readonly number[]; offset: number }[] = [];
    lt.registerKernel("exp", "cpu", (inputs, out, attrs) => {
      seen.push(...inputs.map(({ shape, strides, offset }) => ({ shape, strides, offset })));
      assert.deepEqual(out, { shape: [3, 2], dtype: "float32", size: 6 });
      return original(inputs, out, attrs);
    });
    try {
      lt.zeros([2, 4]).narrow(1, 1, 3).t().exp();
      assert.deepEqual(seen, [{ shape: [3, 2], strides: [1, 4], offset: 1 }]);
    } finally {
      lt.registerKernel("exp", "cpu", original);
    }
  });

  it("unknown devices and kernels are DeviceErrors", () => {
    assert.throws(
      () => lt.getBackend("tpu"),
      (e: Error) => e instanceof lt.DeviceError && /registered: .*cpu/.test(e.message),
    );
    assert.throws(() => lt.getKernel("noSuchOp", "cpu"), lt.DeviceError);
  });
});
