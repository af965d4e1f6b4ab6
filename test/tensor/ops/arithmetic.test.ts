import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("arithmetic", () => {
  it("broadcasts add and mul", () => {
    const a = lt.tensor([[1], [2]]);
    const b = lt.tensor([10, 20, 30]);
    assertClose(
      a.add(b),
      [
        [11, 21, 31],
        [12, 22, 32],
      ],
      { shape: [2, 3] },
    );
    assertClose(a.mul(b), [
      [10, 20, 30],
      [20, 40, 60],
    ]);
    assertClose(a.sub(b, { alpha: 2 }), [
      [-19, -39, -59],
      [-18, -38, -58],
    ]);
  });

  it("follows PyTorch type promotion", () => {
    const i = lt.arange(3);
    assert.equal(i.add(1).dtype, "int32");
    assert.equal(i.add(1.5).dtype, "float32");
    assert.equal(i.div(2).dtype, "float32");
    assert.equal(lt.tensor([true]).add(true).dtype, "bool");
    assert.equal(lt.tensor([true]).add(1).dtype, "int32");
    assert.equal(i.add(lt.tensor(2.5)).dtype, "float32");
    assert.deepEqual(
      lt.arange(7).div(2, { roundingMode: "floor" }).arraySync(),
      [0, 0, 1, 1, 2, 2, 3],
    );
  });

  it("computes gradients through broadcasting", () => {
    const a = lt.tensor([[1], [2]], { requiresGrad: true });
    const b = lt.tensor([10, 20, 30], { requiresGrad: true });
    a.mul(b).add(a).sum().backward();
    assertClose(a.grad!, [[63], [63]]);
    assertClose(b.grad!, [3, 3, 3]);
  });

  it("names both shapes when broadcasting fails", () => {
    assert.throws(
      () => lt.ones([2, 3]).add(lt.ones([4])),
      (e: Error) => e instanceof lt.ShapeError && /add: shapes \[2, 3\] and \[4\]/.test(e.message),
    );
  });

  it("names both devices when they differ", () => {
    assert.throws(() => lt.ones([2]).add("x" as never), lt.ValueError);
  });
});
