import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grad } from "../../../tensor/autograd/functional.js";
import { gradcheck } from "../../../tensor/autograd/gradcheck.js";
import { enableGrad } from "../../../tensor/autograd/mode.js";
import { tensor, zeros } from "../../../tensor/ops/creation.js";
import * as pool from "../../../tensor/ops/pool.js";
import { randn, randperm } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { checkCase, loadCases } from "../nn_ops_fixtures.js";

type AnyPool = (x: Tensor, size: any, options?: any) => Tensor | [Tensor, Tensor];
type AnyUnpool = (x: Tensor, indices: Tensor, size: any, options?: any) => Tensor;

describe("pool ops match PyTorch (values, indices and gradients)", () => {
  for (const c of loadCases("pool")) {
    it(`${c.op}: ${c.name}`, () => {
      const op = (pool as unknown as Record<string, AnyPool>)[c.op];
      const { args, ...options } = c.options;
      checkCase(c, ({ x }) => op(x, args[0], options));
    });
  }
});

describe("max unpooling matches PyTorch", () => {
  for (const c of loadCases("unpool")) {
    it(`${c.op}: ${c.name}`, () => {
      const op = (pool as unknown as Record<string, AnyUnpool>)[c.op];
      const { args, ...options } = c.options;
      checkCase(c, ({ x, indices }) => op(x, indices, args[0], options));
    });
  }
});

describe("pool ops", () => {
  it("return [values, indices] with returnIndices", () => {
    const x = tensor([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 1],
        ],
      ],
    ]);
    const [values, indices] = pool.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual(values.arraySync(), [[[[5, 8]]]]);
    assert.deepEqual(indices.arraySync(), [[[[1, 6]]]]);
    assert.equal(indices.dtype, "int32");
  });

  it("pass gradcheck (max, avg, adaptive)", () => {
    // distinct values 0.1 apart keep every maximum further than eps from a tie
    const x = tensor(randperm(60).float().mul(0.1).reshape([2, 2, 5, 3]), { requiresGrad: true });
    assert.ok(
      gradcheck((x) => pool.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [x]),
    );
    assert.ok(
      gradcheck((x) => pool.avgPool2d(x, [2, 3], { padding: 1, countIncludePad: false }), [x]),
    );
    assert.ok(gradcheck((x) => pool.adaptiveAvgPool2d(x, [3, 4]), [x]));
    assert.ok(gradcheck((x) => pool.adaptiveMaxPool2d(x, 2), [x]));
  });

  it("are differentiable twice (max and average)", () => {
    const x = tensor(randperm(40).float().mul(0.1).reshape([1, 2, 4, 5]), { requiresGrad: true });
    for (const pool2d of [
      (t: Tensor) => pool.avgPool2d(t, 3, { stride: 1, padding: 1 }),
      (t: Tensor) => pool.maxPool2d(t, 3, { stride: 1, padding: 1 }),
    ]) {
      const firstGrad = (x: Tensor) =>
        enableGrad(() => {
          const leaf = x.requiresGrad ? x : x.detach().requiresGrad_();
          const y = pool2d(leaf);
          return grad(y.mul(y).sum(), [leaf], { createGraph: true })[0]!;
        });
      assert.ok(gradcheck(firstGrad, [x]));
    }
  });

  it("unpool what they pooled, and check the indices", () => {
    const x = tensor([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 1],
        ],
      ],
    ]);
    const [values, indices] = pool.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual(pool.maxUnpool2d(values, indices, 2).arraySync(), [
      [
        [
          [0, 5, 0, 0],
          [0, 0, 8, 0],
        ],
      ],
    ]);
    assert.throws(
      () => pool.maxUnpool2d(values, indices.mul(3), 2),
      /maxUnpool2d: index 18 is out of range for an output plane of \[2, 4\] \(8 positions\)/,
    );
    assert.throws(() => pool.maxUnpool2d(values, values, 2), /indices must be the int32 indices/);
  });

  it("handle an empty batch", () => {
    const x = zeros([0, 3, 4, 4], { requiresGrad: true });
    for (const y of [pool.maxPool2d(x, 2), pool.avgPool2d(x, 2), pool.adaptiveAvgPool2d(x, 2)]) {
      assert.deepEqual(y.shape, [0, 3, 2, 2]);
      y.sum().backward();
    }
    assert.deepEqual(x.grad!.shape, [0, 3, 4, 4]);
  });

  it("reject padding over half the kernel and too-small inputs", () => {
    assert.throws(
      () => pool.maxPool2d(randn([1, 1, 6, 6]), 2, { padding: 2 }),
      /maxPool2d: padding \[2, 2\] must be at most half the kernel size \[2, 2\]/,
    );
    assert.throws(
      () => pool.avgPool1d(randn([1, 1, 2]), 3),
      /avgPool1d: input \[1, 1, 2\] is too small/,
    );
    assert.throws(
      () => pool.avgPool2d(randn([1, 1, 4, 4]), 2, { divisorOverride: 0 }),
      /divisorOverride must be a non-zero number/,
    );
  });
});
