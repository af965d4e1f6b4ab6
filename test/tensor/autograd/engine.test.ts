import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("backward", () => {
  it("accumulates gradients across calls", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(3).sum().backward();
    assertClose(x.grad!, [5, 7]);
  });

  it("sums the gradient of a tensor used twice", () => {
    const x = lt.tensor([3], { requiresGrad: true });
    const y = x.mul(x).add(x);
    y.sum().backward();
    assertClose(x.grad!, [7]);
  });

  it("needs a gradient for non-scalar outputs", () => {
    const x = lt.ones([2, 2], { requiresGrad: true });
    assert.throws(
      () => x.mul(2).backward(),
      (e: Error) => e instanceof lt.AutogradError && /onesLike/.test(e.message),
    );
    x.mul(2).backward(lt.onesLike(x));
    assertClose(x.grad!, [
      [2, 2],
      [2, 2],
    ]);
  });

  it("refuses to run twice through a freed graph, unless retainGraph", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    assertClose(x.grad!, [2 * Math.E, 2 * Math.exp(2)], { rtol: 1e-5 });
    assert.throws(
      () => y.backward(),
      (e: Error) => e instanceof lt.AutogradError && /retainGraph/.test(e.message),
    );
  });

  it("does not record inside noGrad", () => {
    const x = lt.ones([2], { requiresGrad: true });
    const y = lt.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(lt.isGradEnabled(), true);
    assert.equal(lt.noGrad(() => lt.enableGrad(() => x.mul(2))).requiresGrad, true);
  });

  it("keeps non-leaf grads after retainGrad and runs hooks", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    const seen: number[][] = [];
    h.registerHook((g) => {
      seen.push(Array.from(g.dataSync()));
      return g.mul(10);
    });
    h.sum().backward();
    assert.deepEqual(seen, [[1, 1]]);
    assertClose(h.grad!, [10, 10]);
    assertClose(x.grad!, [20, 20]);
  });

  it("detach cuts the graph", () => {
    const x = lt.tensor([1], { requiresGrad: true });
    const y = x.mul(2).detach();
    assert.equal(y.requiresGrad, false);
    assert.equal(y.isLeaf, true);
  });

  it("computes second derivatives with createGraph", () => {
    const x = lt.tensor([2], { requiresGrad: true });
    const [d1] = lt.autograd.grad(x.pow(3), [x], { createGraph: true });
    assertClose(d1!, [12]);
    const [d2] = lt.autograd.grad(d1!, [x]);
    assertClose(d2!, [12]);
  });
});

describe("backward failures", () => {
  it("leave .grad and the graph untouched", () => {
    const a = lt.tensor([1, 2], { requiresGrad: true });
    const w = lt.tensor([3, 4], { requiresGrad: true });
    const b = a.mul(1);
    const loss = b.mul(b).sum().add(w.sum());
    b.add_(1);
    assert.throws(() => loss.backward(), /modified by an in-place operation/);
    assert.equal(w.grad, null);
    assert.equal(a.grad, null);
  });
});

describe("autograd API details", () => {
  it("noGrad covers an async callback until it settles", async () => {
    const x = lt.ones([2], { requiresGrad: true });
    const y = await lt.noGrad(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return x.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(lt.isGradEnabled(), true);
  });

  it("grad takes several outputs with gradOutputs and leaves .grad alone", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const a = x.mul(2);
    const b = x.pow(2);
    const [g] = lt.autograd.grad([a, b], [x], {
      gradOutputs: [lt.tensor([1, 1]), lt.tensor([1, 0.5])],
    });
    assertClose(g!, [4, 4]);
    assert.equal(x.grad, null);
  });

  it("removed hooks no longer run", () => {
    const x = lt.tensor([1], { requiresGrad: true });
    let calls = 0;
    const h = x.registerHook(() => {
      calls++;
    });
    x.mul(2).sum().backward();
    h.remove();
    x.mul(2).sum().backward();
    assert.equal(calls, 1);
    assertClose(x.grad!, [4]);
  });

  it("a disposed tensor cannot be used", () => {
    const x = lt.ones([2]);
    x.dispose();
    assert.throws(
      () => x.add(1),
      (e: Error) => e instanceof lt.DeviceError && /disposed/.test(e.message),
    );
  });

  it("setGradEnabled switches recording", () => {
    const x = lt.ones([1], { requiresGrad: true });
    lt.setGradEnabled(false);
    try {
      assert.equal(x.mul(2).requiresGrad, false);
    } finally {
      lt.setGradEnabled(true);
    }
    assert.equal(x.mul(2).requiresGrad, true);
  });

  it("leaf grads own their memory (not a broadcast view of the seed)", () => {
    const x = lt.ones([2, 3], { requiresGrad: true });
    x.sum().backward();
    assert.ok(x.grad!.isContiguous());
    x.grad!.mul_(2);
    assertClose(x.grad!, [
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });
});
