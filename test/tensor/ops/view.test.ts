import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";
import { assertClose } from "../assert-close.js";

describe("views", () => {
  it("share memory with their base", () => {
    const x = lt.zeros([2, 3]);
    const v = x.view([3, 2]);
    lt.noGrad(() => v.fill_(1));
    assert.deepEqual(x.arraySync(), [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assert.equal(x.t().storage, x.storage);
  });

  it("view refuses non-contiguous layouts and reshape copies", () => {
    const x = lt.arange(6).reshape([2, 3]).t();
    assert.throws(() => x.view([6]), /use \.reshape/);
    assert.deepEqual(x.reshape([6]).arraySync(), [0, 3, 1, 4, 2, 5]);
  });

  it("permute, transpose, expand, squeeze and unsqueeze", () => {
    const x = lt.arange(24).reshape([2, 3, 4]);
    assert.deepEqual(x.permute([2, 0, 1]).shape, [4, 2, 3]);
    assert.deepEqual(x.transpose(0, -1).shape, [4, 3, 2]);
    assert.deepEqual(lt.ones([3, 1]).expand([2, 3, 4]).shape, [2, 3, 4]);
    assert.deepEqual(lt.ones([2, 1, 3, 1]).squeeze().shape, [2, 3]);
    assert.deepEqual(lt.ones([2, 1, 3]).squeeze(1).shape, [2, 3]);
    assert.deepEqual(lt.ones([2, 3]).unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(x.flatten(1).shape, [2, 12]);
  });

  it("slices like Python", () => {
    const x = lt.arange(10);
    assert.deepEqual(x.slice(0, 1, -1, 3).arraySync(), [1, 4, 7]);
    assert.deepEqual(x.narrow(0, 2, 3).arraySync(), [2, 3, 4]);
    const m = lt.arange(24).reshape([2, 3, 4]);
    assert.deepEqual(m.index(0, ":", -1).arraySync(), [3, 7, 11]);
    assert.deepEqual(m.index("...", "::2").shape, [2, 3, 2]);
    assert.deepEqual(m.index(null, 1).shape, [1, 3, 4]);
    assert.throws(() => m.select(1, 3), lt.IndexError);
  });

  it("iterate over the first dim", () => {
    const rows = [...lt.arange(6).reshape([3, 2])].map((r) => r.arraySync());
    assert.deepEqual(rows, [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    assert.throws(() => [...lt.tensor(1)], lt.ValueError);
  });

  it("backward of a slice fills the rest with zeros", () => {
    const x = lt.ones([2, 3], { requiresGrad: true });
    x.index(":", "1:").mul(2).sum().backward();
    assertClose(x.grad!, [
      [0, 2, 2],
      [0, 2, 2],
    ]);
  });
});
