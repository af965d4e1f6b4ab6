import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gradcheck } from "../../../tensor/autograd/gradcheck.js";
import { ones, tensor, zeros } from "../../../tensor/ops/creation.js";
import {
  batchNorm,
  groupNorm,
  layerNorm,
  localResponseNorm,
} from "../../../tensor/ops/normalization.js";
import { randn } from "../../../tensor/random.js";
import { assertClose, checkCase, loadCases } from "../nn_ops_fixtures.js";

describe("normalization ops match PyTorch", () => {
  for (const c of loadCases("normalization")) {
    it(`${c.op}: ${c.name}`, () => {
      const o = c.options;
      const inputs = checkCase(
        c,
        ({ x, runningMean, runningVar, weight, bias }) => {
          switch (c.op) {
            case "batchNorm":
              return batchNorm(
                x,
                runningMean,
                runningVar,
                weight,
                bias,
                o.training,
                o.momentum,
                o.eps,
              );
            case "layerNorm":
              return layerNorm(x, o.normalizedShape, weight, bias, o.eps);
            case "groupNorm":
              return groupNorm(x, o.numGroups, weight, bias, o.eps);
            default:
              return localResponseNorm(x, o.size, o);
          }
        },
        { atol: 5e-4 },
      );
      for (const [name, expected] of Object.entries(c.updated ?? {})) {
        assertClose(inputs[name].dataSync(), expected, `updated ${name}`);
      }
    });
  }
});

describe("normalization ops", () => {
  it("batch norm keeps the running statistics out of the graph", () => {
    const x = randn([4, 3, 2], { requiresGrad: true });
    const mean = zeros([3]);
    const variance = ones([3]);
    batchNorm(x, mean, variance, null, null, true).sum().backward();
    assert.equal(mean.requiresGrad, false);
    assert.notDeepEqual(mean.arraySync(), [0, 0, 0]);
  });

  it("let the output be modified in place before backward, as PyTorch does", () => {
    const x = randn([4, 3, 2], { requiresGrad: true });
    const y = batchNorm(x, null, null, null, null, true);
    y.relu_();
    y.sum().backward();
    assert.deepEqual(x.grad!.shape, [4, 3, 2]);
  });

  it("handle an empty batch", () => {
    const x = zeros([0, 3, 4, 4], { requiresGrad: true });
    for (const y of [layerNorm(x, [4]), groupNorm(x, 3), localResponseNorm(x, 3)]) {
      assert.deepEqual(y.shape, [0, 3, 4, 4]);
      y.sum().backward();
    }
  });

  it("batch norm refuses a single value per channel in training", () => {
    assert.throws(
      () => batchNorm(randn([1, 3]), null, null, null, null, true),
      /batchNorm: expected more than 1 value per channel when training, got input \[1, 3\]/,
    );
  });

  it("batch norm in eval mode needs running statistics", () => {
    assert.throws(
      () => batchNorm(randn([2, 3]), null, null),
      /runningMean and runningVar are needed/,
    );
  });

  it("layer norm names a normalizedShape that does not match", () => {
    assert.throws(
      () => layerNorm(randn([2, 3, 4]), [3]),
      /layerNorm: input \[2, 3, 4\] does not end with normalizedShape \[3\]/,
    );
  });

  it("group norm needs groups that divide the channels", () => {
    assert.throws(
      () => groupNorm(randn([2, 6, 3]), 4),
      /numGroups must be a positive integer dividing the 6 channels/,
    );
  });

  it("local response norm divides alpha by the window size, as PyTorch does", () => {
    // one channel of ones: window sum 1, so the divisor is (k + alpha / n)^beta
    const y = localResponseNorm(ones([1, 1, 1]), 5, { alpha: 5, beta: 1, k: 1 });
    assert.deepEqual(y.arraySync(), [[[0.5]]]);
  });

  it("pass gradcheck", () => {
    const x = randn([3, 4, 2, 2], { requiresGrad: true });
    const w = randn([4], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    assert.ok(gradcheck((x, w, b) => batchNorm(x, null, null, w, b, true), [x, w, b]));
    assert.ok(gradcheck((x, w, b) => batchNorm(x, zeros([4]), ones([4]), w, b, false), [x, w, b]));
    const lw = randn([2, 2], { requiresGrad: true });
    assert.ok(gradcheck((x, w) => layerNorm(x, [2, 2], w, null), [x, lw]));
    assert.ok(gradcheck((x, w, b) => groupNorm(x, 2, w, b), [x, w, b]));
    assert.ok(gradcheck((x) => localResponseNorm(x, 3, { alpha: 0.5, beta: 0.75, k: 1 }), [x]));
  });

  it("layer norm output has zero mean and unit variance per row", () => {
    const y = layerNorm(
      tensor([
        [1, 2, 3, 4],
        [10, 10, 10, 14],
      ]),
      [4],
    );
    assertClose(y.mean(1).dataSync(), [0, 0], "row means", { atol: 1e-6 });
    assertClose(y.var(1, { correction: 0 }).dataSync(), [1, 1], "row variances", { atol: 1e-4 });
  });
});
