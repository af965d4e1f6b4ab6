import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("in-place ops", () => {
  it("modify the tensor and bump its version", () => {
    const x = lt.tensor([1, 2, 3]);
    const v0 = x.version;
    assert.equal(x.add_(1), x);
    x.mul_(2).sub_(1).div_(2).clamp_({ max: 3 });
    assertClose(x, [1.5, 2.5, 3]);
    assert.ok(x.version > v0);
    x.zero_();
    assertClose(x, [0, 0, 0]);
    x.fill_(4);
    assertClose(x, [4, 4, 4]);
    x.copy_(lt.tensor([7]));
    assertClose(x, [7, 7, 7]);
  });

  it("scatter_, scatterAdd_ and indexAdd_ write in place", () => {
    const idx = lt.tensor([[0, 2]], { dtype: "int32" });
    const x = lt.zeros([1, 3]);
    x.scatter_(1, idx, 5).scatterAdd_(1, idx, lt.ones([1, 2]));
    assert.deepEqual(x.arraySync(), [[6, 0, 6]]);
    x.indexAdd_(1, lt.tensor([1], { dtype: "int32" }), lt.ones([1, 1]), { alpha: 3 });
    assert.deepEqual(x.arraySync(), [[6, 3, 6]]);
    assertClose(lt.tensor([-1.5, 0.4]).abs_().floor_(), [1, 0]);
  });

  it("write through views into the base", () => {
    const x = lt.zeros([2, 3]);
    x.select(1, 2).fill_(5);
    x.index(0, ":").add_(1);
    assert.deepEqual(x.arraySync(), [
      [1, 1, 6],
      [0, 0, 5],
    ]);
  });

  it("refuse a leaf that requires grad, unless in noGrad", () => {
    const w = lt.ones([2], { requiresGrad: true });
    assert.throws(
      () => w.add_(1),
      (e: Error) =>
        e instanceof lt.AutogradError && /leaf tensor that requires grad.*noGrad/.test(e.message),
    );
    assert.throws(() => w.narrow(0, 0, 1).mul_(2), /view of a leaf tensor/);
    lt.noGrad(() => w.sub_(0.5));
    assertClose(w, [0.5, 0.5]);
    assert.ok(w.requiresGrad);
  });

  it("detect a saved tensor modified after use", () => {
    const a = lt.tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(1);
    const c = b.mul(b);
    b.add_(1);
    assert.throws(
      () => c.sum().backward(),
      (e: Error) =>
        e instanceof lt.AutogradError && /modified by an in-place operation/.test(e.message),
    );
  });

  it("differentiate through in-place ops on non-leaves", () => {
    const x = lt.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    y.add_(1).mul_(3).exp_();
    y.sum().backward();
    const expected = [1, 2, 3].map((v) => 6 * Math.exp(3 * (2 * v + 1)));
    assertClose(x.grad!, expected, { rtol: 1e-5 });
  });

  it("differentiate through a view written in place (CopySlices)", () => {
    const p = lt.tensor([1, 2, 3, 4], { requiresGrad: true });
    const q = p.mul(1);
    q.narrow(0, 1, 2).mul_(10);
    q.sum().backward();
    assertClose(p.grad!, [1, 10, 10, 1]);
    const src = lt.tensor([1, 2, 3], { requiresGrad: true });
    const base = lt.zeros([2, 3]);
    base.select(0, 1).copy_(src);
    base.mul(2).sum().backward();
    assertClose(src.grad!, [2, 2, 2]);
  });

  it("refuse results that do not fit the tensor", () => {
    assert.throws(
      () => lt.arange(3).add_(1.5),
      (e: Error) => e instanceof lt.DTypeError && /can't be cast/.test(e.message),
    );
    assert.throws(() => lt.zeros([3]).add_(lt.ones([2, 3])), lt.ShapeError);
    assert.throws(() => lt.zeros([1]).expand([3]).add_(1), /expanded view/);
  });

  it("leave the tensor unchanged when the op fails", () => {
    const x = lt.tensor([1, 2, 3]);
    assert.throws(() => x.add_(lt.ones([2])));
    assertClose(x, [1, 2, 3]);
  });
});

describe("in-place ops whose backward reads the old values (as PyTorch allows)", () => {
  const cases: [string, (y: lt.Tensor, x: lt.Tensor) => void, number[]][] = [
    ["pow_(2)", (y) => y.pow_(2), [2, 4]],
    ["mul_(x)", (y, x) => y.mul_(x), [2, 4]],
    ["log_", (y) => y.log_(), [1, 0.5]],
    ["abs_", (y) => y.abs_(), [1, 1]],
    ["clamp_", (y) => y.clamp_({ min: 0, max: 1.5 }), [1, 0]],
    ["sigmoid_", (y) => y.sigmoid_(), [0.19661193, 0.10499359]],
  ];
  for (const [name, f, expected] of cases) {
    it(name, () => {
      const x = lt.tensor([1, 2], { requiresGrad: true });
      const y = x.mul(1);
      f(y, x);
      y.sum().backward();
      assertClose(x.grad!, expected, { rtol: 1e-5 });
    });
  }

  it("on a view", () => {
    const x = lt.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    y.narrow(0, 1, 2).pow_(2);
    y.sum().backward();
    assertClose(x.grad!, [1, 4, 6]);
  });
});
