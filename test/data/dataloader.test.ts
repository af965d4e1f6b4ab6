import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataLoader, defaultCollate } from "../../data/dataloader.js";
import { Dataset, TensorDataset } from "../../data/dataset.js";
import { RandomCrop, RandomHorizontalFlip, Compose } from "../../data/transforms/transforms.js";
import { ImageDataset } from "../../data/vision.js";
import * as lt from "../../index.js";
import type { Tensor } from "../../tensor/tensor.js";

class Items extends Dataset<[Tensor, number]> {
  constructor(readonly n: number) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number): [Tensor, number] {
    return [lt.tensor([i, -i]), i];
  }
}

function labels(batches: Iterable<[Tensor, Tensor]>): number[][] {
  return [...batches].map(([, y]) => Array.from(y.dataSync()));
}

describe("defaultCollate", () => {
  it("stacks tensors, tensorises numbers, recurses into arrays and objects", () => {
    const out = defaultCollate([
      { x: lt.tensor([1, 2]), y: 3, name: "a", w: 0.5 },
      { x: lt.tensor([3, 4]), y: 4, name: "b", w: 1 },
    ]);
    assert.deepEqual(out.x.shape, [2, 2]);
    assert.equal(out.y.dtype, "int32");
    assert.equal(out.w.dtype, "float32");
    assert.deepEqual(out.name, ["a", "b"]);
    assert.throws(
      () => defaultCollate([lt.zeros([2]), lt.zeros([3])]),
      /equal size, but got shapes \[2\] and \[3\]/,
    );
  });
});

describe("DataLoader", () => {
  it("batches in order with a short last batch, or drops it", () => {
    assert.deepEqual(labels(new DataLoader(new Items(7), { batchSize: 3 })), [
      [0, 1, 2],
      [3, 4, 5],
      [6],
    ]);
    const dropping = new DataLoader(new Items(7), { batchSize: 3, dropLast: true });
    assert.equal(dropping.length, 2);
    assert.deepEqual(labels(dropping), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.equal(new DataLoader(new Items(7), { batchSize: 3 }).length, 3);
    const [x] = [...new DataLoader(new Items(4), { batchSize: 2 })][1]!;
    assert.deepEqual(x.arraySync(), [
      [2, -2],
      [3, -3],
    ]);
  });

  it("shuffles with lectern's generator: reproducible under manualSeed, new order each epoch", () => {
    const loader = new DataLoader(new Items(10), { batchSize: 4, shuffle: true });
    lt.manualSeed(123);
    const epoch1 = labels(loader).flat();
    const epoch2 = labels(loader).flat();
    lt.manualSeed(123);
    assert.deepEqual(Array.from(lt.randperm(10).dataSync()), epoch1);
    lt.manualSeed(123);
    assert.deepEqual(labels(loader).flat(), epoch1);
    assert.notDeepEqual(epoch1, epoch2);
    assert.deepEqual(
      [...epoch1].sort((a, b) => a - b),
      [...Array(10).keys()],
    );
  });

  it("uses a custom collateFn", () => {
    const loader = new DataLoader(new Items(5), {
      batchSize: 2,
      collateFn: (items) => items.map(([, y]) => y * 10),
    });
    assert.deepEqual([...loader], [[0, 10], [20, 30], [40]]);
  });

  it("for await yields the same batches as for...of, with prefetching", async () => {
    const loader = new DataLoader(new Items(9), { batchSize: 2, shuffle: true, prefetch: 3 });
    lt.manualSeed(5);
    const sync = labels(loader);
    lt.manualSeed(5);
    const got: number[][] = [];
    for await (const [, y] of loader) got.push(Array.from(y.dataSync()));
    assert.deepEqual(got, sync);
  });

  it("validates its options", () => {
    assert.throws(
      () => new DataLoader(new Items(3), { batchSize: 0 }),
      /batch_size should be a positive integer value, but got batch_size=0/,
    );
    assert.throws(
      () => new DataLoader(new Items(3), { numWorkers: -1 }),
      /num_workers option should be non-negative/,
    );
  });
});

describe("DataLoader worker threads", () => {
  const images = () => {
    const n = 12;
    const bytes = Uint8Array.from({ length: n * 3 * 4 * 4 }, (_, i) => (i * 7) % 256);
    return {
      images: bytes,
      labels: Uint8Array.from({ length: n }, (_, i) => i),
      shape: [n, 3, 4, 4] as [number, number, number, number],
    };
  };

  it("loads the same batches as the main thread when transforms are deterministic", async () => {
    const ds = new ImageDataset(images());
    const main = new DataLoader(ds, { batchSize: 5 });
    const workers = new DataLoader(ds, { batchSize: 5, numWorkers: 2 });
    const expected = [...main];
    let k = 0;
    for await (const [x, y] of workers) {
      assert.deepEqual(x.shape, expected[k]![0].shape);
      assert.deepEqual(Array.from(x.dataSync()), Array.from(expected[k]![0].dataSync()));
      assert.deepEqual(Array.from(y.dataSync()), Array.from(expected[k]![1].dataSync()));
      k++;
    }
    assert.equal(k, 3);
  });

  it("random augmentation in workers is reproducible under manualSeed", async () => {
    const augment = new Compose([new RandomCrop(4, { padding: 1 }), new RandomHorizontalFlip()]);
    const ds = new ImageDataset(images(), { transform: augment });
    const run = async () => {
      lt.manualSeed(9);
      const out: number[][] = [];
      for await (const [x] of new DataLoader(ds, { batchSize: 4, shuffle: true, numWorkers: 2 }))
        out.push(Array.from(x.dataSync()));
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.equal(a.length, 3);
  });

  it("persistent workers serve several epochs until close()", async () => {
    const ds = new ImageDataset(images());
    const loader = new DataLoader(ds, { batchSize: 4, numWorkers: 1, persistentWorkers: true });
    for (let epoch = 0; epoch < 2; epoch++) {
      const got: number[] = [];
      for await (const [, y] of loader) got.push(...Array.from(y.dataSync()));
      assert.deepEqual(got, [...Array(12).keys()]);
    }
    // Leaving a loop early is fine too.
    for await (const _ of loader) break;
    await loader.close();
  });

  it("falls back to the main thread for datasets it cannot rebuild", async () => {
    const ds = new ImageDataset(images(), { transform: (x) => x.mul(2) });
    const got: number[] = [];
    for await (const [x] of new DataLoader(ds, { batchSize: 6, numWorkers: 2 }))
      got.push(x.shape[0]!);
    assert.deepEqual(got, [6, 6]);
  });

  it("TensorDataset crosses to workers too", async () => {
    const ds = new TensorDataset(
      lt.arange(0, 10).float().reshape([5, 2]),
      lt.tensor([1, 2, 3, 4, 5]),
    );
    const out: number[][] = [];
    for await (const [x, y] of new DataLoader(ds, { batchSize: 2, numWorkers: 1 })) {
      out.push([...Array.from(x.dataSync()), ...Array.from(y.dataSync())]);
    }
    assert.deepEqual(out, [
      [0, 1, 2, 3, 1, 2],
      [4, 5, 6, 7, 3, 4],
      [8, 9, 5],
    ]);
  });
});
