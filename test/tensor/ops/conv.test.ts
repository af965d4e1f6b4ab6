import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grad } from "../../../tensor/autograd/functional.js";
import { gradcheck } from "../../../tensor/autograd/gradcheck.js";
import { enableGrad } from "../../../tensor/autograd/mode.js";
import { ShapeError } from "../../../tensor/errors.js";
import {
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from "../../../tensor/ops/conv.js";
import { ones, tensor, zeros } from "../../../tensor/ops/creation.js";
import { randn } from "../../../tensor/random.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { assertClose, checkCase, loadCases } from "../nn_ops_fixtures.js";

const OPS = { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d };

describe("conv ops match PyTorch (values and gradients)", () => {
  for (const c of loadCases("conv")) {
    it(`${c.op}: ${c.name}`, () => {
      const op = OPS[c.op as keyof typeof OPS] as typeof conv2d;
      checkCase(c, ({ x, weight, bias }) => op(x, weight, bias ?? null, c.options));
    });
  }
});

describe("conv ops", () => {
  it("accept an unbatched input", () => {
    const x = ones([2, 5, 5]);
    const w = ones([3, 2, 3, 3]);
    const y = conv2d(x, w, null, { padding: 1 });
    assert.deepEqual(y.shape, [3, 5, 5]);
    assertClose(y.dataSync().slice(0, 2), [8, 12], "corner and edge sums");
  });

  it("compute a transposed conv as the adjoint of the conv", () => {
    // <conv(x, w), y> = <x, convTranspose(y, w)>
    const x = tensor([
      [
        [
          [1, 2, 0],
          [3, -1, 2],
          [0, 1, 1],
        ],
      ],
    ]);
    const w = tensor([
      [
        [
          [1, -1],
          [2, 0.5],
        ],
      ],
    ]);
    const y = tensor([
      [
        [
          [0.5, -2],
          [1, 3],
        ],
      ],
    ]);
    const lhs = conv2d(x, w).mul(y).sum().itemSync() as number;
    const rhs = x.mul(convTranspose2d(y, w)).sum().itemSync() as number;
    assert.ok(Math.abs(lhs - rhs) < 1e-5);
  });

  it("pass gradcheck for input, weight and bias", () => {
    const x = randn([2, 4, 5, 4], { requiresGrad: true });
    const w = randn([6, 2, 3, 2], { requiresGrad: true });
    const b = randn([6], { requiresGrad: true });
    const opts = { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 };
    assert.ok(gradcheck((x, w, b) => conv2d(x, w, b, opts), [x, w, b]));
    const wt = randn([4, 3, 3, 3], { requiresGrad: true });
    const tOpts = { stride: 2, padding: 1, outputPadding: 1 };
    assert.ok(
      gradcheck(
        (x, w, b) => convTranspose2d(x, w, b, tOpts),
        [x, wt, randn([3], { requiresGrad: true })],
      ),
    );
  });

  it("are differentiable twice (gradient penalties)", () => {
    const x = randn([1, 2, 5], { requiresGrad: true });
    const w = randn([3, 2, 3], { requiresGrad: true });
    // each first-order gradient, as a function of (x, w), passes gradcheck
    for (const which of [0, 1]) {
      const firstGrad = (x: Tensor, w: Tensor) =>
        enableGrad(() => {
          const [xl, wl] = [x, w].map((t) => (t.requiresGrad ? t : t.detach().requiresGrad_()));
          const y = conv1d(xl, wl, null, { padding: 1 });
          return grad(y.mul(y).sum(), [xl, wl], { createGraph: true })[which]!;
        });
      assert.ok(gradcheck(firstGrad, [x, w]));
    }
  });

  it("read non-contiguous inputs and empty batches", () => {
    const x = randn([2, 5, 5, 3]).permute([0, 3, 1, 2]);
    const w = randn([4, 3, 3, 3]);
    assert.deepEqual(conv2d(x, w).arraySync(), conv2d(x.contiguous(), w).arraySync());
    assert.deepEqual(conv2d(zeros([0, 3, 5, 5]), w).shape, [0, 4, 3, 3]);
  });

  it("show up in the recorded graph under their own names", () => {
    const w = randn([2, 1, 3, 3], { requiresGrad: true });
    assert.equal(conv2d(randn([1, 1, 5, 5]), w).gradFn?.op, "conv2d");
    assert.equal(convTranspose1d(randn([1, 2, 4]), randn([2, 1, 3]), null).gradFn, null);
    const wt = randn([2, 1, 3], { requiresGrad: true });
    assert.equal(convTranspose1d(randn([1, 2, 4]), wt).gradFn?.op, "convTranspose1d");
  });

  it("name the shapes when channels and weight disagree", () => {
    assert.throws(
      () => conv2d(ones([2, 3, 8, 8]), ones([16, 4, 3, 3])),
      (e: Error) =>
        e instanceof ShapeError &&
        /conv2d: input \[2, 3, 8, 8\] has 3 channels but weight \[16, 4, 3, 3\] expects 4/.test(
          e.message,
        ),
    );
  });

  it("name the accepted ranks", () => {
    assert.throws(
      () => conv2d(ones([8, 8]), ones([1, 1, 3, 3])),
      /conv2d: expected a 4-D input \[N, C, H, W\] or a 3-D unbatched one \[C, H, W\], got \[8, 8\]/,
    );
  });

  it("reject a bias of the wrong size", () => {
    assert.throws(
      () => conv2d(ones([1, 3, 8, 8]), ones([16, 3, 3, 3]), ones([8])),
      /conv2d: bias \[8\] must be 1-D with one value per output channel \(16\)/,
    );
  });

  it("reject an integer input", () => {
    assert.throws(
      () => conv1d(tensor([[[1, 2, 3]]], { dtype: "int32" }), ones([1, 1, 2])),
      /float/,
    );
  });
});
