import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("reductions", () => {
  const x = lt.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("sum and mean over dims with keepdim", () => {
    assertClose(x.sum(), 21, { shape: [] });
    assertClose(x.sum(1), [6, 15], { shape: [2] });
    assertClose(x.sum(-1, { keepdim: true }), [[6], [15]], { shape: [2, 1] });
    assertClose(x.sum([0, 1]), 21);
    assertClose(x.mean(0), [2.5, 3.5, 4.5]);
    assert.equal(lt.arange(4).sum().dtype, "int32");
    assert.throws(() => lt.arange(4).mean(), lt.DTypeError);
  });

  it("gradients of sum and mean spread evenly", () => {
    const a = lt.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    a.mean(1).sum().backward();
    assertClose(a.grad!, [
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
  });

  it("rejects out-of-range dims", () => {
    assert.throws(
      () => x.sum(2),
      (e: Error) => e instanceof lt.IndexError && /dim 2 is out of range/.test(e.message),
    );
  });
});
