import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blobs, moons, spirals, xor } from "../../data/synthetic.js";
import * as lt from "../../index.js";

describe("synthetic point sets", () => {
  it("xor: the four corners with XOR labels, or noisy copies", () => {
    assert.deepEqual(xor().x.arraySync(), [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    assert.deepEqual(xor().y.arraySync(), [0, 1, 1, 0]);
    lt.manualSeed(0);
    const noisy = xor({ n: 400, noise: 0.1 });
    const x = noisy.x.arraySync() as number[][];
    const y = noisy.y.arraySync() as number[];
    // Every point stays nearer its own corner than the noise could move it away.
    assert.deepEqual(
      x.map(([a, b]) => Math.round(a!) ^ Math.round(b!)),
      y,
    );
  });

  it("spirals: one arm per class with radius growing from 0 to 1", () => {
    lt.manualSeed(1);
    const s = spirals({ n: 50, classes: 3 });
    assert.deepEqual(s.x.shape, [150, 2]);
    const radius = (s.x.arraySync() as number[][]).map(([a, b]) => Math.hypot(a!, b!));
    assert.ok(Math.abs(radius[0]!) < 1e-6 && Math.abs(radius[49]! - 1) < 1e-5);
    assert.deepEqual(
      [0, 50, 100].map((i) => s.y.arraySync()[i as never]),
      [0, 1, 2],
    );
  });

  it("moons: noiseless points lie on the two half circles", () => {
    const m = moons({ n: 20 });
    const x = m.x.arraySync() as number[][];
    const y = m.y.arraySync() as number[];
    x.forEach(([a, b], i) => {
      const d = y[i] === 0 ? Math.hypot(a!, b!) : Math.hypot(a! - 1, b! - 0.5);
      assert.ok(Math.abs(d - 1) < 1e-5, `point ${i} at distance ${d}`);
    });
  });

  it("blobs: clusters around the given centres; reproducible under manualSeed", () => {
    lt.manualSeed(5);
    const b = blobs({
      n: 300,
      centers: [
        [-5, 0],
        [5, 0],
        [0, 8],
      ],
      std: 0.5,
    });
    const x = b.x.arraySync() as number[][];
    const y = b.y.arraySync() as number[];
    const centres = [
      [-5, 0],
      [5, 0],
      [0, 8],
    ];
    const far = x.filter(
      ([a, c], i) => Math.hypot(a! - centres[y[i]!]![0]!, c! - centres[y[i]!]![1]!) >= 3,
    );
    assert.deepEqual(far, []);
    lt.manualSeed(5);
    assert.deepEqual(blobs({ n: 300, centers: centres, std: 0.5 }).x.arraySync(), b.x.arraySync());
  });
});
