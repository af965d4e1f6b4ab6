import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

// The gradient of x through `pieces`, each piece weighted by its own random
// tensor; `skip` pieces get no gradient at all.
function gradThrough(
  x: lt.Tensor,
  pieces: (x: lt.Tensor) => lt.Tensor[],
  weights: lt.Tensor[],
  skip: ReadonlySet<number>,
): lt.Tensor {
  const xs = x.detach().requiresGrad_();
  const terms = pieces(xs)
    .map((p, i) => (skip.has(i) ? null : p.mul(weights[i]).sum()))
    .filter((t): t is lt.Tensor => t !== null);
  terms.reduce((a, b) => a.add(b)).backward();
  return xs.grad!;
}

describe("split and unbind backward", () => {
  const T = 200;
  const x = lt.randn([T, 3, 4]);
  const skip = new Set([0, 7, 199]);

  it("unbind over a long first dim matches the gradients of the selects", () => {
    const weights = Array.from({ length: T }, () => lt.randn([3, 4]));
    const viaUnbind = gradThrough(x, (t) => t.unbind(0), weights, skip);
    const viaSelect = gradThrough(
      x,
      (t) => Array.from({ length: T }, (_, i) => t.select(0, i)),
      weights,
      skip,
    );
    assertClose(viaUnbind, viaSelect.arraySync(), { shape: [T, 3, 4] });
    assert.deepEqual(viaUnbind.select(0, 7).abs().sum().itemSync(), 0);
    assert.notEqual(viaUnbind.select(0, 8).abs().sum().itemSync(), 0);
  });

  it("split and chunk match the gradients of the narrows, also along a later dim", () => {
    const sizes = [3, 1, 5, 0, 191];
    const weights = sizes.map((s) => lt.randn([s, 3, 4]));
    const viaSplit = gradThrough(x, (t) => t.split(sizes, 0), weights, new Set([1]));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const viaNarrow = gradThrough(
      x,
      (t) => sizes.map((s, i) => t.narrow(0, starts[i], s)),
      weights,
      new Set([1]),
    );
    assertClose(viaSplit, viaNarrow.arraySync());
    const w2 = [lt.randn([T, 3, 2]), lt.randn([T, 3, 2])];
    const viaChunk = gradThrough(x, (t) => t.chunk(2, 2), w2, new Set());
    assertClose(viaChunk, lt.cat(w2, 2).arraySync());
  });

  it("pieces stay views, a retained graph runs twice, and double backward works", () => {
    const base = lt.zeros([4, 2]);
    lt.noGrad(() => base.unbind(0)[2].fill_(5));
    assert.deepEqual(base.select(0, 2).arraySync(), [5, 5]);

    const y = lt.randn([5, 2], { requiresGrad: true });
    const loss = lt
      .stack(
        y.unbind(0).map((p, i) => p.mul(i)),
        0,
      )
      .sum();
    loss.backward(null, { retainGraph: true });
    const first = y.grad!.clone();
    loss.backward();
    assertClose(y.grad!, first.mul(2).arraySync());

    const z = lt.randn([6, 3], { requiresGrad: true });
    assert.ok(
      lt.autograd.gradcheck(
        (a) =>
          lt.stack(
            a.unbind(0).map((p) => p.pow(3)),
            1,
          ),
        [z],
      ),
    );
    assert.ok(
      lt.autograd.gradcheck(
        (a) => {
          const [g] = lt.autograd.grad(
            lt
              .cat(
                a.split(2, 0).map((p) => p.pow(3)),
                0,
              )
              .sum(),
            [a],
            { createGraph: true },
          );
          return g!;
        },
        [z],
      ),
    );
  });
});
