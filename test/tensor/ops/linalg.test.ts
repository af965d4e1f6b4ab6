import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("matmul", () => {
  it("multiplies matrices, vectors and broadcast batches", () => {
    const a = lt.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = lt.tensor([
      [5, 6],
      [7, 8],
    ]);
    assertClose(a.matmul(b), [
      [19, 22],
      [43, 50],
    ]);
    assertClose(a.matmul(lt.tensor([1, 1])), [3, 7], { shape: [2] });
    assertClose(lt.tensor([1, 1]).matmul(a), [4, 6], { shape: [2] });
    assert.deepEqual(lt.ones([5, 1, 2, 3]).matmul(lt.ones([4, 3, 6])).shape, [5, 4, 2, 6]);
    assertClose(a.t().matmul(b), [
      [26, 30],
      [38, 44],
    ]);
  });

  it("has the gradients of PyTorch", () => {
    const a = lt.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const b = lt.tensor(
      [
        [5, 6],
        [7, 8],
      ],
      { requiresGrad: true },
    );
    a.matmul(b).sum().backward();
    assertClose(a.grad!, [
      [11, 15],
      [11, 15],
    ]);
    assertClose(b.grad!, [
      [4, 4],
      [6, 6],
    ]);
  });

  it("reports misaligned shapes", () => {
    assert.throws(
      () => lt.zeros([2, 3]).matmul(lt.zeros([4, 5])),
      (e: Error) =>
        e instanceof lt.ShapeError &&
        e.message === "matmul: shapes [2, 3] and [4, 5] do not align (3 != 4)",
    );
  });
});
