import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConcatDataset, Dataset, randomSplit, Subset, TensorDataset } from "../../data/dataset.js";
import * as lt from "../../index.js";

class Range extends Dataset<number> {
  constructor(readonly n: number) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number) {
    return i;
  }
}

describe("TensorDataset", () => {
  it("indexes rows of every tensor", () => {
    const ds = new TensorDataset(lt.arange(0, 6).reshape([3, 2]), lt.tensor([7, 8, 9]));
    assert.equal(ds.length, 3);
    const [x, y] = ds.getItem(1);
    assert.deepEqual(x!.arraySync(), [2, 3]);
    assert.equal(y!.itemSync(), 8);
    assert.deepEqual(ds.at(-1)[1]!.itemSync(), 9);
    assert.throws(() => ds.at(3), /index 3 is out of range for a dataset of 3 items/);
  });

  it("rejects tensors of different lengths", () => {
    assert.throws(
      () => new TensorDataset(lt.zeros([3, 2]), lt.zeros([4])),
      /Size mismatch between tensors: first dimensions are \[3, 4\]/,
    );
  });
});

describe("Subset, ConcatDataset", () => {
  it("Subset picks indices in order; ConcatDataset chains datasets", () => {
    assert.deepEqual([...new Subset(new Range(10), [3, 1, 4])], [3, 1, 4]);
    const cat = new ConcatDataset([new Range(2), new Range(3)]);
    assert.equal(cat.length, 5);
    assert.deepEqual([...cat], [0, 1, 0, 1, 2]);
    assert.deepEqual(cat.cumulativeSizes, [2, 5]);
  });
});

describe("randomSplit", () => {
  it("partitions the indices, reproducibly under manualSeed", () => {
    lt.manualSeed(42);
    const [a, b] = randomSplit(new Range(10), [7, 3]);
    assert.equal(a!.length, 7);
    assert.equal(b!.length, 3);
    assert.deepEqual(
      [...a!, ...b!].sort((x, y) => x - y),
      [...Array(10).keys()],
    );
    lt.manualSeed(42);
    const perm = Array.from(lt.randperm(10).dataSync());
    assert.deepEqual([...a!, ...b!], perm);
  });

  it("accepts fractions and spreads the remainder like PyTorch", () => {
    lt.manualSeed(0);
    const parts = randomSplit(new Range(11), [0.5, 0.3, 0.2]);
    // floor: 5, 3, 2 = 10; the one left over goes to the first split.
    assert.deepEqual(
      parts.map((p) => p.length),
      [6, 3, 2],
    );
  });

  it("rejects lengths that do not add up", () => {
    assert.throws(
      () => randomSplit(new Range(10), [3, 3]),
      /Sum of input lengths does not equal the length of the input dataset/,
    );
  });
});
